using System.Runtime.ExceptionServices;
using MathNet.Numerics.Distributions;
using PhaseFlow.Core;
using PhaseFlow.Duhamel;
using PhaseFlow.Foundation;

namespace PhaseFlow.Experiments.Reproduce.Experiments;

/// <summary>Figure 1: the MSE under online SGD for several a and the isotropic case of the same trace, log-log, each beside
/// population GD with the same η. Anisotropy escapes fast but converges slowly (the spectral tail); the isotropic run escapes
/// last (ρ = 12λs* = 12/d) and then converges fastest.</summary>
internal static class Fig1SgdMse
{
    private static readonly double[] Exponents = [0.5, 1, 1.5, 2];
    // MinDecrement: below ~3 %, the MSE's own fluctuation at T_2 (~0.3 % of it) would bend log(decrement).
    private const double Eta = 5e-3, Accuracy = 0.1, MinDecrement = 0.03;

    public static Experiment Experiment { get; } = new("fig1", "MSE vs t under online SGD: fast escape, slow convergence", Run);

    private sealed record Case(string Name, double? A, PhaseRetrievalProblem Problem, EscapeRate? Rate = null)
    {
        /// <summary>Linear Phase I time to |u| = 1/2 (a lower bound: the growing s slows the escape near 1/2).</summary>
        public double LinearEscape => Rate!.TimeToReach(0.5);
    }

