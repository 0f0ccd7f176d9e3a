using System.Globalization;
using System.CommandLine;
using PhaseFlow.Cli.Problems;
using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Experiments;
using PhaseFlow.Experiments.Reproduce;
using PhaseFlow.Experiments.Validation;
using PhaseFlow.Manifold;
using Spectre.Console;

namespace PhaseFlow.Cli;

/// <summary>Exit codes of the <c>phaseflow</c> command.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary><c>validate</c>: at least one check failed.</summary>
    public const int ValidationFailed = 1;

    /// <summary>Bad input (command line, problem file) or a run that diverged or could not finish.</summary>
    public const int InputError = 2;

    /// <summary>A reduction (truncated hierarchy, spectral nodes) left its domain of validity: its moments violate an
    /// inequality every real weight vector satisfies. The valid part of the run was written; the message says from which
    /// time and why.</summary>
    public const int InvalidReduction = 3;

    /// <summary>An unexpected internal error (a bug: please report it).</summary>
    public const int InternalError = 70;

    /// <summary>Cancelled by the user.</summary>
    public const int Cancelled = 130;
}

/// <summary>The <c>phaseflow</c> command line, callable in-process (tests pass their own writers).</summary>
public static class CliApp
{
    /// <summary>Parses <paramref name="args"/>, runs the command and returns its exit code. Errors are printed as one
    /// message on <paramref name="error"/>, never as a stack trace.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var root = BuildRoot(output, error, cancellationToken);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // One line, whatever the number of errors and whatever the tokens contain.
            error.WriteLine($"error: {UserText.OneLine(string.Join("; ", parsed.Errors.Select(e => e.Message)))} (try 'phaseflow --help')");
            return ExitCodes.InputError;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }

    /// <summary>The command tree (also read by <c>phaseflow docs</c> to write the CLI reference).</summary>
    internal static RootCommand BuildRoot(TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var root = new RootCommand("PhaseFlow: learning dynamics of phase retrieval under anisotropic data — direct simulation, " +
                                   "summary-statistic hierarchies, Volterra reductions and invariant manifolds, each checked against the others.");
        root.Subcommands.Add(BuildRun(output, error, cancellationToken));
        root.Subcommands.Add(BuildValidate(output, error, cancellationToken));
        root.Subcommands.Add(BuildHierarchy(output, error, cancellationToken));
        root.Subcommands.Add(BuildEscape(output, error, cancellationToken));
        root.Subcommands.Add(BuildModel(output, error, cancellationToken));
        root.Subcommands.Add(BuildDuhamel(output, error, cancellationToken));
        root.Subcommands.Add(BuildManifold(output, error, cancellationToken));
        root.Subcommands.Add(BuildReproduce(output, error, cancellationToken));
        root.Subcommands.Add(BuildDocs(output, error, cancellationToken));
        NumberOptions.Apply(root);
        return root;
    }

    private static Command BuildRun(TextWriter output, TextWriter error, CancellationToken ct)
    {
        var problem = new Argument<string>("problem") { Description = "Problem file (JSON; schema in docs/problem-files.md)." };
        var outDir = new Option<string>("--out") { Description = "Output folder for trajectory.csv and summary.json.", Required = true };
        var progress = new Option<bool>("--progress") { Description = "Show a progress bar on standard error." };
        var command = new Command("run", "Solve one problem file; write DIR/trajectory.csv and DIR/summary.json atomically.")
        {
            problem, outDir, progress,
        };
        command.SetAction(parse => Guarded(error, ct, () =>
        {
            string path = parse.GetValue(problem)!, dir = parse.GetValue(outDir)!;
            OutputTarget.Folder(dir, "--out", "trajectory.csv", "summary.json");
            string text = ProblemFile.ReadText(path), source = UserText.Name(Path.GetFileName(path));
            if (ManifoldProblemFile.TryParse(text, source) is { } settings)
            {
                var manifold = ProgressBars.Solve(error, parse.GetValue(progress), bar => ManifoldRuns.Run(settings, bar, ct));
                ManifoldCommand.Write(dir, settings, manifold);
                output.WriteLine(ManifoldCommand.Describe(settings, manifold, dir));
                return ExitCodes.Ok;
            }
            var parsed = ProblemFile.Parse(text, source);
            var result = ProgressBars.Solve(error, parse.GetValue(progress), bar => RunCommand.Execute(path, parsed, dir, bar, ct));
            foreach (var note in result.Notes) error.WriteLine($"warning: {note.Message}");
            output.WriteLine($"{result.Run.Statistics.Method}: {result.Run.Trajectory.Samples.Count} samples, {result.Run.Statistics.Steps} steps, " +
                             $"{result.Run.WallTime.TotalSeconds:F3} s; wrote {Path.Combine(dir, "trajectory.csv")} and {Path.Combine(dir, "summary.json")}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command BuildHierarchy(TextWriter output, TextWriter error, CancellationToken ct)
    {
        var order = new Option<int>("--order") { Description = "Truncation order K (1–200): s^(0..K) and u^(0..K) are integrated.", Required = true };
        var closure = new Option<string>("--closure") { Description = "zero, geometric (x^(K+1) = r x^(K)) or exact (minimal polynomial of Q).", DefaultValueFactory = _ => "geometric" };
        var ratio = new Option<double?>("--ratio") { Description = "Geometric closure ratio r (default λ_1 of the problem, or the symbol r)." };
        var print = new Option<string?>("--print") { Description = "Print the truncated system: text or latex (default text without --problem)." };
        var problem = new Option<string?>("--problem") { Description = "Problem file (gf dynamics): integrate the hierarchy beside the direct flow." };
        var outDir = new Option<string?>("--out") { Description = "Output folder for direct.csv, hierarchy.csv and comparison.json (with --problem)." };
        var integrator = new Option<string>("--integrator") { Description = "rodas4, dopri5 or dop853.", DefaultValueFactory = _ => "rodas4" };
        var student = new Option<string?>("--student") { Description = "Print the hierarchy derived for this student link (with --teacher; polynomial or closed-form links), instead of phase retrieval's." };
        var teacher = new Option<string?>("--teacher") { Description = "The teacher link of --student." };
        var command = new Command("hierarchy", "Print the truncated summary-statistic hierarchy; with --problem, integrate it and compare with direct gradient flow.")
        {
            order, closure, ratio, print, problem, outDir, integrator, student, teacher,
        };
        command.SetAction(parse => Guarded(error, ct, () =>
        {
            int k = parse.GetValue(order);
            string closureName = parse.GetValue(closure)!;
            double? r = parse.GetValue(ratio);
            string? format = parse.GetValue(print);
            string? f = parse.GetValue(student), g = parse.GetValue(teacher);
            if ((f is null) != (g is null)) throw new InputException("--student and --teacher go together");
            if (parse.GetValue(problem) is not { } path)
            {
                if (parse.GetValue(outDir) is not null) throw new InputException("--out needs --problem (there is nothing to integrate without a spectrum)");
                var loss = f is null ? null : ModelCommand.Build(f, g!, 0, QuadratureLoss.DefaultOrder);
                output.Write(HierarchyCommand.Print(k, closureName, r, format ?? "text", loss));
                return ExitCodes.Ok;
            }
            if (f is not null) throw new InputException("--student and --teacher print a derived hierarchy; with --problem the problem file states the model");
            string dir = parse.GetValue(outDir) ?? throw new InputException("--out is required with --problem");
            OutputTarget.Folder(dir, "--out", "direct.csv", "hierarchy.csv", "comparison.json");
            if (format is not null) output.Write(HierarchyCommand.Print(k, closureName, r, format));
            var comparison = HierarchyCommand.Compare(path, dir, k, closureName, r, parse.GetValue(integrator)!, ct);
            output.WriteLine(HierarchyCommand.Describe(comparison, dir));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command BuildEscape(TextWriter output, TextWriter error, CancellationToken ct)
    {
        var problem = new Argument<string?>("problem") { Description = "Problem file (spectrum, teacher, init); or give --a and --d.", Arity = ArgumentArity.ZeroOrOne };
        var a = new Option<double?>("--a") { Description = $"Power-law exponent a in (0, {EscapeCommand.MaxExponent}] (expected weights: C_i = s*, w(0) = α w* + isotropic part)." };
        var d = new Option<string?>("--d") { Description = "Dimension for --a: a number up to 1e18, or inf." };
        var overlap = new Option<double?>("--overlap") { Description = "u(0) ≥ 1e-300 for --a (default: the rms overlap of a random unit start; required for d = inf)." };
        var nodes = new Option<int>("--nodes") { Description = $"Node budget for --a, in [{EscapeCommand.MinNodes}, {EscapeCommand.MaxNodes}].", DefaultValueFactory = _ => 256 };
        var level = new Option<double>("--level") { Description = "Level |u| = level·s* the predicted times refer to, in (0, 1).", DefaultValueFactory = _ => 0.5 };
        var student = new Option<string?>("--student") { Description = "With --a and --d: the student link f of the model (with --teacher; default phase retrieval). A model without a linear escape phase is refused with the reason." };
        var teacher = new Option<string?>("--teacher") { Description = "The teacher link g of --student." };
        var noise = new Option<double>("--noise") { Description = "Label-noise σ ≥ 0 of --student/--teacher (it does not change the rate).", DefaultValueFactory = _ => 0 };
        var command = new Command("escape", "Print the Phase I escape rate ρ (dispersion relation) and the predicted escape time.")
        {
            problem, a, d, overlap, nodes, level, student, teacher, noise,
        };
        command.SetAction(parse => Guarded(error, ct, () =>
        {
            double lvl = parse.GetValue(level);
            string? f = parse.GetValue(student), g = parse.GetValue(teacher);
            if ((f is null) != (g is null)) throw new InputException("--student and --teacher go together");
            if (f is null && parse.GetValue(noise) != 0) throw new InputException("--noise needs --student and --teacher");
            EscapeCommand.Report report;
            if (parse.GetValue(problem) is { } path)
            {
                if (parse.GetValue(a) is not null || parse.GetValue(d) is not null)
                    throw new InputException("give either a problem file or --a and --d, not both");
                if (f is not null) throw new InputException("--student and --teacher go with --a and --d; a problem file states its own model");
                report = EscapeCommand.FromProblem(path, lvl, ct);
            }
            else if (parse.GetValue(a) is { } exponent && parse.GetValue(d) is { } dimension)
            {
                var loss = f is null ? null : ModelCommand.Build(f, g!, parse.GetValue(noise), QuadratureLoss.DefaultOrder);
                report = EscapeCommand.FromPowerLaw(exponent, dimension, parse.GetValue(overlap), parse.GetValue(nodes), lvl, ct, loss);
            }
            else throw new InputException("escape needs a problem file, or --a and --d");
            output.Write(EscapeCommand.Describe(report));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command BuildModel(TextWriter output, TextWriter error, CancellationToken ct)
    {
        var student = new Option<string>("--student") { Description = "The student's link f: an expression in z (z^3 - 3*z, tanh(z)) or erf, relu, tanh.", Required = true };
        var teacher = new Option<string>("--teacher") { Description = "The teacher's link g, likewise.", Required = true };
        var noise = new Option<double>("--noise") { Description = "Label-noise standard deviation σ ≥ 0 (adds σ² to the loss).", DefaultValueFactory = _ => 0 };
        var order = new Option<int>("--order") { Description = "Gauss–Hermite nodes per axis for links without a closed form, in [2, 300].", DefaultValueFactory = _ => QuadratureLoss.DefaultOrder };
        var print = new Option<string?>("--print") { Description = "Print P and its first and second derivatives: text or latex (polynomial links; the default without --at)." };
        var at = new Option<string?>("--at") { Description = "Evaluate at S,U,SSTAR: one JSON object {loss, Ps, Pu, Pss, Psu, Puu} (σ² included in loss)." };
        var command = new Command("model", "Print the population loss P(s, u, s*) of a single-index model and its derivatives, or evaluate them at one point.")
        {
            student, teacher, noise, order, print, at,
        };
        command.SetAction(parse => Guarded(error, ct, () =>
        {
            var loss = ModelCommand.Build(parse.GetValue(student)!, parse.GetValue(teacher)!, parse.GetValue(noise), parse.GetValue(order));
            if (parse.GetValue(at) is { } point)
            {
                if (parse.GetValue(print) is { } format) output.Write(ModelCommand.Print(loss, format));
                output.Write(ModelCommand.At(loss, point));
            }
            else output.Write(ModelCommand.Print(loss, parse.GetValue(print) ?? "text"));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command BuildDuhamel(TextWriter output, TextWriter error, CancellationToken ct)
    {
        var problem = new Argument<string>("problem") { Description = "Problem file with gradient-flow dynamics (spectrum, teacher, init, horizon)." };
        var outDir = new Option<string>("--out") { Description = "Output directory.", Required = true };
        var samples = new Option<int>("--samples") { Description = "Uniform samples of the direct run (Θ is splined through them); the Volterra grid has twice as many steps.", DefaultValueFactory = _ => 2048 };
        var command = new Command("duhamel", "Verification mode: Θ(t) from direct GF into the two-time-kernel Volterra equation; compare u(t) (and the printed convolution form).")
        {
            problem, outDir, samples,
        };
        command.SetAction(parse => Guarded(error, ct, () =>
        {
            string dir = parse.GetValue(outDir)!;
            OutputTarget.Folder(dir, "--out", "verification.csv", "summary.json");
            var result = DuhamelCommand.Execute(parse.GetValue(problem)!, dir, parse.GetValue(samples), ct);
            output.Write(DuhamelCommand.Describe(result, dir));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command BuildManifold(TextWriter output, TextWriter error, CancellationToken ct) =>
        ManifoldCommand.Build(output, ct, action => Guarded(error, ct, action));

    private static Command BuildReproduce(TextWriter output, TextWriter error, CancellationToken ct)
    {
        var target = new Argument<string>("experiment") { Description = $"{string.Join(", ", ReproduceRunner.Experiments.Select(e => e.Id))} or all." };
        var outDir = new Option<string>("--out") { Description = "Output folder: report.md, report.json and one sub-folder of CSV, SVG and PNG files per experiment.", Required = true };
        var size = new Option<string>("--size") { Description = "quick (seconds), default (reduced sizes, documented per experiment) or paper (the papers' sizes; long).", DefaultValueFactory = _ => "default" };
        var progress = new Option<bool?>("--progress") { Description = "Progress bars on standard error (default: when it is a terminal)." };
        var command = new Command("reproduce", "Rerun the papers' experiments (phase-retrieval.md §6, specgd-manifold.md §4): data, figures and measured-vs-predicted tables.")
        {
            target, outDir, size, progress,
        };
        command.SetAction(parse => Guarded(error, ct, () =>
        {
            var experiments = SelectExperiments(parse.GetValue(target)!);
            var chosen = ParseSize(parse.GetValue(size)!);
            string dir = parse.GetValue(outDir)!;
            OutputTarget.Folder(dir, "--out", "report.md", "report.json");
            bool show = parse.GetValue(progress) ?? ProgressBars.Interactive(error);
            var reports = ProgressBars.Run(error, show, experiments.Select(e => e.Id).ToArray(), report => ReproduceRunner.Run(experiments, chosen, report, ct));
            ReproduceRunner.Write(dir, reports, chosen);
            foreach (var r in reports)
                output.WriteLine($"{r.Id}: {r.Comparisons.Count(c => c.Agrees == true)} of {r.Comparisons.Count(c => c.Agrees is not null)} predictions agree, " +
                                 $"{r.Figures.Count} figures, {r.WallSeconds:F1} s");
            output.WriteLine($"wrote {Path.Combine(dir, "report.md")}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The experiments named by <paramref name="target"/> (an id or <c>all</c>).</summary>
    /// <exception cref="InputException">Unknown name.</exception>
    internal static IReadOnlyList<Experiment> SelectExperiments(string target)
    {
        if (string.Equals(target, "all", StringComparison.OrdinalIgnoreCase)) return ReproduceRunner.Experiments;
        return ReproduceRunner.Find(target) is { } one
            ? [one]
            : throw new InputException($"unknown experiment {UserText.Quote(target)}: expected one of {string.Join(", ", ReproduceRunner.Experiments.Select(e => e.Id))} or all");
    }

    /// <summary>Parses a size name.</summary>
    /// <exception cref="InputException">Unknown name.</exception>
    private static ReproduceSize ParseSize(string name) => name.ToLowerInvariant() switch
    {
        "quick" => ReproduceSize.Quick,
        "default" => ReproduceSize.Default,
        "paper" => ReproduceSize.Paper,
        _ => throw new InputException($"--size must be quick, default or paper, got {UserText.Quote(name)}"),
    };

    private static Command BuildValidate(TextWriter output, TextWriter error, CancellationToken ct)
    {
        var full = new Option<bool>("--full") { Description = "Run the larger sizes (minutes instead of seconds)." };
        var outFile = new Option<string?>("--out") { Description = "Also write the table to this file (.json for JSON, otherwise Markdown)." };
        var progress = new Option<bool?>("--progress") { Description = "A progress bar on standard error instead of the per-check log (default: when it is a terminal)." };
        var student = new Option<string?>("--student") { Description = "Validate this single-index model instead (with --teacher): every model-generic check, on problems where it moves. A link is an expression in z or erf, relu, tanh." };
        var teacher = new Option<string?>("--teacher") { Description = "The teacher link of --student." };
        var noise = new Option<double>("--noise") { Description = "Label-noise standard deviation σ ≥ 0 of --student's model.", DefaultValueFactory = _ => 0 };
        var sStar = new Option<double>("--sstar") { Description = "s* = w*ᵀQw* of --student's checks (the teacher rescaled), > 0.", DefaultValueFactory = _ => 1 };
        var order = new Option<int>("--order") { Description = "Gauss–Hermite nodes per axis for --student links without a closed form, in [2, 300] (the checks evaluate P every step: the order is their cost).", DefaultValueFactory = _ => ModelValidation.DefaultQuadratureOrder };
        var command = new Command("validate", "Run every consistency check of the project (or, with --student and --teacher, of that model) and print a Markdown table; exit 1 if any fails.")
        {
            full, outFile, progress, student, teacher, noise, sStar, order,
        };
        command.SetAction(parse => Guarded(error, ct, () =>
        {
            if (parse.GetValue(outFile) is { } target) OutputTarget.File(target, "--out");
            string? f = parse.GetValue(student), g = parse.GetValue(teacher);
            if ((f is null) != (g is null)) throw new InputException("--student and --teacher go together");
            IReadOnlyList<ValidationCheck> checks = ValidationSuite.Checks;
            if (f is not null)
            {
                var loss = ModelCommand.Build(f, g!, parse.GetValue(noise), parse.GetValue(order));
                double scale = parse.GetValue(sStar);
                if (!(scale > 0) || !double.IsFinite(scale)) throw new InputException($"--sstar must be finite and > 0, got {scale.ToString("R", CultureInfo.InvariantCulture)}");
                checks = ModelValidation.Checks(loss, new ModelValidationSettings(scale));
            }
            else if (parse.GetValue(noise) != 0 || parse.GetValue(sStar) != 1 || parse.GetValue(order) != ModelValidation.DefaultQuadratureOrder)
                throw new InputException("--noise, --sstar and --order set the model of --student and --teacher");
            bool show = parse.GetValue(progress) ?? ProgressBars.Interactive(error);
            var results = ProgressBars.Run(error, show, ["validate"], report => ValidationSuite.Run(checks, parse.GetValue(full),
                r => { if (!show) error.WriteLine($"{(r.Refusal is not null ? "n/a " : r.Pass ? "pass" : "FAIL")}  {r.Check}"); }, ct, f => report?.Invoke("validate", f)));
            string markdown = ValidationSuite.ToMarkdown(results);
            output.Write(markdown);
            if (parse.GetValue(outFile) is { } file)
                AtomicFile.WriteText(file, file.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ValidationSuite.ToJson(results) : markdown);
            return results.All(r => r.Pass) ? ExitCodes.Ok : ExitCodes.ValidationFailed;
        }));
        return command;
    }

    private static Command BuildDocs(TextWriter output, TextWriter error, CancellationToken ct)
    {
        var outDir = new Option<string>("--out") { Description = "The documentation folder to regenerate.", DefaultValueFactory = _ => "docs" };
        var parts = new Option<string>("--parts") { Description = "Comma-separated subset of cli, validation, reproduce.", DefaultValueFactory = _ => "cli,validation,reproduce" };
        var progress = new Option<bool?>("--progress") { Description = "Progress bars on standard error (default: when it is a terminal)." };
        var command = new Command("docs", "Regenerate the generated documentation from code: DIR/cli.md (this reference), DIR/validation.md " +
                                          "(phaseflow validate) and DIR/reproduce.md with DIR/figures/ (phaseflow reproduce all, default size).")
        {
            outDir, parts, progress,
        };
        command.SetAction(parse => Guarded(error, ct, () =>
        {
            var chosen = DocsCommand.ParseParts(parse.GetValue(parts)!);
            OutputTarget.Folder(parse.GetValue(outDir), "--out");
            bool show = parse.GetValue(progress) ?? ProgressBars.Interactive(error);
            foreach (string line in DocsCommand.Execute(parse.GetValue(outDir)!, chosen, BuildRoot(TextWriter.Null, TextWriter.Null, ct), error, show, ct))
                output.WriteLine(line);
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Runs <paramref name="action"/> under <see cref="Handle"/>. With a cancellable token the action runs on its
    /// own thread: cancellation is answered within a second (exit 130) even while a library call that cannot observe the
    /// token (a dense SVD) is still running — the process ends and the abandoned thread with it. A file set being committed
    /// then is completed by the next write to the folder (see <see cref="AtomicFile"/>).</summary>
    private static int Guarded(TextWriter error, CancellationToken ct, Func<int> action)
    {
        if (!ct.CanBeCanceled) return Handle(error, action);
        var work = Task.Factory.StartNew(() => Handle(error, action), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var done = ((IAsyncResult)work).AsyncWaitHandle;
        // Loops that observe the token stop within the grace period and report through Handle.
        if (WaitHandle.WaitAny([done, ct.WaitHandle]) == 0 || done.WaitOne(TimeSpan.FromSeconds(0.5)))
            return work.GetAwaiter().GetResult();
        error.WriteLine("cancelled");
        return ExitCodes.Cancelled;
    }

    /// <summary>Maps every expected failure to a one-line message and exit code 2.</summary>
    private static int Handle(TextWriter error, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (InputException e)
        {
            error.WriteLine($"error: {UserText.OneLine(e.Message)}");
            return ExitCodes.InputError;
        }
        catch (InvalidParameterException e)
        {
            error.WriteLine($"error: {UserText.OneLine(e.Message)}");
            return ExitCodes.InputError;
        }
        catch (InvalidReductionException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.InvalidReduction;
        }
        // Every other run failure (simulators, Volterra solvers, manifold runs) says where it stopped: exit code 2.
        catch (RunFailedException e)
        {
            error.WriteLine($"error: {UserText.OneLine(e.Message)}");
            return ExitCodes.InputError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: cannot write output: {UserText.OneLine(e.Message)}");
            return ExitCodes.InputError;
        }
        catch (OutOfMemoryException)
        {
            error.WriteLine("error: out of memory: the run does not fit in this machine's memory; reduce d (or the sizes of the run).");
            return ExitCodes.InputError;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("cancelled");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("PHASEFLOW_DEBUG") is null)
        {
            error.WriteLine($"internal error ({e.GetType().Name}): {UserText.OneLine(e.Message)}. Please report it; set PHASEFLOW_DEBUG=1 for the stack trace.");
            return ExitCodes.InternalError;
        }
    }
}
