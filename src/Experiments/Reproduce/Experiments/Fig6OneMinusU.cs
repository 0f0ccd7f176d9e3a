using PhaseFlow.Duhamel;
using PhaseFlow.Foundation;

namespace PhaseFlow.Experiments.Reproduce.Experiments;

/// <summary>Figure 6: log(1 − u) against log t in Phase IIb for a ∈ {1.5, 2, 4} and d ∈ {500, 2000, 5000}, with fitted
/// slopes against t and against Λ = Θ_max − Θ(t), their trend in d, the d = ∞ limit (expected weights) and T_2(ε).</summary>
/// <remarks>The spec (§5) states 1 − u ≍ Λ^{−1/a}. Duhamel's formula gives e_i ≈ −w*_i e^{−4λ_iΛ} for the modes not yet
/// learnt, so 1 − u ≈ Σ_i λ_i (w*_i)² e^{−4λ_iΛ}, the spectral mass beyond the learnt index x_Λ = (4Λ/H_{d,a})^{1/a}, which
/// is ∝ x_Λ^{1−a} ∝ Λ^{−(a−1)/a}. The two coincide at a = 2 only; the experiment reports both beside the measurements.</remarks>
internal static class Fig6OneMinusU
{
    private static readonly double[] Exponents = [1.5, 2, 4];

    /// <summary>Phase IIb window in the learnt index x_Λ: past the top modes, and a decade before the finite-d cutoff x_Λ = d.</summary>
    private const double LowIndex = 3, CutoffFraction = 0.1;

    /// <summary>The d = ∞ fit starts deeper, where the O(1/x_Λ) corrections of the tail sum are below 1 %.</summary>
    private const double InfiniteLowIndex = 100, InfiniteHorizon = 1e15, InfiniteOverlap = 1e-3;

    /// <summary>Spectral nodes of the expected-weight runs (compressed; the estimate is the 128-node run's difference).</summary>
    private const int Nodes = 256;

    /// <summary>Fits and local exponents use 1 − u above this (the reduction at rtol 1e-10 holds 1 − u to ~1e-7 relative down
    /// to 1e-9 and ~1e-4 at 1e-11, measured against rtol 1e-13); the figures show it down to <see cref="PlotFloor"/>.</summary>
    private const double Floor = 1e-10, PlotFloor = 1e-12;

    public static Experiment Experiment { get; } = new("fig6", "log(1 − u) against log t in Phase IIb for several a and d", Run);

    private sealed record Phase2b(double[] T, double[] D, double[] Lambda, double[] X);