    private static ExperimentReport Run(ReproduceSize size, IProgress<double>? progress, CancellationToken ct)
    {
        var (d, seeds) = size switch
        {
            ReproduceSize.Quick => (100, 5),
            ReproduceSize.Default => (500, 5),
            _ => (10_000, 3),
        };
        double noise = SgdRuns.LabelNoise, floor = Eta * noise * noise;
        var isotropic = Spectrum.Isotropic(d, 1.0 / d);

        // Horizon: the isotropic run must escape (SGD seeds up to ~1.5× the population's T_1) and then relax at 16λ = 16/d
        // to a few times the label-noise floor ησ². A pilot population run locates its T_1 (the linear time is a lower bound).
        double isoLinear = EscapeRate.Solve(Runs.Of(isotropic, 1)).TimeToReach(0.5);
        double relax = d / 16.0 * Math.Log(1 / (3 * floor));
        long pilotSteps = (long)Math.Ceiling((3 * isoLinear + relax) / Eta);
        var pilot = new PopulationGradientDescent(Eta).Solve(Runs.Of(isotropic, pilotSteps), new SimulationOptions { Output = OutputSchedule.At(pilotSteps) },
            null, ct);
        double isoEscape = (pilot.Markers.EscapeTime ?? pilotSteps) * Eta;
        double horizon = Math.Ceiling(1.5 * isoEscape + relax);
        long steps = (long)Math.Round(horizon / Eta);

        var cases = Exponents.Select(a => new Case($"a = {Fmt.G(a)}", a, Runs.PowerLaw(d, a, steps)))
            .Append(new Case("isotropic", null, Runs.Of(isotropic, steps)))
            .Select(c => c with { Rate = EscapeRate.Solve(c.Problem) }).ToArray();

        // Population GD first (cheap): its T_1 sets how far the extra seeds run.
        var population = cases.Select(c => new PopulationGradientDescent(Eta).Solve(c.Problem,
            new SimulationOptions { Output = Grid(steps, c.LinearEscape) }, null, ct)).ToArray();
        var popEscape = population.Select(r => r.Markers.EscapeTime is { } e ? e * Eta : (double?)null).ToArray();

        // Seed 0 runs to the horizon (the plotted curve), and so do all seeds of a > 1 (their Phase III exponents); the others run
        // until 2.5× the population's T_1 (their escape only).
        var jobs = cases.SelectMany((c, k) => Enumerable.Range(0, seeds).Select(j =>
            (Case: k, Seed: j, Steps: j == 0 || c.A > 1 ? steps : Math.Min(steps, (long)Math.Ceiling(2.5 * (popEscape[k] ?? horizon) / Eta))))).ToArray();
        var sgd = SgdRuns.InParallel(jobs.Select(j => (double)j.Steps).ToArray(), (i, p) =>
        {
            var (k, seed, n) = jobs[i];
            var problem = n == steps ? cases[k].Problem : new PhaseRetrievalProblem(cases[k].Problem.Model, cases[k].Problem.InitialWeights, n);
            return new OnlineSgd(Eta, noise, 1, SgdRuns.Seed(seed)).Solve(problem,
                new SimulationOptions { Output = Grid(n, cases[k].LinearEscape) }, p, ct);
        }, progress, ct);

        var rows = new List<double[]>();
        var curves = new List<Series>();
        var markers = new List<Marker>();
        var comparisons = new List<ComparisonRow>();
        var meanEscape = new double?[cases.Length];
        var finalMse = new double[cases.Length];
        for (int k = 0; k < cases.Length; k++)
        {
            var c = cases[k];
            var model = c.Problem.Model;
            var runs = Enumerable.Range(0, jobs.Length).Where(i => jobs[i].Case == k).Select(i => sgd[i]).ToArray();
            var main = runs[0];
            var pop = population[k];
            double code = c.A ?? 0;
            rows.AddRange(Runs.Rows(pop.Trajectory, code, -1));
            rows.AddRange(Runs.Rows(main.Trajectory, code, SgdRuns.Seed(0)));
            double[] t = main.Trajectory.Samples.Select(p => Runs.FlowTime(main.Trajectory, p.T)).ToArray();
            curves.Add(new Series(c.Name, t, main.Trajectory.Samples.Select(p => p.Mse).ToArray()));
            // The population curve down to a tenth of the floor: below, SGD sits on the floor and the plot would span decades of nothing.
            var shown = pop.Trajectory.Samples.Where(p => p.Mse >= floor / 10).ToArray();
            curves.Add(new Series("", shown.Select(p => Runs.FlowTime(pop.Trajectory, p.T)).ToArray(),
                shown.Select(p => p.Mse).ToArray(), Dashed: true));
            string caseName = $"{c.Name}, d = {d}";

            // T_1 over the seeds against the population's T_1.
            var escapes = runs.Select(r => r.Markers.EscapeTime is { } e ? e * Eta : (double?)null).ToArray();
            double linear = c.LinearEscape;
            string linearText = c.A is null
                ? $"linear Phase I ln(1/(2|u(0)|))/ρ = {Fmt.G(linear)} with ρ = 12λs* = 12/d (scale (d/12) ln d = {Fmt.G(d / 12.0 * Math.Log(d))})"
                : $"linear Phase I {Fmt.G(linear)} (lower bound)";
            if (escapes.All(e => e is not null) && popEscape[k] is { } pe)
            {
                var spread = SeedSpread.Of(escapes.Select(e => e!.Value).ToArray());
                meanEscape[k] = spread.Mean;
                comparisons.Add(new ComparisonRow("T_1 (|u| = 1/2), SGD", caseName, spread.Text(),
                    $"{Fmt.G(pe)} (population GD, same η and w(0)); {linearText}", spread.Covers(pe),
                    $"{seeds} SGD seeds; agrees if the population's T_1 lies in the seeds' 99 % prediction interval {spread.IntervalText()} " +
                    "(SGD noise enters Phase I as a random extra overlap, so T_1 scatters around the population's)"));
            }
            else
                comparisons.Add(new ComparisonRow("T_1 (|u| = 1/2), SGD", caseName,
                    $"{escapes.Count(e => e is null)} of {seeds} seeds did not escape", Fmt.Opt(popEscape[k]), false,
                    "every seed should escape within 2.5× the population's T_1"));

            // MSE at the horizon: population plus the linear-noise excess of SGD (label noise and gradient noise ∝ the loss).
            var excess = SgdLinearNoise.Predict(model, pop, Eta, noise, Accuracy);
            double end = main.Trajectory.Samples[^1].Mse, popEnd = pop.Trajectory.Samples[^1].Mse;
            finalMse[k] = end;
            double predicted = popEnd + excess.Mse, fluctuation = excess.MseDeviation(model, pop.FinalWeights);
            var popSamples = pop.Trajectory.Samples;
            double slope = Math.Abs(popSamples[^1].Mse - popSamples[^2].Mse) / ((popSamples[^1].T - popSamples[^2].T) * Eta);
            double shift = escapes.All(e => e is not null) && escapes.Length > 1 ? SeedSpread.Of(escapes.Select(e => e!.Value).ToArray()).Deviation : 0;
            double tolerance = 3 * fluctuation + 3 * shift * slope + 0.3 * excess.Mse;
            comparisons.Add(new ComparisonRow("MSE at t_end, SGD", caseName, Fmt.G(end),
                $"{Fmt.G(predicted)} = population {Fmt.G(popEnd)} + SGD noise {Fmt.G(excess.Mse)} (label-noise floor ησ² = {Fmt.G(floor)})",
                Math.Abs(end - predicted) <= tolerance,
                $"seed {SgdRuns.Seed(0)} at t = {Fmt.G(horizon)}; SGD noise (linear-noise approximation): each mode's variance relaxes at 16λ_i " +
                $"toward η(σ² + 12 L_Q), L_Q = s − 2|u| + s*, from the population's T_2({Accuracy}); agrees within 3 sd of the MSE " +
                $"({Fmt.G(fluctuation, 2)}) + 3 sd(T_1) × |dMSE/dt| + 30 % of the noise term (for what it drops: noise injected before T_2, " +
                $"O(L_Q) and O(η) corrections): ±{Fmt.G(tolerance, 2)}"));

            // Phase III: the decrement 1 − MSE/MSE(T_2) grows like τ^{1/a} (mesoscopic regime, a > 1). SGD's u fluctuates by
            // several % (sd ≈ √(η(σ² + 12 L_Q) s*^(2))), so its own first |u| ≥ 0.9 is a fluctuation: its T_2 is the population's
            // shifted by the difference of the escape times.
            var popReport = PhaseAnalysis.Analyze(pop.Trajectory, model.SStar, new PhaseAnalysisOptions { Accuracies = [Accuracy] });
            double? t1 = main.Markers.EscapeTime is { } m1 ? m1 * Eta : null;
            double? t2 = popReport.ConvergenceTimes[0].Time is { } p2 && t1 is { } s1 && popEscape[k] is { } p1 ? p2 * Eta + s1 - p1 : null;
            if (c.A is { } a && a > 1 && popReport.ConvergenceTimes[0].Time is { } popT2 && popEscape[k] is { } popT1
                && DecrementFit(pop.Trajectory, a, d, popT2 * Eta) is { } popFit)
            {
                // Every seed's own fit, each from its T_2 (the population's shifted by the seed's T_1 − the population's).
                var fits = runs.Select(r => r.Markers.EscapeTime is { } e ? DecrementFit(r.Trajectory, a, d, popT2 * Eta + e * Eta - popT1) : null).ToArray();
                if (fits.All(f => f is not null))
                {
                    var slopes = SeedSpread.Of(fits.Select(f => f!.Slope).ToArray());
                    comparisons.Add(new ComparisonRow("Phase III exponent: log(1 − MSE/MSE(T_2)) vs log(t − T_2)", caseName,
                        $"{slopes.Text()}; seed {SgdRuns.Seed(0)}: {Fmt.Interval(fits[0]!)}",
                        $"{Fmt.Interval(popFit)} (population GD, same rule); theory 1/a = {Fmt.G(1 / a)} (mesoscopic regime 1 ≪ x_d ≪ d, a > 1)",
                        popFit.Lower <= slopes.Mean + slopes.HalfWidth && popFit.Upper >= slopes.Mean - slopes.HalfWidth,
                        $"T_2: the population's first |u| ≥ {1 - Accuracy}, for SGD shifted by each seed's T_1 − the population's (SGD's own u " +
                        $"fluctuates by several %); fit where x_d = (16τ/H)^(1/a) ≥ 2 and the decrement is in [{MinDecrement}, 0.5] " +
                        $"(seed {SgdRuns.Seed(0)}: {fits[0]!.Points} samples, τ ∈ [{Fmt.G(fits[0]!.From, 3)}, {Fmt.G(fits[0]!.To, 3)}]); agrees if the " +
                        $"population's interval meets the seeds' 99 % prediction interval {slopes.IntervalText()}. 1/a is the d → ∞ exponent of the " +
                        "mesoscopic regime; at finite d the window's ends bend it (early: Phase IIb's approach of u; late: x_d → d): shown, not tested"));
                }
            }

            if (c.A is null or 2)
            {
                if (t1 is { } x1) markers.Add(new Marker($"T_1 {c.Name}", x1));
                if (t2 is { } x2) markers.Add(new Marker($"T_2 {c.Name}", x2));
            }
        }

        // Ordering: isotropic slowest, then increasing a escapes faster.
        int[] order = [cases.Length - 1, .. Enumerable.Range(0, Exponents.Length)];
        bool ordered = order.All(k => meanEscape[k] is not null) && order.Zip(order.Skip(1)).All(p => meanEscape[p.Second] < meanEscape[p.First]);
        comparisons.Add(new ComparisonRow("T_1 ordering (seed means)", "isotropic, a = 0.5, 1, 1.5, 2",
            string.Join(" > ", order.Select(k => Fmt.Opt(meanEscape[k], 3))),
            $"escape rates ρ (dispersion relation) {string.Join(" < ", order.Select(k => Fmt.G(cases[k].Rate!.Rate, 3)))}: the isotropic ρ = 12λs* = 12/d " +
            "is the smallest, and T_1 ≳ ln(1/(2|c|))/ρ, c = u(0)'s part on the growing mode (spec §5)",
            ordered, $"strictly decreasing; the isotropic escape is {Fmt.G(meanEscape[order[0]] / meanEscape[order[^1]] ?? double.NaN, 3)}× slower than a = " +
                     $"{Fmt.G(Exponents[^1])}'s"));
        int iso = cases.Length - 1;
        var anisotropic = Enumerable.Range(0, cases.Length - 1).Where(k => cases[k].A >= 1).ToArray();
        comparisons.Add(new ComparisonRow("fast escape, slow convergence", $"t_end = {Fmt.G(horizon)}",
            $"isotropic MSE {Fmt.G(finalMse[iso])} vs a ≥ 1: {string.Join(", ", anisotropic.Select(k => Fmt.G(finalMse[k], 3)))}",
            "the isotropic run, escaping last, ends below every a ≥ 1: its modes all relax at 16/d, the power-law tail at 16λ_d ≪ 16/d",
            anisotropic.All(k => finalMse[iso] < finalMse[k] && meanEscape[iso] > meanEscape[k]), "isotropic: largest T_1 and smallest final MSE"));

        return new ExperimentReport("fig1", "MSE vs t under online SGD: fast escape, slow convergence",
            $"Online SGD (one fresh sample per step), η = {Fmt.G(Eta)}, label noise N(0, {Fmt.G(noise * noise)}) read as variance 0.05 (σ = {Fmt.G(noise, 3)}), " +
            $"{steps:N0} steps (t ≤ {Fmt.G(horizon)}), power law a ∈ {{{string.Join(", ", Exponents)}}} and the isotropic spectrum λ = 1/d (same trace), " +
            $"d = {d} (paper: 10^4; size `paper` runs it with 3 seeds: 11 runs of 2.9·10^6 steps of O(d) spread over the cores, its wall time in " +
            "docs/benchmarks.md; the isotropic escape alone " +
            "taking ~(d/12) ln d of flow time), " +
            $"Gaussian teacher (s* = 1, seed {Runs.TeacherSeed}), random unit start (seed {Runs.InitSeed}); SGD sample seeds {SgdRuns.Seed(0)}…{SgdRuns.Seed(seeds - 1)}, " +
            $"seed {SgdRuns.Seed(0)} (plotted) and all seeds of a > 1 (Phase III exponents) to the horizon, the others until 2.5× the population's T_1. " +
            $"Horizon: 1.5× the isotropic population's T_1 plus (d/16) ln(1/(3ησ²)), its relaxation to the floor. η = {Fmt.G(Eta)}, not the 1e-3 of Figure 5: the " +
            "isotropic run needs ~(d/12) ln d + (d/16) ln(1/ησ²) of flow time, and 5e-3 is the largest step tried that never diverged (none of 40 seeds × " +
            "4·10^5 steps at a = 2, d = 300; η = 1e-2 diverged in 6 of 20 seeds within 10^5 steps: a rare sample with 4η((xᵀw)² − y)‖x‖² > 2 " +
            "overshoots). Prediction: population GD with the same η " +
            "and w(0) (dashed; the exact mean of one SGD step), plus SGD's noise in the linear-noise approximation for the MSE at the end. CSV: " +
            "a = 0 is the isotropic run, seed −1 the population.",
            [new DataTable("fig1", ["a", "seed", "t", "s", "u", "mse"], rows)],
            [
                new FigureSpec("fig1", $"MSE under online SGD, d = {d}, η = {Fmt.G(Eta)} (dashed: population GD)", "t", "MSE", LogX: true, LogY: true, curves,
                    markers, LegendCorner.LowerLeft),
            ],
            comparisons);
    }

