using PhaseFlow.Foundation;

namespace PhaseFlow.Manifold.Tests;

/// <summary>The reference values at the end of docs/specgd-manifold.md (the spec's own numbers): reduced recursions,
/// d = 100, α = ρ = 1, c_L = 1/4, σ_θ = σ_⊥ = 1, σ_v = 1 + κ, a_0 = b_0 = c_0 = 1e-3.</summary>
public class ReferenceValueTests
{
    private static ManifoldModel Model(double kappa) => (SpikedManifold.FromKappa(kappa, 100) with { LossScale = 0.25 }).ToModel();

    private static ManifoldResult Run(double kappa, ManifoldMethod method, double eta, long steps) =>
        ReducedDynamics.Solve(new ManifoldProblem(Model(kappa), Model(kappa).Uniform(1e-3), method, steps, eta),
            new ManifoldOptions { Output = OutputSchedule.At(Enumerable.Range(0, (int)steps + 1).Select(k => (double)k).ToArray()) });

    /// <summary>"GD with η̃ = 0.05 and κ = 10 reaches max b/a ≈ 28.2 at step 13."</summary>
    [Fact]
    public void GradientDescentReachesMaxSpikeRatio28Point2AtStep13()
    {
        var r = Run(10, ManifoldMethod.GradientDescent, 0.05, 200);
        Assert.Equal(28.2, r.Extremes.MaxSpikeRatio, 0.05);
        Assert.Equal(13L, r.Extremes.MaxSpikeRatioAt.Step);
        var ratios = r.Trajectory.Samples.Select(s => s.Coordinates[1] / s.Coordinates[0]).ToArray();
        Assert.Equal(13, Array.IndexOf(ratios, ratios.Max()));
    }

    /// <summary>"SpecGD with η = 1e-3 has b/a = 1 throughout and the same trajectory for κ = 1 and κ = 10": b/a never
    /// exceeds 1 (and equals 1 exactly until the spike first switches), and the signal a_k is the same, bit for bit, for
    /// both κ over the whole run.</summary>
    [Fact]
    public void SpectralDescentKeepsSpikeRatioOneAndTheSameSignalForKappaOneAndTen()
    {
        const long steps = 3000;
        var one = Run(1, ManifoldMethod.SpectralGradientDescent, 1e-3, steps);
        var ten = Run(10, ManifoldMethod.SpectralGradientDescent, 1e-3, steps);
        foreach (var r in new[] { one, ten })
        {
            Assert.Equal(1.0, r.Extremes.MaxSpikeRatio);
            long switchStep = r.Stages.SpikeSaturation!.Step!.Value;
            Assert.True(switchStep > 50, $"spike switched at step {switchStep}");
            for (int k = 0; k < switchStep; k++)
                Assert.Equal(r.Trajectory.Samples[k].Coordinates[0], r.Trajectory.Samples[k].Coordinates[1]);
        }
        for (int k = 0; k <= steps; k++)
            Assert.Equal(one.Trajectory.Samples[k].Coordinates[0], ten.Trajectory.Samples[k].Coordinates[0]);
    }
}
