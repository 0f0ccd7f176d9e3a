using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using PhaseFlow.Foundation;

namespace PhaseFlow.Manifold.Tests;

/// <summary>Full-matrix runs against the reduced maps. From W_0 = ε Q_0 every iterate must stay on 𝓜(Q_0) and have the
/// reduced coordinates, step for step, to rounding: per step the gradient carries a relative error of a few ε·(d + m),
/// which GD's linear growth does not amplify relative to x; SpecGD's update is ±η exactly. Asserted: relative distance
/// &lt; 1e-12 and |x_full − x_reduced| ≤ 1e-12·max|x| (measured: ≤ 2e-15).</summary>
[Properties(Arbitrary = [typeof(Arbitraries)])]
public class FullMatrixDynamicsTests
{
    private static ManifoldOptions EveryStep(long steps) =>
        new() { Output = OutputSchedule.At(Enumerable.Range(0, (int)steps + 1).Select(k => (double)k).ToArray()) };

    /// <summary>The first step at which a sign decision of the reduced SpecGD map is within rounding of the zero
    /// cutoff (|g_i x_i| / max between 1e-16 and 1e-8): beyond it the two runs may legitimately decide differently.</summary>
    private static long AmbiguousStep(ManifoldModel model, ManifoldResult reduced)
    {
        var g = new double[model.GroupCount];
        foreach (var s in reduced.Trajectory.Samples)
        {
            var x = s.Coordinates.ToArray();
            model.Rates(x, g);
            double max = g.Select((gi, i) => Math.Abs(gi * x[i])).Max();
            if (g.Select((gi, i) => Math.Abs(gi * x[i]) / max).Any(r => r > 1e-16 && r < 1e-8)) return s.Index;
        }
        return long.MaxValue;
    }

    private static void AssertSameTrajectory(ManifoldResult full, ManifoldResult reduced, long upTo, string what,
        ManifoldModel? polarModel = null, double eta = 0, int n = 0)
    {
        // A polar factor computed in floating point is off by up to 4ε·κ(G)·n^1.5 (PolarTests); on the manifold the singular
        // values of G are |g_i x_i|, so κ grows as a group nears its switch. Each SpecGD step adds η times that error.
        double accumulated = 0;
        var g = polarModel is null ? null : new double[polarModel.GroupCount];
        for (int k = 0; k < reduced.Trajectory.Samples.Count && k <= upTo; k++)
        {
            var f = full.Trajectory.Samples[k];
            var r = reduced.Trajectory.Samples[k];
            double scale = r.Coordinates.Max(Math.Abs);
            double allowance = 1e-12 + accumulated / scale;
            Assert.True(f.Distance < allowance, $"{what}, step {k}: distance {f.Distance:E2} (allowance {allowance:E2})");
            for (int i = 0; i < r.Coordinates.Count; i++)
                Assert.True(Math.Abs(f.Coordinates[i] - r.Coordinates[i]) <= allowance * scale,
                    $"{what}, step {k}, group {i}: {f.Coordinates[i]:R} vs {r.Coordinates[i]:R}");
            if (polarModel is not null)
            {
                var x = r.Coordinates.ToArray();
                polarModel.Rates(x, g!);
                var singular = g!.Select((gi, i) => Math.Abs(gi * x[i])).Where(v => v > 0).ToArray();
                if (singular.Length > 0)
                    accumulated += eta * 4 * 2.2e-16 * (singular.Max() / singular.Min()) * Math.Pow(n, 1.5);
            }
        }
    }

