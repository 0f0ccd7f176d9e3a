using FsCheck.Xunit;
using PhaseFlow.Foundation;

namespace PhaseFlow.Manifold.Tests;

/// <summary>The derived facts of docs/specgd-manifold.md §4, measured on the reduced dynamics.</summary>
[Properties(Arbitrary = [typeof(Arbitraries)])]
public class DerivedFactsTests
{
    /// <summary>GD, Stage I: a ~ ε e^{12c_Lασ_θ²ρt}, b ~ ε e^{4c_Lασ_vσ_θρt}, so d/dt log(b/a) = 4c_Lασ_θρ(σ_v − 3σ_θ): the
    /// spike outgrows the signal iff σ_v &gt; 3σ_θ. Measured on GD with η = 1e-3/(c_Lασ²ρ) from ε = 1e-8 until a reaches
    /// 1e-4·√(ρ/α) (still linear: the nonlinear terms are O(a²) ≈ 1e-8 relative), the log-rate of b/a is the predicted one
    /// to 1 % (the O(η) of Euler's method), and max b/a &gt; 1 over the whole run iff σ_v &gt; 3σ_θ.</summary>
    [Property(MaxTest = 40)]
    public void GradientDescentSpikeOutgrowsTheSignalIffSpikeVarianceExceedsThreeTimesTheSignals(SpikedCase c)
    {
        var r = SeededRandom.Create(c.Seed);
        // Keep the ratio away from 3 so that the sign is decided well inside Stage I.
        double ratio = r.Next(2) == 0 ? 0.3 + 2.4 * r.NextDouble() : 3.3 + 6 * r.NextDouble();
        var p = c.Parameters with { SigmaSpike = ratio * c.Parameters.SigmaSignal };
        var model = p.ToModel();
        double st = p.SigmaSignal, scale = p.LossScale * p.Alpha * p.Rho * Math.Max(st, p.SigmaSpike) * Math.Max(st, p.SigmaSpike);
        double eta = 1e-3 / scale;
        double predicted = 4 * p.LossScale * p.Alpha * st * p.Rho * (p.SigmaSpike - 3 * st);
        var x = model.Uniform(1e-8);
        var g = new double[3];
        long k = 0;
        double target = 1e-4 * model.SolutionSignal;
        while (Math.Abs(x[0]) < target && Math.Abs(x[1]) < target)
        {
            ReducedDynamics.GradientDescentStep(model, eta, x, g);
            k++;
        }
        double measured = Math.Log(x[1] / x[0]) / (k * eta);
        Assert.True(Math.Abs(measured - predicted) <= 0.01 * Math.Abs(predicted) + 1e-9, $"rate {measured} vs {predicted} after {k} steps");
        Assert.Equal(ratio > 3, x[1] > x[0]);

        var run = ReducedDynamics.Solve(new ManifoldProblem(model, model.Uniform(1e-8), ManifoldMethod.GradientDescent, 20 * k, eta));
        Assert.Equal(ratio > 3, run.Extremes.MaxSpikeRatio > 1);
    }

    /// <summary>SpecGD, Stage I: all three coefficients grow by exactly η per step, independent of κ and d, so b/a = 1 —
    /// bit for bit until the first switch — and b/a never exceeds 1 afterwards.</summary>
    [Property(MaxTest = 60)]
    public void SpectralDescentGrowsEveryCoordinateByEtaThroughStageOne(SpikedCase c)
    {
        var model = c.Model;
        double eta = model.SolutionSignal * (1e-3 + 1e-2 * (c.Seed % 97) / 97.0);
        var r = ReducedDynamics.Solve(new ManifoldProblem(model, model.Uniform(1e-3 * model.SolutionSignal), ManifoldMethod.SpectralGradientDescent,
            (long)Math.Ceiling(2 * model.SolutionSignal / eta), eta), new ManifoldOptions { Output = OutputSchedule.At(Enumerable.Range(0, (int)Math.Ceiling(2 * model.SolutionSignal / eta) + 1).Select(i => (double)i).ToArray()) });
        long first = r.Stages.Switching!.Step!.Value;
        Assert.True(first >= 1);
        for (int k = 0; k < first; k++)
        {
            var s = r.Trajectory.Samples[k].Coordinates;
            Assert.Equal(s[0], s[1]);
            Assert.Equal(s[0], s[2]);
            Assert.Equal(1e-3 * model.SolutionSignal + k * eta, s[0], 1e-12 * model.SolutionSignal * (k + 1));
        }
        Assert.True(r.Extremes.MaxSpikeRatio <= 1, $"max b/a = {r.Extremes.MaxSpikeRatio}");
    }