    private static ExperimentReport Run(ReproduceSize size, IProgress<double>? progress, CancellationToken ct)
    {
        int[] dims = size == ReproduceSize.Quick ? [200, 600] : [500, 2000, 5000];
        int samples = size switch { ReproduceSize.Quick => 300, ReproduceSize.Default => 400, _ => 800 };
        int runs = Exponents.Length * dims.Length, done = 0;
        var comparisons = new List<ComparisonRow>();
        var rows = new List<double[]>();
        var t2Rows = new List<double[]>();
        var curves = new List<Series>();
        var lambdaCurves = new List<Series>();
        var exponentCurves = new List<Series>();
        var infiniteFits = new List<(double A, SlopeFit Fit, double Estimate)>();
        string dList = string.Join(", ", dims);

        foreach (double a in Exponents)
        {
            double asymptotic = -(a - 1) / a, spec = -1 / a;
            string predicted = $"−1/a = {Fmt.G(spec, 3)} (spec §5); −(a − 1)/a = {Fmt.G(asymptotic, 3)} (tail sum, d = ∞)";
            var drawSlopes = new List<double>();
            Phase2b? last = null;
            foreach (int d in dims)
            {
                double h = new PowerLawTail(a, d).Normalization;
                // Until x_Λ ≈ 3d: past the cutoff, where 1 − u collapses exponentially (Λ ≈ 2t).
                double horizon = h * Math.Pow(3 * d, a) / 8;
                var problem = Runs.PowerLaw(d, a, horizon);
                var result = SpectralNodeReduction.Solve(SpectralNodes.Exact(problem), horizon,
                    new SpectralNodeOptions { Output = OutputSchedule.LogSpaced(samples, 1e-3, includeInitial: true) }, Runs.Part(progress, done++, runs), ct);
                foreach (var p in result.Trajectory.Samples)
                    rows.Add([a, d, p.T, p.S, p.U, p.Extra[0], result.MaxTheta - p.Extra[0]]);
                var phase = Phase(result, a, h);
                last = phase;
                string caseName = $"a = {Fmt.G(a)}, d = {d}";
                var shown = Enumerable.Range(0, phase.T.Length).Where(i => phase.D[i] > PlotFloor).ToArray();
                curves.Add(new Series(caseName, Pick(phase.T, shown), Pick(phase.D, shown)));
                lambdaCurves.Add(new Series(caseName, Pick(phase.Lambda, shown), Pick(phase.D, shown)));

                double cutoff = CutoffFraction * d;
                var inT = Enumerable.Range(0, phase.T.Length).Where(i => phase.X[i] <= cutoff).ToArray();
                var inLambda = inT.Where(i => phase.X[i] >= LowIndex).ToArray();
                if (inT.Length >= 3)
                {
                    var fit = PhaseAnalysis.Fit(Log(Pick(phase.T, inT)), Log(Pick(phase.D, inT)), phase.T[inT[0]], phase.T[inT[^1]]);
                    comparisons.Add(new ComparisonRow("Phase IIb slope of log(1 − u) vs log t", caseName, Fmt.Interval(fit), predicted, null,
                        $"{fit.Points} samples, t ∈ [T_1' = {Fmt.G(fit.From, 3)}, {Fmt.G(fit.To, 3)}] (up to x_Λ = d/10). Not a test: both exponents are " +
                        "d → ∞ statements, and right after T_1' log t is not yet log Λ (Λ ≈ 2(t − t_c) only later)"));
                }
                if (inLambda.Length >= 3)
                {
                    var fit = PhaseAnalysis.Fit(Log(Pick(phase.Lambda, inLambda)), Log(Pick(phase.D, inLambda)), phase.T[inLambda[0]], phase.T[inLambda[^1]]);
                    drawSlopes.Add(fit.Slope);
                    comparisons.Add(new ComparisonRow("Phase IIb slope of log(1 − u) vs log Λ", caseName, Fmt.Interval(fit), predicted, null,
                        $"{fit.Points} samples, x_Λ = (4Λ/H_{{d,a}})^{{1/a}} ∈ [{LowIndex}, d/10], t ∈ [{Fmt.G(fit.From, 3)}, {Fmt.G(fit.To, 3)}]. Not a test: " +
                        "finite d, one teacher draw (the weights (w*_i)² of the modes being learnt are random)"));
                }
                foreach (double eps in Accuracies())
                    t2Rows.Add([a, d, eps, TimeToReach(phase, eps) ?? double.NaN]);
            }
            comparisons.Add(new ComparisonRow("Λ-slope against d (teacher draws)", $"a = {Fmt.G(a)}, d = {dList}",
                string.Join(", ", drawSlopes.Select(s => Fmt.G(s, 3))), $"→ {Fmt.G(asymptotic, 3)} as d → ∞", null,
                "not a test: each d has its own draw of the top modes' weights, so the approach need not be monotone (expected weights below)"));
            if (last is { } largest) comparisons.Add(TimeExponentRow(largest, a, dims[^1], draw: true));

            // Expected weights (no draw): the same d, and d = ∞.
            var expectedSlopes = new List<double>();
            foreach (int d in dims)
            {
                double h = new PowerLawTail(a, d).Normalization;
                double horizon = h * Math.Pow(3 * d, a) / 8;
                var result = SpectralNodeReduction.Solve(SpectralNodes.PowerLaw(a, d, Nodes, horizon), horizon,
                    new SpectralNodeOptions { Output = OutputSchedule.LogSpaced(samples, 1e-3, includeInitial: true), EstimateNodeError = false }, null, ct);
                var phase = Phase(result, a, h);
                var window = Enumerable.Range(0, phase.T.Length).Where(i => phase.X[i] >= LowIndex && phase.X[i] <= CutoffFraction * d).ToArray();
                expectedSlopes.Add(PhaseAnalysis.Fit(Log(Pick(phase.Lambda, window)), Log(Pick(phase.D, window)), 0, 1).Slope);
                if (d == dims[^1]) exponentCurves.Add(LocalExponent(phase, $"a = {Fmt.G(a)}, d = {d}", d / 3.0));
            }
            double zeta = new PowerLawTail(a, 1e15).Normalization;
            var infinite = Phase(SolveInfinite(a, Nodes, samples, ct), a, zeta);
            var coarse = Phase(SolveInfinite(a, Nodes / 2, samples, ct), a, zeta);
            var fullWindow = Enumerable.Range(0, infinite.T.Length).Where(i => infinite.X[i] >= LowIndex && infinite.D[i] > Floor).ToArray();
            expectedSlopes.Add(PhaseAnalysis.Fit(Log(Pick(infinite.Lambda, fullWindow)), Log(Pick(infinite.D, fullWindow)), 0, 1).Slope);
            var distances = expectedSlopes.Select(s => Math.Abs(s - asymptotic)).ToArray();
            bool monotone = distances.Zip(distances.Skip(1)).All(p => p.Second <= p.First);
            comparisons.Add(new ComparisonRow("Λ-slope against d (expected weights)", $"a = {Fmt.G(a)}, d = {dList}, ∞",
                string.Join(", ", expectedSlopes.Select(s => Fmt.G(s, 4))), $"approaches {Fmt.G(asymptotic, 3)} monotonically as d grows", monotone,
                $"same window x_Λ ∈ [{LowIndex}, d/10] (d = ∞: to the horizon {Fmt.G(InfiniteHorizon)}), expected weights (C_i = s*, no draw), " +
                $"{Nodes} nodes; agrees if |slope − (−(a − 1)/a)| does not grow with d. Distance to −1/a: " +
                string.Join(", ", expectedSlopes.Select(s => Fmt.G(Math.Abs(s - spec), 2)))));
            exponentCurves.Add(LocalExponent(infinite, $"a = {Fmt.G(a)}, d = ∞", double.PositiveInfinity));
            double[] xs = [1, infinite.X[^1]];
            exponentCurves.Add(new Series($"−(a − 1)/a = {Fmt.G(asymptotic, 3)}", xs, [asymptotic, asymptotic], Dashed: true));
            var shownInfinite = Enumerable.Range(0, infinite.T.Length).Where(i => infinite.D[i] > PlotFloor && infinite.X[i] >= 0.3).ToArray();
            lambdaCurves.Add(new Series($"a = {Fmt.G(a)}, d = ∞ (expected weights)", Pick(infinite.Lambda, shownInfinite), Pick(infinite.D, shownInfinite),
                Dashed: true));

            var (row, infiniteFit, estimate) = InfiniteExponentRow(infinite, coarse, a);
            comparisons.Add(row);
            infiniteFits.Add((a, infiniteFit, estimate));
            comparisons.Add(TimeExponentRow(infinite, a, double.PositiveInfinity, draw: false, estimate));
        }

        bool specHolds = infiniteFits.All(f => f.Fit.Upper >= -1 / f.A - f.Estimate && f.Fit.Lower <= -1 / f.A + f.Estimate);
        comparisons.Add(new ComparisonRow("spec §5: 1 − u ≍ Λ^{−1/a}", $"d = ∞, a = {string.Join(", ", Exponents.Select(a => Fmt.G(a)))}",
            string.Join(", ", infiniteFits.Select(f => Fmt.G(f.Fit.Slope, 4))), string.Join(", ", Exponents.Select(a => Fmt.G(-1 / a, 3))), specHolds,
            "the d = ∞ exponents (rows above) against the spec's, with the same error estimates: they exclude −1/a for a ≠ 2 and follow " +
            "−(a − 1)/a instead. Duhamel's formula leaves " +
            "e_i ≈ −w*_i e^{−4λ_iΛ} on the modes not yet learnt, so 1 − u ≈ Σλ_i(w*_i)² e^{−4λ_iΛ} ∝ x_Λ^{1−a} ∝ Λ^{−(a−1)/a}; −1/a is right at a = 2 " +
            "only. This exponent is also the one the spec's own T_2 ∝ ε^{−2a/(a−1)} and range ε ≳ d^{−(a−1)/2} imply when ε² ≍ 1 − u"));

        return new ExperimentReport("fig6", Experiment.Title,
            $"Gradient flow through the exact spectral-node reduction (one node per eigenvalue: the reduction is gradient flow itself, to ~1e-9 " +
            "against direct GF, docs/volterra.md; it records Θ), standing in for the paper's GD (η = 1e-3 would need up to 1e19 steps to reach the " +
            $"finite-d cutoff at a = 4). Power laws a ∈ {{{string.Join(", ", Exponents)}}}, d ∈ {{{dList}}}, Gaussian teacher (s* = 1, seed " +
            $"{Runs.TeacherSeed}), random unit start (seed {Runs.InitSeed}), each to t = H_{{d,a}}(3d)^a/8 (x_Λ ≈ 3d), {samples} log-spaced samples " +
            "from t = 1e-3. Λ = Θ_max − Θ(t); x_Λ = (4Λ/H_{d,a})^{1/a} is the index up to which the spectrum has been learnt. Slopes are least squares " +
            $"with 95 % intervals. Beside the draws: the same d with expected weights (SpectralNodes.PowerLaw, {Nodes} nodes, no draw) and d = ∞ " +
            $"(u(0) = {Fmt.G(InfiniteOverlap)}, t ≤ {Fmt.G(InfiniteHorizon)}). " +
            (size == ReproduceSize.Quick ? "Quick size: d ∈ {200, 600}, 300 samples per run." : "Default and paper sizes use the paper's a and d (paper: 800 samples per run)."),
            [
                new DataTable("fig6", ["a", "d", "t", "s", "u", "theta", "lambda"], rows),
                new DataTable("fig6-t2", ["a", "d", "epsilon", "t2"], t2Rows),
            ],
            [
                new FigureSpec("fig6", $"1 − u under gradient flow, a ∈ {{{string.Join(", ", Exponents)}}}, d ∈ {{{dList}}}", "t", "1 − u", LogX: true, LogY: true, curves),
                new FigureSpec("fig6-lambda", "1 − u against Λ = Θ_max − Θ(t); d = ∞ dashed", "Λ", "1 − u", LogX: true, LogY: true, lambdaCurves),
                new FigureSpec("fig6-exponent", $"Local exponent d log(1 − u)/d log Λ (spec §5: −1/a = {string.Join(", ", Exponents.Select(a => Fmt.G(-1 / a, 2)))})",
                    "learnt index x_Λ", "local exponent", LogX: true, LogY: false, exponentCurves, Legend: LegendCorner.LowerRight),
            ],
            comparisons);
    }