    /// <summary>Linear samples through Phase I (2.5× the linear escape time), log-spaced ones for the log-log plot.</summary>
    private static OutputSchedule Grid(long steps, double linearEscape) =>
        Runs.StepGrid(steps, 200, 300, Math.Max(1, (long)Math.Ceiling(2.5 * linearEscape / Eta)));

    /// <summary>Slope of log(1 − MSE/MSE_ref) against log(t − t_ref) from the first sample at or after T_2, where the learnt
    /// index x_d = (16τ/H)^{1/a} ≥ 2 and the decrement is in [MinDecrement, 0.5]; null with fewer than 5 samples.</summary>
    private static SlopeFit? DecrementFit(Trajectory trajectory, double a, int d, double t2)
    {
        var samples = trajectory.Samples;
        var reference = samples.FirstOrDefault(p => p.T * Eta >= t2);
        if (reference is null) return null;
        double earliest = new PowerLawTail(a, d).TimeOfIndex(2);
        var window = samples.Where(p => p.T > reference.T).Select(p => (Tau: (p.T - reference.T) * Eta, D: 1 - p.Mse / reference.Mse))
            .Where(q => q.Tau >= earliest && q.D >= MinDecrement && q.D <= 0.5).ToArray();
        return window.Length < 5 ? null
            : PhaseAnalysis.Fit(window.Select(q => Math.Log(q.Tau)).ToArray(), window.Select(q => Math.Log(q.D)).ToArray(), window[0].Tau, window[^1].Tau);
    }
}

