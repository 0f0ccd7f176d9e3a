using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using PhaseFlow.Cli.Problems;
using PhaseFlow.Foundation;
using PhaseFlow.Manifold;

namespace PhaseFlow.Cli;

/// <summary><c>phaseflow manifold</c>: GD, SpecGD, GF or SpecGF on the signal/spike/bulk manifold (reduced, or full-matrix
/// with <c>--full</c>), and <c>phaseflow manifold compare</c>: GD against SpecGD over κ.</summary>
public static class ManifoldCommand
{
    /// <summary>Everything one run needs, as parsed from the command line.</summary>
    /// <param name="Method">gd, specgd, gf or specgf.</param>
    /// <param name="Parameters">The spiked model.</param>
    /// <param name="Kappa">κ (σ_v = 1 + κ).</param>
    /// <param name="Eta">η̃ or η; for the flows the time between recorded steps (horizon = steps·η).</param>
    /// <param name="Steps">Number of steps (flows: the horizon in units of η).</param>
    /// <param name="Init">ε of W_0 = ε Q_0 (a = b = c = ε).</param>
    /// <param name="Every">Record every k-th step (null: about 1000 evenly spaced samples).</param>
    /// <param name="Full">Full-matrix run settings, or null for the reduced dynamics.</param>
    public sealed record Settings(ManifoldMethod Method, SpikedManifold Parameters, double Kappa, double Eta, long Steps, double Init, long? Every,
        FullSettings? Full);

    /// <summary>Full-matrix settings.</summary>
    /// <param name="Width">m (≥ d).</param>
    /// <param name="Samples">n for a finite-sample gradient, null for the population gradient.</param>
    /// <param name="Resample">Fresh samples every step.</param>
    /// <param name="Polar">Polar backend.</param>
    /// <param name="Seed">Seed of Q_0 and of the samples.</param>
    public sealed record FullSettings(int Width, int? Samples, bool Resample, PolarMethod Polar, int Seed);

    internal static Command Build(TextWriter output, CancellationToken ct, Func<Func<int>, int> guarded)
    {
        var method = new Option<string>("--method") { Description = "gd, specgd, gf or specgf." };
        var common = new CommonOptions();
        var every = new Option<long?>("--every") { Description = "Record every k-th step (default: at most 1001 evenly spaced samples)." };
        var outDir = new Option<string>("--out") { Description = "Output folder for trajectory.csv and summary.json.", Required = true };
        var command = new Command("manifold",
            "Run GD, SpecGD, GF or SpecGF on the signal/spike/bulk manifold (reduced; --full: on W ∈ R^{d×m} from W_0 = ε Q_0); " +
            "write DIR/trajectory.csv (k,t,a,b,c,loss, then the alignments) and DIR/summary.json atomically.");
        command.Options.Add(method);
        common.AddTo(command);
        command.Options.Add(every);
        command.Options.Add(outDir);
        command.SetAction(parse => guarded(() =>
        {
            string name = parse.GetValue(method) ?? throw new InputException("--method is required (gd, specgd, gf or specgf)");
            var m = ParseMethod(name);
            var settings = common.Read(parse, m, parse.GetValue(every));
            string dir = parse.GetValue(outDir)!;
            OutputTarget.Folder(dir, "--out", "trajectory.csv", "summary.json");
            var result = Run(settings, null, ct);
            Write(dir, settings, result);
            output.WriteLine(Describe(settings, result, dir));
            return ExitCodes.Ok;
        }));

        var compareCommon = new CommonOptions();
        var kappas = new Option<string>("--kappas") { Description = "Comma-separated κ values.", DefaultValueFactory = _ => "0,1,2,5,10,20" };
        var specEta = new Option<double?>("--spec-eta") { Description = "η of SpecGD (default: --eta)." };
        var compareOut = new Option<string>("--out") { Description = "Output folder for compare.md and compare.csv.", Required = true };
        var compare = new Command("compare",
            "Run GD and SpecGD (reduced, or --full) for each κ and write a table of max b/a, min alignment a²/(a² + b²) and " +
            "steps to loss 1e-3 and 1e-5 to DIR/compare.md and DIR/compare.csv.");
        compareCommon.AddTo(compare, kappa: false);
        compare.Options.Add(kappas);
        compare.Options.Add(specEta);
        compare.Options.Add(compareOut);
        compare.SetAction(parse => guarded(() =>
        {
            var values = ParseList(parse.GetValue(kappas)!, "--kappas");
            var gd = compareCommon.Read(parse, ManifoldMethod.GradientDescent, null, kappaOverride: values[0]);
            double spec = parse.GetValue(specEta) ?? gd.Eta;
            if (!(spec > 0) || !double.IsFinite(spec)) throw new InputException($"--spec-eta must be finite and > 0, got {F(spec)}");
            string dir = parse.GetValue(compareOut)!;
            OutputTarget.Folder(dir, "--out", "compare.md", "compare.csv");
            var rows = Compare(gd, spec, values, ct);
            string markdown = CompareMarkdown(gd, spec, rows);
            AtomicFile.WriteAll(dir, [("compare.md", w => w.Write(markdown)), ("compare.csv", w => w.Write(CompareCsv(rows)))]);
            output.Write(markdown);
            return ExitCodes.Ok;
        }));
        command.Subcommands.Add(compare);
        return command;
    }