    private static SpectralNodeResult SolveInfinite(double a, int nodes, int samples, CancellationToken ct) =>
        SpectralNodeReduction.Solve(SpectralNodes.PowerLaw(a, double.PositiveInfinity, nodes, InfiniteHorizon, initialOverlap: InfiniteOverlap),
            InfiniteHorizon, new SpectralNodeOptions { Output = OutputSchedule.LogSpaced(samples, 1e-3, includeInitial: true), EstimateNodeError = false },
            null, ct);

    /// <summary>The samples after T_1' with 1 − |u| &gt; 0: t, 1 − |u|, Λ and x_Λ.</summary>
    private static Phase2b Phase(SpectralNodeResult result, double a, double normalization)
    {
        double start = result.TransitionEndTime ?? throw new InvalidOperationException("fig6: s never reached 1/3 + s_0 (no Phase IIb)");
        var kept = result.Trajectory.Samples.Where(p => p.T >= start && 1 - Math.Abs(p.U) > 0).ToArray();
        double[] lambda = kept.Select(p => result.MaxTheta - p.Extra[0]).ToArray();
        return new Phase2b(kept.Select(p => p.T).ToArray(), kept.Select(p => 1 - Math.Abs(p.U)).ToArray(), lambda,
            lambda.Select(l => Math.Pow(Math.Max(l, 0) * 4 / normalization, 1 / a)).ToArray());
    }