    [Property(MaxTest = 25)]
    public void GradientDescentFromEpsilonQ0StaysOnTheManifoldAndEqualsTheReducedMap(FullCase c)
    {
        var model = c.Parameters.ToModel();
        var full = FullMatrixModel.FromManifold(model);
        var q0 = RandomMatrices.Orthogonal(full.Dimension, c.Width, c.Seed);
        var x0 = model.Uniform(1e-3 * model.SolutionSignal);
        double smax = model.Sigma.ToArray().Max();
        double eta = 0.3 / (12 * model.LossScale * model.Alpha * smax * smax * model.Rho);
        const long steps = 150;
        var reduced = ReducedDynamics.Solve(new ManifoldProblem(model, x0, ManifoldMethod.GradientDescent, steps, eta), EveryStep(steps));
        var run = FullMatrixDynamics.Solve(new FullMatrixProblem(full, full.Frame!.Embed(x0, q0), ManifoldMethod.GradientDescent, steps, eta),
            new FullMatrixOptions { Frame = q0, Recording = EveryStep(steps) });
        AssertSameTrajectory(run, reduced, steps, "GD");
        Assert.Equal(reduced.FinalLoss, run.FinalLoss, 1e-12 * Math.Max(1, reduced.FinalLoss));
    }

    /// <summary>SpecGD through Stage I and the sliding of spike and bulk, up to the signal's first switch (after it the
    /// last phase chatters with singular values of size O(η) and the manifold becomes transversally unstable for the full
    /// matrix: see docs/manifold.md), with both exact-to-rounding polar backends.</summary>
    [Property(MaxTest = 25)]
    public void SpectralDescentFromEpsilonQ0StaysOnTheManifoldAndEqualsTheReducedMap(FullCase c)
    {
        var model = c.Parameters.ToModel();
        var full = FullMatrixModel.FromManifold(model);
        var q0 = RandomMatrices.Orthogonal(full.Dimension, c.Width, c.Seed);
        double root = model.SolutionSignal, eta = root / (100 + c.Seed % 200);
        var x0 = model.Uniform(1e-3 * root);
        long steps = (long)(1.5 * root / eta);
        var reduced = ReducedDynamics.Solve(new ManifoldProblem(model, x0, ManifoldMethod.SpectralGradientDescent, steps, eta), EveryStep(steps));
        long upTo = Math.Min(reduced.Stages.FirstSwitch[0]?.Step ?? steps, AmbiguousStep(model, reduced));
        Assert.True(reduced.Stages.SpikeSaturation?.Step < upTo, "the comparison must cover the spike's switch");
        foreach (var backend in new[] { PolarMethod.Svd, PolarMethod.NewtonSchulz })
        {
            var run = FullMatrixDynamics.Solve(new FullMatrixProblem(full, full.Frame!.Embed(x0, q0), ManifoldMethod.SpectralGradientDescent, upTo, eta),
                new FullMatrixOptions { Frame = q0, Polar = new PolarOptions { Method = backend }, Recording = EveryStep(upTo) });
            AssertSameTrajectory(run, reduced, upTo, $"SpecGD ({backend})", model, eta, Math.Max(full.Dimension, c.Width));
        }
    }

    /// <summary>The diagonal generalisation: a power-law Σ with θ* on coordinate k; W_0 = diag(w_0) Q_0 stays diagonal.</summary>
    [Property(MaxTest = 15)]
    public void DiagonalGeneralisationMatchesTheFullMatrix(int seedValue)
    {
        int seed = Math.Abs(seedValue % 100_000);
        var r = SeededRandom.Create(seed);
        int d = 3 + r.Next(8), k = r.Next(d);
        var model = ManifoldModel.PowerLaw(d, 0.5 + 2 * r.NextDouble(), k, alpha: 0.5 + r.NextDouble(), lossScale: 0.5 + r.NextDouble(), rho: 0.5 + r.NextDouble());
        var full = FullMatrixModel.FromManifold(model);
        var q0 = RandomMatrices.Orthogonal(d, d + r.Next(4), seed);
        var x0 = Enumerable.Range(0, d).Select(_ => 1e-3 * (0.5 + r.NextDouble())).ToArray();
        double smax = model.Sigma.ToArray().Max();
        double eta = 0.3 / (12 * model.LossScale * model.Alpha * smax * smax * model.Rho);
        const long steps = 120;
        var reduced = ReducedDynamics.Solve(new ManifoldProblem(model, x0, ManifoldMethod.GradientDescent, steps, eta), EveryStep(steps));
        var run = FullMatrixDynamics.Solve(new FullMatrixProblem(full, full.Frame!.Embed(x0, q0), ManifoldMethod.GradientDescent, steps, eta),
            new FullMatrixOptions { Frame = q0, Recording = EveryStep(steps) });
        AssertSameTrajectory(run, reduced, steps, "diagonal GD");
    }