    /// <summary>The options shared by <c>manifold</c> and <c>manifold compare</c>.</summary>
    private sealed class CommonOptions
    {
        private readonly Option<double> _kappa = new("--kappa") { Description = "κ: σ_v = 1 + κ (σ_θ = σ_⊥ = 1).", DefaultValueFactory = _ => 10 };
        private readonly Option<long> _d = new("--d") { Description = "Dimension d ≥ 3.", Required = true };
        private readonly Option<double> _eta = new("--eta") { Description = "Step size η̃ (GD) or η (SpecGD); for the flows the time per step.", Required = true };
        private readonly Option<long> _steps = new("--steps") { Description = "Number of steps (flows: horizon = steps·η).", Required = true };
        private readonly Option<bool> _full = new("--full") { Description = "Full-matrix run on W ∈ R^{d×m} from W_0 = ε Q_0 (gd and specgd)." };
        private readonly Option<int?> _m = new("--m") { Description = "Columns m ≥ d of W (default d), with --full." };
        private readonly Option<int?> _samples = new("--samples") { Description = "Finite-sample gradient from n Gaussian samples (default: population), with --full." };
        private readonly Option<bool> _resample = new("--resample") { Description = "Draw fresh samples every step (default: one fixed data set)." };
        private readonly Option<string?> _polar = new("--polar") { Description = "Polar factor of SpecGD with --full: svd (default), eigen, newton-schulz or muon." };
        private readonly Option<double> _alpha = new("--alpha") { Description = "α, the second-layer weight.", DefaultValueFactory = _ => 1 };
        private readonly Option<double> _lossScale = new("--loss-scale") { Description = "c_L, the loss scale.", DefaultValueFactory = _ => 1 };
        private readonly Option<double> _rho = new("--rho") { Description = "ρ = ‖θ*‖².", DefaultValueFactory = _ => 1 };
        private readonly Option<double> _init = new("--init") { Description = "ε of W_0 = ε Q_0 (a = b = c = ε).", DefaultValueFactory = _ => 1e-3 };
        private readonly Option<int> _seed = new("--seed") { Description = "Seed of Q_0 and of the samples, in [0, 2^31 − 1].", DefaultValueFactory = _ => 1 };

        public void AddTo(Command command, bool kappa = true)
        {
            if (kappa) command.Options.Add(_kappa);
            foreach (var o in new Option[] { _d, _eta, _steps, _full, _m, _samples, _resample, _polar, _alpha, _lossScale, _rho, _init, _seed })
                command.Options.Add(o);
        }