    /// <summary>The d = ∞ exponent on x_Λ ≥ 100 against −(a − 1)/a. Error estimate: the fit interval, plus the difference to the
    /// 128-node solve (compression), plus the difference to the fit on the window's upper half (what is left of the approach
    /// to the asymptote).</summary>
    private static (ComparisonRow Row, SlopeFit Fit, double Estimate) InfiniteExponentRow(Phase2b fine, Phase2b coarse, double a)
    {
        double asymptotic = -(a - 1) / a;
        SlopeFit FitFrom(Phase2b p, double low)
        {
            var w = Enumerable.Range(0, p.T.Length).Where(i => p.X[i] >= low && p.D[i] > Floor).ToArray();
            return PhaseAnalysis.Fit(Log(Pick(p.Lambda, w)), Log(Pick(p.D, w)), p.T[w[0]], p.T[w[^1]]);
        }
        var fit = FitFrom(fine, InfiniteLowIndex);
        var compression = FitFrom(coarse, InfiniteLowIndex);
        double top = fine.X.Where((x, i) => fine.D[i] > Floor).Max();
        var upper = FitFrom(fine, Math.Sqrt(InfiniteLowIndex * top));
        double estimate = Math.Abs(compression.Slope - fit.Slope) + Math.Abs(upper.Slope - fit.Slope);
        var row = new ComparisonRow("Phase IIb exponent of 1 − u vs Λ, d = ∞", $"a = {Fmt.G(a)}, expected weights", Precise(fit),
            $"−(a − 1)/a = {Fmt.G(asymptotic, 4)} (spec §5: −1/a = {Fmt.G(-1 / a, 3)})",
            fit.Upper >= asymptotic - estimate && fit.Lower <= asymptotic + estimate,
            $"{fit.Points} samples, x_Λ ∈ [{InfiniteLowIndex}, {Fmt.G(top, 3)}], t ∈ [{Fmt.G(fit.From, 3)}, {Fmt.G(fit.To, 3)}]; agrees if the interval meets " +
            $"the prediction ± {Fmt.G(estimate, 2)}: the {Nodes / 2}-node fit's difference ({Fmt.G(compression.Slope - fit.Slope, 2)}) plus the " +
            $"upper half-window's ({Fmt.G(upper.Slope - fit.Slope, 2)})");
        return (row, fit, estimate);
    }

