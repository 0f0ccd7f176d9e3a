using MathNet.Numerics.Distributions;
using PhaseFlow.Core;
using PhaseFlow.Duhamel;
using PhaseFlow.Foundation;

namespace PhaseFlow.Experiments.Reproduce.Experiments;

/// <summary>Figure 5: the order parameters u(t), s(t) and the MSE under online SGD with label noise for a = 0.5, 1, 1.5, each
/// beside population GD with the same η: the phase times of several SGD seeds against the population's, and the end state
/// against the population plus SGD's noise (linear-noise approximation).</summary>
internal static class Fig5SgdOrderParameters
{
    private static readonly double[] Exponents = [0.5, 1, 1.5];
    private const double Eta = 1e-3, Accuracy = 0.1;
    private const int Seeds = 5;

    public static Experiment Experiment { get; } = new("fig5", "u(t), s(t) under online SGD with label noise", Run);

    private static ExperimentReport Run(ReproduceSize size, IProgress<double>? progress, CancellationToken ct)
    {
        int d = size switch { ReproduceSize.Quick => 100, ReproduceSize.Default => 300, _ => 1000 };
        double noise = SgdRuns.LabelNoise;

        // Horizon: the slowest case (a = 0.5) must escape and then learn its spectrum, down to λ_d: twice the population's T_1
        // (SGD seeds scatter around it) plus three relaxation times 1/(16λ_d). A pilot population run locates that T_1.
        var slowest = Spectrum.PowerLaw(d, Exponents[0]);
        double tail = 3 / (16 * slowest.Min);
        double linear = EscapeRate.Solve(Runs.Of(slowest, 1)).TimeToReach(0.5);
        long pilotSteps = (long)Math.Ceiling((4 * linear + tail) / Eta);
        var pilot = new PopulationGradientDescent(Eta).Solve(Runs.Of(slowest, pilotSteps), new SimulationOptions { Output = OutputSchedule.At(pilotSteps) },
            null, ct);
        double horizon = Math.Ceiling(2 * (pilot.Markers.EscapeTime ?? pilotSteps) * Eta + tail);
        long steps = (long)Math.Round(horizon / Eta);

        var problems = Exponents.Select(a => Runs.PowerLaw(d, a, steps)).ToArray();
        var grids = problems.Select(p => Runs.StepGrid(steps, 300, 300, (long)Math.Ceiling(2.5 * EscapeRate.Solve(p).TimeToReach(0.5) / Eta))).ToArray();
        var population = problems.Select((p, k) => new PopulationGradientDescent(Eta).Solve(p, new SimulationOptions { Output = grids[k] }, null, ct))
            .ToArray();
        var jobs = Exponents.SelectMany((_, k) => Enumerable.Range(0, Seeds).Select(j => (Case: k, Seed: j))).ToArray();
        var sgd = SgdRuns.InParallel(jobs.Select(_ => 1.0).ToArray(), (i, p) =>
            new OnlineSgd(Eta, noise, 1, SgdRuns.Seed(jobs[i].Seed)).Solve(problems[jobs[i].Case], new SimulationOptions { Output = grids[jobs[i].Case] }, p, ct),
            progress, ct);

        var options = new PhaseAnalysisOptions { Accuracies = [Accuracy] };
        var rows = new List<double[]>();
        var figures = new List<FigureSpec>();
        var mseCurves = new List<(double A, Trajectory Sgd, Trajectory Population)>();
        double mseFrom = double.PositiveInfinity;
        var comparisons = new List<ComparisonRow>();
        for (int k = 0; k < Exponents.Length; k++)
        {
            double a = Exponents[k];
            var model = problems[k].Model;
            var pop = population[k];
            var runs = Enumerable.Range(0, jobs.Length).Where(i => jobs[i].Case == k).Select(i => sgd[i]).ToArray();
            var main = runs[0];
            rows.AddRange(Runs.Rows(pop.Trajectory, a, -1));
            for (int j = 0; j < runs.Length; j++) rows.AddRange(Runs.Rows(runs[j].Trajectory, a, SgdRuns.Seed(j)));
            string caseName = $"a = {Fmt.G(a)}, d = {d}";

            // Phase times: every seed against the population.
            var popReport = PhaseAnalysis.Analyze(pop.Trajectory, model.SStar, options);
            var reports = runs.Select(r => PhaseAnalysis.Analyze(r.Trajectory, model.SStar, options)).ToArray();
            PhaseRow("T_1 (|u| = 1/2)", r => r.EscapeTime);
            PhaseRow("s = 1/3 crossing", r => r.CriticalCrossingTime);
            PhaseRow("T_1' (s = 1/3 + 0.1)", r => r.TransitionEndTime);

            void PhaseRow(string quantity, Func<PhaseReport, double?> time)
            {
                double? predicted = time(popReport) is { } p ? p * Eta : null;
                var measured = reports.Select(r => time(r) is { } x ? x * Eta : (double?)null).ToArray();
                if (predicted is not { } pv || measured.Any(m => m is null))
                {
                    comparisons.Add(new ComparisonRow($"{quantity}, SGD", caseName, $"{measured.Count(m => m is not null)} of {Seeds} seeds reached it",
                        $"{Fmt.Opt(predicted)} (population GD)", false, "every seed and the population should reach it"));
                    return;
                }
                var spread = SeedSpread.Of(measured.Select(m => m!.Value).ToArray());
                comparisons.Add(new ComparisonRow($"{quantity}, SGD", caseName, spread.Text(), $"{Fmt.G(pv)} (population GD, same η and w(0))",
                    spread.Covers(pv), $"agrees if the population's time lies in the seeds' 99 % prediction interval {spread.IntervalText()}"));
            }

            // End state: seeds against the population, with SGD's noise from the linear-noise approximation.
            var noiseModel = SgdLinearNoise.Predict(model, pop, Eta, noise, Accuracy);
            var popEnd = pop.Trajectory.Samples[^1];
            double shiftBound = 3 * noiseModel.QTraceSeries[^1];
            double sStar2 = model.SStarMoment(2), floor = Eta * noise * noise;
            var sEnd = SeedSpread.Of(runs.Select(r => r.Trajectory.Samples[^1].S).ToArray());
            var uEnd = SeedSpread.Of(runs.Select(r => Math.Abs(r.Trajectory.Samples[^1].U)).ToArray());
            double sDeviation = noiseModel.SDeviation(model, pop.FinalWeights), uDeviation = noiseModel.UDeviation;
            string endNote = $"agrees if the population's value lies in the seeds' 99 % prediction interval widened by 3 tr(QΣ) = {Fmt.G(shiftBound, 2)}, " +
                             "the order of SGD's mean shift (Σ: the modes' variances, linear-noise approximation from the population's " +
                             $"T_2({Accuracy})). Label noise alone sets the stationary floor E[s* − s] = 2ησ²s*^(2) = {Fmt.G(2 * floor * sStar2, 2)}, " +
                             $"E[s* − |u|] = ησ²(tr Q/2 + s*^(2)) = {Fmt.G(floor * (0.5 + sStar2), 2)}: far below the population's own distance to s* here";
            comparisons.Add(new ComparisonRow("s at t_end, SGD", caseName, sEnd.Text(),
                $"{Fmt.G(popEnd.S)} (population GD); SGD sd {Fmt.G(sDeviation, 2)} (linear-noise)", Math.Abs(sEnd.Mean - popEnd.S) <= sEnd.HalfWidth + shiftBound,
                $"t = {Fmt.G(horizon)}; " + endNote));
            comparisons.Add(new ComparisonRow("|u| at t_end, SGD", caseName, uEnd.Text(),
                $"{Fmt.G(Math.Abs(popEnd.U))} (population GD); SGD sd {Fmt.G(uDeviation, 2)} (linear-noise)",
                Math.Abs(uEnd.Mean - Math.Abs(popEnd.U)) <= uEnd.HalfWidth + shiftBound, $"t = {Fmt.G(horizon)}; " + endNote));
            // The spread itself: the seeds' sd of u against the predicted one (χ² interval of an sd from n seeds).
            double lowerFactor = Math.Sqrt((Seeds - 1) / ChiSquared.InvCDF(Seeds - 1, 0.995)), upperFactor = Math.Sqrt((Seeds - 1) / ChiSquared.InvCDF(Seeds - 1, 0.005));
            comparisons.Add(new ComparisonRow("sd of |u| at t_end over seeds", caseName, Fmt.G(uEnd.Deviation, 3),
                $"{Fmt.G(uDeviation, 3)} = √(Σ λ_i² w*_i² v_i), v_i' = 16λ_i(η(σ² + 12 L_Q) − v_i)",
                uDeviation >= lowerFactor * uEnd.Deviation && uDeviation <= upperFactor * uEnd.Deviation,
                $"linear-noise approximation along the population from its T_2({Accuracy}) (L_Q = s − 2|u| + s*, so gradient noise ∝ the loss " +
                $"adds to the label noise); agrees if the prediction lies in the 99 % χ² interval of an sd from {Seeds} seeds, " +
                $"[{Fmt.G(lowerFactor * uEnd.Deviation, 3)}, {Fmt.G(upperFactor * uEnd.Deviation, 3)}]"));

            // Figure: |u| and s of seed 0 and the population, with seed 0's phase times, from a thirtieth of the population's T_1
            // (Phase I's exponential growth, not decades of plateau).
            double from = (popReport.EscapeTime ?? 1) * Eta / 30;
            mseFrom = Math.Min(mseFrom, from);
            var (t, ms) = From(main.Trajectory, from);
            var (tp, ps) = From(pop.Trajectory, from);
            var markers = new List<Marker>();
            if (reports[0].EscapeTime is { } e1) markers.Add(new Marker("T_1 (SGD)", e1 * Eta));
            if (reports[0].CriticalCrossingTime is { } c1) markers.Add(new Marker("s = 1/3 (SGD)", c1 * Eta));
            if (reports[0].TransitionEndTime is { } p1) markers.Add(new Marker("T_1' (SGD)", p1 * Eta));
            figures.Add(new FigureSpec($"fig5-a{Fmt.G(a)}", $"Online SGD, a = {Fmt.G(a)}, d = {d}, η = {Fmt.G(Eta)} (dashed: population GD)", "t",
                "order parameter", LogX: true, LogY: false,
                [
                    new Series("|u|", t, ms.Select(p => Math.Abs(p.U)).ToArray()),
                    new Series("", tp, ps.Select(p => Math.Abs(p.U)).ToArray(), Dashed: true),
                    new Series("s", t, ms.Select(p => p.S).ToArray()),
                    new Series("", tp, ps.Select(p => p.S).ToArray(), Dashed: true),
                ], markers, LegendCorner.UpperLeft));
            mseCurves.Add((a, main.Trajectory, pop.Trajectory));
        }
        var mseSeries = mseCurves.SelectMany(m =>
        {
            var (t, ms) = From(m.Sgd, mseFrom);
            var (tp, ps) = From(m.Population, mseFrom);
            return new[]
            {
                new Series($"a = {Fmt.G(m.A)}", t, ms.Select(p => p.Mse).ToArray()),
                new Series("", tp, ps.Select(p => p.Mse).ToArray(), Dashed: true),
            };
        }).ToArray();
        figures.Add(new FigureSpec("fig5-mse", $"MSE under online SGD, d = {d}, η = {Fmt.G(Eta)} (dashed: population GD)", "t", "MSE", LogX: true, LogY: true,
            mseSeries, Legend: LegendCorner.LowerLeft));

        return new ExperimentReport("fig5", "u(t), s(t) under online SGD with label noise",
            $"Online SGD (one fresh sample per step), η = {Fmt.G(Eta)}, label noise N(0, 0.05) read as variance 0.05 (σ = √0.05 = {Fmt.G(noise, 3)}), " +
            $"{steps:N0} steps (t ≤ {Fmt.G(horizon)}: twice the population's T_1 at a = 0.5 plus 3/(16λ_d)), power law a ∈ {{{string.Join(", ", Exponents)}}}, " +
            $"d = {d} (paper: 300–1000; sizes quick/default/paper: d = 100/300/1000), Gaussian teacher (s* = 1, seed {Runs.TeacherSeed}), random unit start " +
            $"(seed {Runs.InitSeed}), {Seeds} SGD sample seeds {SgdRuns.Seed(0)}…{SgdRuns.Seed(Seeds - 1)} (figures: seed {SgdRuns.Seed(0)}; CSV: all, seed −1 " +
            "the population). Prediction: population GD with the same η and w(0) (dashed; the exact mean of one SGD step), and SGD's fluctuations in the " +
            "linear-noise approximation about it.",
            [new DataTable("fig5", ["a", "seed", "t", "s", "u", "mse"], rows)],
            figures,
            comparisons);
    }

    /// <summary>The samples at flow times ≥ <paramref name="from"/>, with their flow times.</summary>
    private static (double[] T, TrajectorySample[] Samples) From(Trajectory trajectory, double from)
    {
        var samples = trajectory.Samples.Where(p => Runs.FlowTime(trajectory, p.T) >= from).ToArray();
        return (samples.Select(p => Runs.FlowTime(trajectory, p.T)).ToArray(), samples);
    }
}