    [Fact]
    public void FiniteSampleRunsAreDeterministicAndApproachThePopulationRunAsSamplesGrow()
    {
        var model = SpikedManifold.FromKappa(3, 5).ToModel();
        var full = FullMatrixModel.FromManifold(model);
        var q0 = RandomMatrices.Orthogonal(5, 6, 1);
        var w0 = full.Frame!.Embed(model.Uniform(0.05), q0);
        const long steps = 60;
        ManifoldResult Run(GradientSource source) => FullMatrixDynamics.Solve(new FullMatrixProblem(full, w0, ManifoldMethod.GradientDescent, steps, 0.02),
            new FullMatrixOptions { Gradient = source, Frame = q0 });
        var population = Run(GradientSource.Population);
        var a = Run(GradientSource.Samples(500, 9, resample: true));
        var b = Run(GradientSource.Samples(500, 9, resample: true));
        Assert.Equal(a.FinalCoordinates, b.FinalCoordinates);
        double Deviation(ManifoldResult x) => x.FinalCoordinates.Zip(population.FinalCoordinates, (p, q) => Math.Abs(p - q)).Max();
        var small = Deviation(Run(GradientSource.Samples(200, 4, resample: true)));
        var large = Deviation(Run(GradientSource.Samples(20_000, 4, resample: true)));
        Assert.True(large < small, $"deviation {large:E2} with 20000 samples vs {small:E2} with 200");
    }

    [Fact]
    public void OffManifoldInitialisationsRunAndReportTheIntrinsicDistance()
    {
        var model = SpikedManifold.FromKappa(5, 6).ToModel();
        var full = FullMatrixModel.FromManifold(model);
        var w0 = RandomMatrices.Gaussian(6, 9, 3, 0.01);
        var run = FullMatrixDynamics.Solve(new FullMatrixProblem(full, w0, ManifoldMethod.GradientDescent, 3000, 0.01));
        var first = run.Trajectory.Samples[0];
        var last = run.Trajectory.Samples[^1];
        Assert.True(first.Distance > 0.1, $"a random W_0 is far from the manifold: {first.Distance}");
        Assert.True(last.Loss < 1e-3 * first.Loss);
        Assert.True(last.Distance < 0.1 * first.Distance, $"distance {first.Distance:E2} → {last.Distance:E2}");
        Assert.All(run.Trajectory.Samples, s => Assert.True(double.IsFinite(s.Alignments.SignalMass)));
        // The intrinsic distance is zero on every 𝓜(Q_0) and the frame distance is zero on its own.
        var q0 = RandomMatrices.Orthogonal(6, 9, 4);
        var on = full.Frame!.Embed([0.3, -0.2, 0.1], q0);
        Assert.True(full.Frame.GramDistance(on) < 1e-14);
        full.Frame.Coordinates(on, q0, out double distance);
        Assert.True(distance < 1e-14);
    }

    [Fact]
    public void DivergingRunsSayAtWhichStep()
    {
        var model = SpikedManifold.FromKappa(10, 20).ToModel();
        var full = FullMatrixModel.FromManifold(model);
        var q0 = RandomMatrices.Orthogonal(20, 20, 1);
        var e = Assert.Throws<ManifoldDivergedException>(() => FullMatrixDynamics.Solve(
            new FullMatrixProblem(full, full.Frame!.Embed(model.Uniform(0.1), q0), ManifoldMethod.GradientDescent, 1000, 2.0)));
        Assert.NotNull(e.Step);
        Assert.Contains($"step {e.Step}", e.Message, StringComparison.Ordinal);
        var reduced = Assert.Throws<ManifoldDivergedException>(() => ReducedDynamics.Solve(
            new ManifoldProblem(model, model.Uniform(0.1), ManifoldMethod.GradientDescent, 1000, 2.0)));
        Assert.Contains($"step {reduced.Step}", reduced.Message, StringComparison.Ordinal);
        Assert.True(reduced.Partial.Samples.Count > 0);
    }
}
