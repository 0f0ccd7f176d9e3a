using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using PhaseFlow.Cli.Problems;
using PhaseFlow.Foundation;
using PhaseFlow.Experiments;
using PhaseFlow.Manifold;

namespace PhaseFlow.Cli;

/// <summary><c>phaseflow manifold</c>: GD, SpecGD, GF or SpecGF on the signal/spike/bulk manifold (reduced, or full-matrix
/// with <c>--full</c>), and <c>phaseflow manifold compare</c>: GD against SpecGD over κ.</summary>
public static class ManifoldCommand
{
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
            var result = ManifoldRuns.Run(settings, null, ct);
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
            var rows = ManifoldRuns.Compare(gd, spec, values, ct);
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

        public ManifoldRunSettings Read(ParseResult parse, ManifoldMethod method, long? every, double? kappaOverride = null)
        {
            bool full = parse.GetValue(_full);
            // The same range as a problem file's full.seed, whether or not --full uses it.
            if (parse.GetValue(_seed) is < 0 and var seed)
                throw new InputException($"--seed must be an integer in [0, {int.MaxValue}], got {seed}");
            int? m = parse.GetValue(_m), samples = parse.GetValue(_samples);
            if (!full && (m is not null || samples is not null || parse.GetValue(_resample)))
                throw new InputException("--m, --samples and --resample need --full");
            if (!full && parse.GetValue(_polar) is not null) throw new InputException("--polar needs --full");
            var request = full ? new ManifoldInput.FullRequest(m, samples, parse.GetValue(_resample), parse.GetValue(_polar) ?? "svd", parse.GetValue(_seed)) : null;
            return ManifoldInput.Create(method, kappaOverride ?? parse.GetValue(_kappa), parse.GetValue(_d), parse.GetValue(_eta), parse.GetValue(_steps),
                parse.GetValue(_init), every, parse.GetValue(_alpha), parse.GetValue(_lossScale), parse.GetValue(_rho), request, OptionName);
        }

        private static string OptionName(string parameter) => parameter switch
        {
            "lossScale" => "--loss-scale",
            "method" => "--method",
            _ => "--" + parameter,
        };
    }

    private static ManifoldMethod ParseMethod(string name)
    {
        try { return ManifoldMethods.Parse(name); }
        catch (InvalidParameterException) { throw new InputException($"--method must be gd, specgd, gf or specgf, got {UserText.Quote(name)}"); }
    }

    private static double[] ParseList(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new InputException($"{option} must list at least one number");
        return parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v > -1
            ? v
            : throw new InputException($"{option} must be numbers > -1, got {UserText.Quote(p)}")).ToArray();
    }

    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    private static JsonObject? Stage(StageTime? t) => t is null ? null : new JsonObject { ["t"] = t.Time, ["step"] = t.Step };

    private static double? Finite(double x) => double.IsFinite(x) ? x : null;

    /// <summary>summary.json of a run.</summary>
    public static JsonObject Summary(ManifoldRunSettings s, ManifoldResult r)
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

    internal static void Write(string dir, ManifoldRunSettings s, ManifoldResult r) =>
        AtomicFile.WriteAll(dir,
        [
            ("trajectory.csv", w => r.Trajectory.WriteCsv(w)),
            ("summary.json", w => { w.Write(Summary(s, r).ToJsonString(JsonFiles.Options)); w.Write('\n'); }),
        ]);

    internal static string Describe(ManifoldRunSettings s, ManifoldResult r, string dir)
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

    private static string Cell(StageTime? t) => t?.Step is { } k ? k.ToString(CultureInfo.InvariantCulture) : "—";

    /// <summary>The comparison as a Markdown table.</summary>
    public static string CompareMarkdown(ManifoldRunSettings gd, double specEta, IReadOnlyList<ManifoldCompareRow> rows)
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
    public static string CompareCsv(IReadOnlyList<ManifoldCompareRow> rows)
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