/// <summary>What the online-SGD experiments share: the label noise, the sample seeds, seeds run in parallel.</summary>
internal static class SgdRuns
{
    /// <summary>The paper's label noise N(0, 0.05), read as variance 0.05: σ = √0.05.</summary>
    public static readonly double LabelNoise = Math.Sqrt(0.05);

    /// <summary>Seed of the k-th SGD sample stream.</summary>
    public static int Seed(int k) => 100 + k;

    /// <summary>Runs <paramref name="costs"/>.Count independent jobs on all cores; progress is the cost-weighted fraction done.
    /// Results do not depend on the scheduling or on <paramref name="threads"/> (default: every core): every job has its own
    /// seed and its own stream, whichever thread runs it.</summary>
    public static T[] InParallel<T>(IReadOnlyList<double> costs, Func<int, IProgress<SimulationProgress>?, T> run, IProgress<double>? progress,
        CancellationToken ct, int? threads = null)
    {
        double total = costs.Sum();
        var done = new double[costs.Count];
        var gate = new object();
        var results = new T[costs.Count];
        // Longest first, so that the last job to start is a short one.
        var order = Enumerable.Range(0, costs.Count).OrderByDescending(i => costs[i]).ToArray();
        try
        {
            Parallel.ForEach(order, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = threads ?? Environment.ProcessorCount }, i =>
            {
                var part = progress is null ? null : new SynchronousProgress<SimulationProgress>(p =>
                {
                    lock (gate)
                    {
                        done[i] = p.Fraction * costs[i];
                        progress.Report(done.Sum() / total);
                    }
                });
                results[i] = run(i, part);
            });
        }
        catch (AggregateException e)
        {
            var first = e.InnerExceptions.FirstOrDefault(x => x is not OperationCanceledException) ?? e.InnerExceptions[0];
            ExceptionDispatchInfo.Capture(first).Throw();
        }
        return results;
    }
}

/// <summary>Mean and spread of one quantity over SGD seeds.</summary>
internal sealed record SeedSpread(double Mean, double Deviation, int Count)
{
    public static SeedSpread Of(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        double sd = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : 0;
        return new SeedSpread(mean, sd, values.Count);
    }

    /// <summary>Half-width of the 99 % prediction interval of one more draw: t_{0.995, n−1} · sd · √(1 + 1/n).</summary>
    public double HalfWidth => Count < 2 ? 0 : StudentT.InvCDF(0, 1, Count - 1, 0.995) * Deviation * Math.Sqrt(1 + 1.0 / Count);

    public bool Covers(double x) => Math.Abs(x - Mean) <= HalfWidth;

    public string Text(int digits = 4) => $"{Fmt.G(Mean, digits)} ± {Fmt.G(Deviation, 2)} (mean ± sd, {Count} seeds)";

    public string IntervalText() => $"[{Fmt.G(Mean - HalfWidth)}, {Fmt.G(Mean + HalfWidth)}]";
}