        public Settings Read(ParseResult parse, ManifoldMethod method, long? every, double? kappaOverride = null)
        {
            bool full = parse.GetValue(_full);
            // The same range as a problem file's full.seed, whether or not --full uses it.
            if (parse.GetValue(_seed) is < 0 and var seed)
                throw new InputException($"--seed must be an integer in [0, {int.MaxValue}], got {seed}");
            int? m = parse.GetValue(_m), samples = parse.GetValue(_samples);
            if (!full && (m is not null || samples is not null || parse.GetValue(_resample)))
                throw new InputException("--m, --samples and --resample need --full");
            if (!full && parse.GetValue(_polar) is not null) throw new InputException("--polar needs --full");
            var request = full ? new FullRequest(m, samples, parse.GetValue(_resample), parse.GetValue(_polar) ?? "svd", parse.GetValue(_seed)) : null;
            return CreateSettings(method, kappaOverride ?? parse.GetValue(_kappa), parse.GetValue(_d), parse.GetValue(_eta), parse.GetValue(_steps),
                parse.GetValue(_init), every, parse.GetValue(_alpha), parse.GetValue(_lossScale), parse.GetValue(_rho), request, OptionName);
        }

        private static string OptionName(string parameter) => parameter switch
        {
            "lossScale" => "--loss-scale",
            "method" => "--method",
            _ => "--" + parameter,
        };
    }

    /// <summary>Full-matrix settings as asked for, before validation.</summary>
    /// <param name="Width">m, or null for m = d.</param>
    /// <param name="Samples">n, or null for the population gradient.</param>
    /// <param name="Resample">Fresh samples every step.</param>
    /// <param name="Polar">svd, eigen, newton-schulz or muon.</param>
    /// <param name="Seed">Seed of Q_0 and of the samples.</param>
    public sealed record FullRequest(int? Width, int? Samples, bool Resample, string Polar, int Seed);