    /// <summary>SpecGF reaches the solution a = √(ρ/α), b = c = 0 in finite time t* ≈ √(ρ/α): measured t* lies in
    /// [√(ρ/α) − ε, 1.12 √(ρ/α)] for every d ≥ 3 (1.117 at d = 3, → √(ρ/α) − ε as d → ∞: 0.2 % above it by d = 10^4),
    /// and is the same for every κ &gt; 0 at a given d to 1e-6 (measured ≤ 2e-7: the final approach x ~ √(t* − t) makes the
    /// time sensitive to rounding at the √ε level).</summary>
    [Property(MaxTest = 40)]
    public void SpectralFlowReachesTheSolutionInFiniteTimeIndependentOfDimensionAndKappa(SpikedCase c)
    {
        var r0 = SeededRandom.Create(c.Seed);
        // d up to 10^6 with ε = 1e-4√(ρ/α): the initial bulk mass (d − 2)ε² stays ≤ 1 % of ρ/α (a small initialisation).
        long d = (long)Math.Round(Math.Pow(10, 0.5 + 5.5 * r0.NextDouble()));
        double root = Math.Sqrt(c.Parameters.Rho / c.Parameters.Alpha), eps = 1e-4 * root;
        double[] times = new double[3];
        double[] kappas = [0.5 + r0.NextDouble(), 3 + 10 * r0.NextDouble(), 50 + 500 * r0.NextDouble()];
        for (int i = 0; i < 3; i++)
        {
            var p = c.Parameters with { SigmaSpike = c.Parameters.SigmaSignal * (1 + kappas[i]), SigmaBulk = c.Parameters.SigmaSignal, Dimension = d };
            var model = p.ToModel();
            var run = ReducedDynamics.Solve(new ManifoldProblem(model, model.Uniform(eps), ManifoldMethod.SpectralGradientFlow, 3 * root));
            Assert.NotNull(run.Stages.Equilibrium);
            times[i] = run.Stages.Equilibrium!.Time;
            Assert.Equal(root, run.FinalCoordinates[0], 1e-10 * root);
            Assert.True(Math.Abs(run.FinalCoordinates[1]) <= 1e-6 * root && Math.Abs(run.FinalCoordinates[2]) <= 1e-6 * root);
            Assert.True(run.FinalLoss <= 1e-20 * model.LossScale * Math.Pow(model.Sigma.ToArray().Max() * model.Rho, 2), $"final loss {run.FinalLoss}");
        }
        Assert.InRange(times[0] / root, 1 - 1e-4 - 1e-9, 1.12);
        Assert.True(Math.Abs(times[1] - times[0]) <= 1e-6 * root && Math.Abs(times[2] - times[0]) <= 1e-6 * root,
            $"d = {d}: t* = {string.Join(", ", times)} for κ = {string.Join(", ", kappas)}");
        if (d >= 10_000) Assert.InRange(times[0] / root, 1 - 1e-4 - 1e-9, 1.002);
    }

    /// <summary>GD, Stage II: the bulk contracts algebraically, c(t) ≈ [(8/3)(2d + 2)c_Lα²σ_⊥² t]^{−1/2}. Fitted on log-spaced
    /// samples over [t_s, 100 t_s], t_s the time at which c has fallen √20× below its value when the loss first
    /// went under 1e-3 (so that the c(t_1)^{−2} offset is ≤ 5 % of K t): exponent −1/2 within 0.05 and the prefactor within
    /// 5 % at the end of the window.</summary>
    [Theory]
    [InlineData(1.0, 1000L, 1.0)]
    [InlineData(4.0, 300L, 0.7)]
    [InlineData(0.5, 2000L, 1.3)]
    public void GradientDescentBulkDecaysLikeInverseSquareRootOfTime(double kappa, long d, double sigmaBulk)
    {
        var p = SpikedManifold.FromKappa(kappa, d) with { SigmaBulk = sigmaBulk };
        var model = p.ToModel();
        double eta = 0.5 / (12 * Math.Max(p.SigmaSpike, 1));
        double k2 = 8.0 / 3 * (2 * d + 2) * p.LossScale * p.Alpha * p.Alpha * sigmaBulk * sigmaBulk;
        var probe = ReducedDynamics.Solve(new ManifoldProblem(model, model.Uniform(1e-3), ManifoldMethod.GradientDescent, Math.Ceiling(20 / eta), eta),
            new ManifoldOptions { Output = OutputSchedule.At(Math.Ceiling(20 / eta)) });
        var t1 = probe.Stages.TimeToLoss(1e-3)!;
        var atT1 = ReducedDynamics.Solve(new ManifoldProblem(model, model.Uniform(1e-3), ManifoldMethod.GradientDescent, t1.Step!.Value, eta),
            new ManifoldOptions { Output = OutputSchedule.At(t1.Step!.Value) }).FinalCoordinates[2];
        double ts = Math.Max(t1.Time, 20 / (atT1 * atT1 * k2));
        double horizon = Math.Ceiling(100 * ts / eta);
        var run = ReducedDynamics.Solve(new ManifoldProblem(model, model.Uniform(1e-3), ManifoldMethod.GradientDescent, horizon, eta),
            new ManifoldOptions { Output = OutputSchedule.LogSpaced(80, Math.Ceiling(ts / eta)) });
        var window = run.Trajectory.Samples.Where(s => s.Time >= ts).ToArray();
        var fit = PhaseAnalysis.Fit(window.Select(s => Math.Log(s.Time)).ToArray(), window.Select(s => Math.Log(s.Coordinates[2])).ToArray(), ts, window[^1].Time);
        Assert.True(Math.Abs(fit.Slope + 0.5) <= 0.05, $"exponent {fit.Slope} over [{ts:G3}, {window[^1].Time:G3}]");
        double prefactor = window[^1].Coordinates[2] * Math.Sqrt(k2 * window[^1].Time);
        Assert.InRange(prefactor, 0.95, 1.05);
    }