    /// <summary>Exponent of T_2(ε) against 1/ε (first time 1 − |u| ≤ ε) over the ε of the Phase IIb window.</summary>
    private static ComparisonRow TimeExponentRow(Phase2b phase, double a, double d, bool draw, double exponentEstimate = 0)
    {
        bool infinite = double.IsPositiveInfinity(d);
        double low = infinite ? InfiniteLowIndex : LowIndex, high = infinite ? double.PositiveInfinity : CutoffFraction * d;
        var window = Enumerable.Range(0, phase.T.Length).Where(i => phase.X[i] >= low && phase.X[i] <= high && phase.D[i] > Floor).ToArray();
        if (window.Length == 0) window = [0];
        double dMax = window.Max(i => phase.D[i]), dMin = window.Min(i => phase.D[i]);
        double[] eps = Accuracies().Where(e => e <= dMax && e >= dMin).ToArray();
        string caseName = infinite ? $"a = {Fmt.G(a)}, d = ∞, expected weights" : $"a = {Fmt.G(a)}, d = {d}{(draw ? "" : ", expected weights")}";
        double predicted = a / (a - 1);
        string predictedText = $"a/(a − 1) = {Fmt.G(predicted, 4)} (the spec's T_2 ∝ ε^{{−2a/(a−1)}} log(1/ε) read with ε² ≍ 1 − u; " +
                               $"1 − u ≍ Λ^{{−1/a}} would give a = {Fmt.G(a)})";
        if (eps.Length < 3)
            return new ComparisonRow("T_2(ε) exponent in 1/ε", caseName, $"{eps.Length} levels", predictedText, null,
                "fewer than 3 half-decade levels of ε inside the Phase IIb window");
        double[] times = eps.Select(e => TimeToReach(phase, e)!.Value).ToArray();
        var fit = PhaseAnalysis.Fit(eps.Select(e => Math.Log(1 / e)).ToArray(), Log(times), eps[0], eps[^1]);
        string levels = $"ε ∈ [{Fmt.G(eps[^1], 2)}, {Fmt.G(eps[0], 2)}] ({eps.Length} half-decades), T_2 ∈ [{Fmt.G(times[0], 3)}, {Fmt.G(times[^1], 3)}]";
        if (!infinite)
            return new ComparisonRow("T_2(ε) exponent in 1/ε", caseName, Fmt.Interval(fit), predictedText, null,
                $"{levels} (x_Λ ∈ [{LowIndex}, d/10]); not a test: finite d, one draw");
        // T_2 is a time, Λ(T_2) ≈ 2(T_2 − t_c) − 3∫(1 − s): the Λ-based exponent's difference is the estimate of that offset.
        double[] lambdas = eps.Select(e => Interpolate(phase.D, phase.Lambda, e)).ToArray();
        var lambdaFit = PhaseAnalysis.Fit(eps.Select(e => Math.Log(1 / e)).ToArray(), Log(lambdas), eps[0], eps[^1]);
        // The exponent is 1/|β| for 1 − u ∝ Λ^β: β's error estimate (row above) moves it by predicted²·estimate.
        double tolerance = Math.Abs(fit.Slope - lambdaFit.Slope) + predicted * predicted * exponentEstimate;
        return new ComparisonRow("T_2(ε) exponent in 1/ε", caseName, Precise(fit), predictedText,
            fit.Upper >= predicted - tolerance && fit.Lower <= predicted + tolerance,
            $"{levels}; agrees if the interval meets the prediction ± {Fmt.G(tolerance, 2)}: the difference to the same fit in Λ(T_2) " +
            $"({Fmt.G(lambdaFit.Slope - fit.Slope, 2)}: t against Λ/2) plus the Λ exponent's estimate (row above) carried to 1/|β|. No log(1/ε) " +
            "factor is seen: it would add ≈ 1/log(1/ε) to the local exponent");
    }