    /// <summary>Validates one run's settings, whether they come from the command line or a problem file;
    /// <paramref name="name"/> turns a parameter (eta, steps, init, every, d, m, samples, polar, kappa, alpha, lossScale, rho,
    /// method, full) into the name the user wrote (<c>--eta</c>, <c>dynamics.eta</c>).</summary>
    /// <exception cref="InputException">A value out of range, named.</exception>
    public static Settings CreateSettings(ManifoldMethod method, double kappa, long d, double eta, long steps, double init, long? every,
        double alpha, double lossScale, double rho, FullRequest? full, Func<string, string> name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!(eta > 0) || !double.IsFinite(eta)) throw new InputException($"{name("eta")} must be finite and > 0, got {F(eta)}");
        if (steps < 1 || steps > 1L << 40) throw new InputException($"{name("steps")} must be an integer in [1, 2^40], got {steps}");
        if (every is { } e && (e < 1 || e > steps)) throw new InputException($"{name("every")} must be an integer in [1, {name("steps")} = {steps}], got {e}");
        // Every recorded sample is kept in memory: at most 10^7 of them.
        if (every is { } k && steps / k > 10_000_000)
            throw new InputException($"{name("every")} must be at least {name("steps")}/10^7 = {(steps + 9_999_999) / 10_000_000} (at most 10^7 recorded samples), got {k}");
        // The alignments are a²/(a² + b²): below 1e-150, ε² underflows and they were written as NaN with exit 0.
        if (!(init >= 1e-150) || !double.IsFinite(init)) throw new InputException($"{name("init")} must be finite and >= 1e-150 (ε² must not underflow), got {F(init)}");
        SpikedManifold parameters;
        try
        {
            parameters = SpikedManifold.FromKappa(kappa, d) with { Alpha = alpha, LossScale = lossScale, Rho = rho };
        }
        catch (InvalidParameterException ex)
        {
            throw new InputException($"{name(ex.Parameter)} must be {ex.Rule}, got {ex.Actual}");
        }
        // The loss is quartic in ε: a start whose loss overflows cannot be run (or written).
        var model = parameters.ToModel();
        if (!double.IsFinite(model.Loss(model.Uniform(init))))
            throw new InputException($"{name("init")} must give a finite initial loss (it is quartic in ε), got {F(init)}");
        FullSettings? fullSettings = null;
        if (full is { } request)
        {
            if (!method.IsDiscrete())
                throw new InputException($"{name("full")} runs gd and specgd (the flows run on the reduced model), got {name("method")} {method.ShortName()}");
            if (d > Covariance.MaxDimension) throw new InputException($"{name("d")} must be at most {Covariance.MaxDimension} with {name("full")}, got {d}");
            int width = request.Width ?? (int)d;
            if (width < d || width > Covariance.MaxDimension)
                throw new InputException($"{name("m")} must be in [d = {d}, {Covariance.MaxDimension}] (W_0 = ε Q_0 needs Q_0 Q_0ᵀ = I), got {width}");
            if (request.Samples is { } n && (n < 1 || (long)n * d > 1L << 27))
                throw new InputException($"{name("samples")} must be in [1, 2^27 / d = {(1L << 27) / d}], got {n}");
            fullSettings = new FullSettings(width, request.Samples, request.Resample, ParsePolar(request.Polar, name("polar")), request.Seed);
        }
        return new Settings(method, parameters, kappa, eta, steps, init, every, fullSettings);
    }

    private static ManifoldMethod ParseMethod(string name)
    {
        try { return ManifoldMethods.Parse(name); }
        catch (InvalidParameterException) { throw new InputException($"--method must be gd, specgd, gf or specgf, got {UserText.Quote(name)}"); }
    }

    private static PolarMethod ParsePolar(string name, string option) => name.ToLowerInvariant() switch
    {
        "svd" => PolarMethod.Svd,
        "eigen" => PolarMethod.GramEigen,
        "newton-schulz" => PolarMethod.NewtonSchulz,
        "muon" => PolarMethod.MuonNewtonSchulz,
        _ => throw new InputException($"{option} must be svd, eigen, newton-schulz or muon, got {UserText.Quote(name)}"),
    };

    private static double[] ParseList(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new InputException($"{option} must list at least one number");
        return parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v > -1
            ? v
            : throw new InputException($"{option} must be numbers > -1, got {UserText.Quote(p)}")).ToArray();
    }

    /// <summary>Runs one setting (reduced, or full matrix).</summary>
    public static ManifoldResult Run(Settings s, IProgress<SimulationProgress>? progress, CancellationToken ct)
    {
        var model = s.Parameters.ToModel();
        var x0 = model.Uniform(s.Init);
        // Recorded steps: every k-th (and the last), or at most 1001 evenly spaced; the flows record at t = k·η.
        long stride = s.Every ?? Math.Max(1, (long)Math.Ceiling(s.Steps / 1000.0));
        var indices = Enumerable.Range(0, (int)(s.Steps / stride) + 1).Select(i => (double)(i * stride)).Append(s.Steps).ToArray();
        double horizon = s.Method.IsDiscrete() ? s.Steps : s.Steps * s.Eta;
        var output = s.Method.IsDiscrete() ? OutputSchedule.At(indices) : OutputSchedule.At(indices.Select(k => Math.Min(horizon, k * s.Eta)).ToArray());
        var recording = new ManifoldOptions { Output = output };
        if (s.Full is not { } full)
            return ReducedDynamics.Solve(new ManifoldProblem(model, x0, s.Method, horizon, s.Eta), recording, progress, ct);
        var fullModel = FullMatrixModel.FromManifold(model);
        var q0 = RandomMatrices.Orthogonal((int)s.Parameters.Dimension, full.Width, full.Seed);
        var gradient = full.Samples is { } n ? GradientSource.Samples(n, full.Seed + 1, full.Resample) : GradientSource.Population;
        return FullMatrixDynamics.Solve(new FullMatrixProblem(fullModel, fullModel.Frame!.Embed(x0, q0), s.Method, s.Steps, s.Eta),
            new FullMatrixOptions { Frame = q0, Gradient = gradient, Polar = new PolarOptions { Method = full.Polar }, Recording = recording }, progress, ct);
    }

    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    private static JsonObject? Stage(StageTime? t) => t is null ? null : new JsonObject { ["t"] = t.Time, ["step"] = t.Step };

    private static double? Finite(double x) => double.IsFinite(x) ? x : null;

    /// <summary>summary.json of a run.</summary>
    public static JsonObject Summary(Settings s, ManifoldResult r)
    {
        var p = s.Parameters;
        var names = r.Trajectory.CoordinateNames;
        var final = new JsonObject();
        for (int i = 0; i < names.Count; i++) final[names[i]] = Finite(r.FinalCoordinates[i]);
        final["loss"] = r.FinalLoss;
        var switches = new JsonObject();
        for (int i = 0; i < r.Stages.FirstSwitch.Count; i++) switches[names[i]] = Stage(r.Stages.FirstSwitch[i]);
        var levels = new JsonObject();
        foreach (var l in r.Stages.LossBelow) levels[l.Level.ToString("G", CultureInfo.InvariantCulture)] = Stage(l.Reached);
        var summary = new JsonObject
        {
            ["method"] = s.Method.ShortName(),
            ["solver"] = r.Statistics.Method,
            ["parameters"] = new JsonObject
            {
                ["d"] = p.Dimension,
                ["kappa"] = s.Kappa,
                ["alpha"] = p.Alpha,
                ["lossScale"] = p.LossScale,
                ["rho"] = p.Rho,
                ["sigmaSignal"] = p.SigmaSignal,
                ["sigmaSpike"] = p.SigmaSpike,
                ["sigmaBulk"] = p.SigmaBulk,
                ["eta"] = s.Eta,
                ["steps"] = s.Steps,
                ["horizon"] = s.Steps * s.Eta,
                ["init"] = s.Init,
            },
            ["full"] = s.Full is { } f
                ? new JsonObject
                {
                    ["m"] = f.Width,
                    ["gradient"] = f.Samples is { } n ? $"{n} samples{(f.Resample ? " per step" : " (fixed data set)")}" : "population",
                    ["polar"] = f.Polar.ToString(),
                    ["seed"] = f.Seed,
                    ["maxDistance"] = Finite(r.Extremes.MaxDistance),
                    ["polarIterations"] = r.Statistics.PolarIterations,
                }
                : null,
            ["final"] = final,
            ["stages"] = new JsonObject
            {
                ["escape"] = Stage(r.Stages.Escape),
                ["escapeLevel"] = r.Stages.EscapeLevel,
                ["spikeSaturation"] = Stage(r.Stages.SpikeSaturation),
                ["firstSwitch"] = switches,
                ["lossBelow"] = levels,
                ["equilibrium"] = Stage(r.Stages.Equilibrium),
            },
            ["extremes"] = new JsonObject
            {
                ["maxSpikeRatio"] = Finite(r.Extremes.MaxSpikeRatio),
                ["maxSpikeRatioAt"] = Stage(r.Extremes.MaxSpikeRatioAt),
                ["minSignalVsSpike"] = Finite(r.Extremes.MinSignalVsSpike),
            },
            ["statistics"] = new JsonObject { ["steps"] = r.Statistics.Steps, ["evaluations"] = r.Statistics.Evaluations },
            ["wallTimeSeconds"] = r.WallTime.TotalSeconds,
        };
        if (r.Switches.Count > 0)
        {
            var events = new JsonArray();
            foreach (var e in r.Switches)
                events.Add(new JsonObject { ["t"] = e.Time, ["group"] = names[e.Group], ["kind"] = e.Kind.ToString(), ["velocity"] = e.Velocity });
            summary["switches"] = events;
        }
        return summary;
    }

    internal static void Write(string dir, Settings s, ManifoldResult r) =>
        AtomicFile.WriteAll(dir,
        [
            ("trajectory.csv", w => r.Trajectory.WriteCsv(w)),
            ("summary.json", w => { w.Write(Summary(s, r).ToJsonString(JsonFiles.Options)); w.Write('\n'); }),
        ]);

    internal static string Describe(Settings s, ManifoldResult r, string dir)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(inv, $"{r.Statistics.Method}: d = {s.Parameters.Dimension}, κ = {s.Kappa:G4}, η = {s.Eta:G4}, {s.Steps} steps, {r.WallTime.TotalSeconds:F3} s; ");
        text.Append(inv, $"final loss {r.FinalLoss:E3}, max b/a {r.Extremes.MaxSpikeRatio:G4}");
        if (r.Stages.TimeToLoss(1e-3) is { } t3) text.Append(inv, $", loss < 1e-3 at t = {t3.Time:G6}");
        if (r.Stages.Equilibrium is { } eq) text.Append(inv, $", solution reached at t = {eq.Time:G10}");
        text.Append(inv, $"; wrote {Path.Combine(dir, "trajectory.csv")} and {Path.Combine(dir, "summary.json")}");
        return text.ToString();
    }

    /// <summary>One row of <c>manifold compare</c>.</summary>
    /// <param name="Kappa">κ.</param>
    /// <param name="Method">gd or specgd.</param>
    /// <param name="Result">The run.</param>
    public sealed record CompareRow(double Kappa, ManifoldMethod Method, ManifoldResult Result);

    /// <summary>GD (step <paramref name="gd"/>.Eta) and SpecGD (step <paramref name="specEta"/>) for every κ.</summary>
    public static IReadOnlyList<CompareRow> Compare(Settings gd, double specEta, IReadOnlyList<double> kappas, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(gd);
        var rows = new List<CompareRow>();
        foreach (double kappa in kappas)
        {
            var parameters = gd.Parameters with { SigmaSpike = gd.Parameters.SigmaSignal * (1 + kappa) };
            foreach (var (method, eta) in new[] { (ManifoldMethod.GradientDescent, gd.Eta), (ManifoldMethod.SpectralGradientDescent, specEta) })
            {
                ct.ThrowIfCancellationRequested();
                var s = gd with { Method = method, Parameters = parameters, Kappa = kappa, Eta = eta };
                ManifoldResult result;
                try
                {
                    result = Run(s, null, ct);
                }
                catch (ManifoldDivergedException e)
                {
                    throw new InputException($"κ = {kappa.ToString("G", CultureInfo.InvariantCulture)}, {method.ShortName()}: {e.Message}");
                }
                rows.Add(new CompareRow(kappa, method, result));
            }
        }
        return rows;
    }

    private static string Cell(StageTime? t) => t?.Step is { } k ? k.ToString(CultureInfo.InvariantCulture) : "—";

    /// <summary>The comparison as a Markdown table.</summary>
    public static string CompareMarkdown(Settings gd, double specEta, IReadOnlyList<CompareRow> rows)
    {
        ArgumentNullException.ThrowIfNull(gd);
        ArgumentNullException.ThrowIfNull(rows);
        var inv = CultureInfo.InvariantCulture;
        var p = gd.Parameters;
        var sb = new StringBuilder();
        sb.Append(inv, $"GD (η̃ = {gd.Eta:G4}) against SpecGD (η = {specEta:G4}), {(gd.Full is { } f ? $"full matrix m = {f.Width}, {f.Polar} polar" : "reduced")}, ");
        sb.Append(inv, $"d = {p.Dimension}, α = {p.Alpha:G4}, c_L = {p.LossScale:G4}, ρ = {p.Rho:G4}, ε = {gd.Init:G3}, {gd.Steps} steps\n\n");
        sb.Append("| κ | method | max b/a | at step | min a²/(a²+b²) | steps to loss 1e-3 | steps to loss 1e-5 | final loss |\n");
        sb.Append("|---|---|---|---|---|---|---|---|\n");
        foreach (var row in rows)
        {
            var r = row.Result;
            sb.Append(inv, $"| {row.Kappa:G4} | {(row.Method == ManifoldMethod.GradientDescent ? "GD" : "SpecGD")} | {r.Extremes.MaxSpikeRatio:G4} | ");
            sb.Append(inv, $"{Cell(r.Extremes.MaxSpikeRatioAt)} | {r.Extremes.MinSignalVsSpike:G4} | {Cell(r.Stages.TimeToLoss(1e-3))} | ");
            sb.Append(inv, $"{Cell(r.Stages.TimeToLoss(1e-5))} | {r.FinalLoss:E2} |\n");
        }
        return sb.ToString();
    }

    /// <summary>The comparison as CSV.</summary>
    public static string CompareCsv(IReadOnlyList<CompareRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var sb = new StringBuilder("kappa,method,max_spike_ratio,max_spike_ratio_step,min_signal_vs_spike,steps_to_1e-3,steps_to_1e-5,final_loss\n");
        foreach (var row in rows)
        {
            var r = row.Result;
            string Step(StageTime? t) => t?.Step?.ToString(CultureInfo.InvariantCulture) ?? "";
            sb.Append(CultureInfo.InvariantCulture,
                $"{F(row.Kappa)},{row.Method.ShortName()},{F(r.Extremes.MaxSpikeRatio)},{Step(r.Extremes.MaxSpikeRatioAt)},{F(r.Extremes.MinSignalVsSpike)},{Step(r.Stages.TimeToLoss(1e-3))},{Step(r.Stages.TimeToLoss(1e-5))},{F(r.FinalLoss)}\n");
        }
        return sb.ToString();
    }
}