    /// <summary>SpecGD → SpecGF as η → 0: discrete SpecGD stays within a band of width O(η) of the Filippov solution (it
    /// chatters around the sliding surfaces). The band's constant follows from the chattering: each group j that chatters
    /// moves T, hence every h_i = T + 2μ_i, by n_j·2ασ_j|x_j|·η per step, so the bulk (n = d − 2) blurs the spike's surface
    /// by a factor F = 1 + (d − 2)σ_⊥/σ_v more than its own chattering does. Asserted: max |x_k − x(kη)| ≤ 4ηF on
    /// [0, 0.8√(ρ/α)] (before the final approach, where x ~ √(t* − t) turns time offsets into O(√η) errors), for η below a
    /// quarter of the smallest gap between switching events (events closer than one step cannot be ordered by the map).
    /// Measured over 150 random models: at most 1.4 ηF.</summary>
    [Property(MaxTest = 20)]
    public void SpectralDescentStaysWithinOrderEtaOfTheFilippovSolution(SpikedCase c)
    {
        var p = c.Parameters;
        var model = c.Model;
        double root = model.SolutionSignal, horizon = 0.8 * root;
        var x0 = model.Uniform(1e-3 * root);
        var probe = ReducedDynamics.Solve(new ManifoldProblem(model, x0, ManifoldMethod.SpectralGradientFlow, horizon));
        var times = probe.Switches.Select(e => e.Time).Prepend(0).Append(horizon).Distinct().Order().ToArray();
        double gap = times.Zip(times.Skip(1), (a, b) => b - a).Min();
        if (gap < 1e-5 * root) return; // events closer than 1e-5: the map would need > 10^6 steps to order them
        double factor = 1 + (p.Dimension - 2) * p.SigmaBulk / p.SigmaSpike;
        foreach (int refine in new[] { 4, 16 })
        {
            int n = Math.Max(480 * refine, (int)Math.Ceiling(horizon * refine / gap));
            double eta = horizon / n;
            var steps = Enumerable.Range(0, 49).Select(i => (double)((long)i * n / 48)).ToArray();
            var flow = ReducedDynamics.Solve(new ManifoldProblem(model, x0, ManifoldMethod.SpectralGradientFlow, horizon),
                new ManifoldOptions { Output = OutputSchedule.At(steps.Select(k => Math.Min(k * eta, horizon)).ToArray()) });
            var map = ReducedDynamics.Solve(new ManifoldProblem(model, x0, ManifoldMethod.SpectralGradientDescent, n, eta),
                new ManifoldOptions { Output = OutputSchedule.At(steps) });
            double worst = 0;
            for (int i = 0; i < steps.Length; i++)
                for (int j = 0; j < 3; j++)
                    worst = Math.Max(worst, Math.Abs(map.Trajectory.Samples[i].Coordinates[j] - flow.Trajectory.Samples[i].Coordinates[j]));
            Assert.True(worst <= 4 * eta * factor, $"η = {eta:E2}: max deviation {worst:E3} = {worst / eta:F2} η (F = {factor:F2})");
        }
    }

    /// <summary>GD → GF as η̃ → 0 at first order: halving η̃ halves the error at a fixed time (Euler's method).</summary>
    [Fact]
    public void GradientDescentConvergesToGradientFlowAtFirstOrder()
    {
        var model = SpikedManifold.FromKappa(5, 50).ToModel();
        double horizon = 2;
        var flow = ReducedDynamics.Solve(new ManifoldProblem(model, model.Uniform(1e-3), ManifoldMethod.GradientFlow, horizon),
            new ManifoldOptions { Output = OutputSchedule.At(horizon), RelativeTolerance = 1e-12, AbsoluteTolerance = 1e-16 });
        var errors = new[] { 2000, 4000, 8000 }.Select(n =>
        {
            var map = ReducedDynamics.Solve(new ManifoldProblem(model, model.Uniform(1e-3), ManifoldMethod.GradientDescent, n, horizon / n),
                new ManifoldOptions { Output = OutputSchedule.At(n) });
            return map.FinalCoordinates.Zip(flow.FinalCoordinates, (a, b) => Math.Abs(a - b)).Max();
        }).ToArray();
        for (int i = 1; i < errors.Length; i++) Assert.InRange(Math.Log2(errors[i - 1] / errors[i]), 0.9, 1.1);
    }
}