    /// <summary>Half-decade accuracies 10^{−k/2}, k = 1..30.</summary>
    private static IEnumerable<double> Accuracies() => Enumerable.Range(1, 30).Select(k => Math.Pow(10, -k / 2.0));

    /// <summary>First time 1 − |u| ≤ ε, interpolated linearly in log–log between the bracketing samples; null if never.</summary>
    private static double? TimeToReach(Phase2b phase, double eps) =>
        Array.Exists(phase.D, v => v <= eps) ? Interpolate(phase.D, phase.T, eps) : null;

    /// <summary>The value of <paramref name="y"/> where the decreasing <paramref name="d"/> first falls to <paramref name="level"/>,
    /// log–log linear between samples.</summary>
    private static double Interpolate(double[] d, double[] y, double level)
    {
        int i = Array.FindIndex(d, v => v <= level);
        if (i <= 0) return i == 0 ? y[0] : double.NaN;
        double w = Math.Log(d[i - 1] / level) / Math.Log(d[i - 1] / d[i]);
        return Math.Exp(Math.Log(y[i - 1]) + w * (Math.Log(y[i]) - Math.Log(y[i - 1])));
    }

    /// <summary>d log(1 − u)/d log Λ between consecutive samples, at the geometric mean of their x_Λ, for 1 ≤ x_Λ ≤ <paramref name="maxIndex"/>.</summary>
    private static Series LocalExponent(Phase2b phase, string label, double maxIndex)
    {
        var x = new List<double>();
        var slope = new List<double>();
        for (int i = 1; i < phase.T.Length; i++)
        {
            double xm = Math.Sqrt(phase.X[i] * phase.X[i - 1]);
            if (xm < 1 || xm > maxIndex || phase.D[i] <= Floor || !(phase.Lambda[i - 1] > 0)) continue;
            x.Add(xm);
            slope.Add(Math.Log(phase.D[i] / phase.D[i - 1]) / Math.Log(phase.Lambda[i] / phase.Lambda[i - 1]));
        }
        return new Series(label, [.. x], [.. slope]);
    }

    private static string Precise(SlopeFit fit) => $"{Fmt.G(fit.Slope, 6)} [{Fmt.G(fit.Lower, 6)}, {Fmt.G(fit.Upper, 6)}]";

    private static double[] Pick(double[] values, int[] indices) => indices.Select(i => values[i]).ToArray();

    private static double[] Log(IEnumerable<double> values) => values.Select(v => Math.Log(v)).ToArray();
}
