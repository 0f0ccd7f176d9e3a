namespace PhaseFlow.Manifold.Tests;

/// <summary>The Stage I formulas of SpikedManifold against the model's own rates and the SpecGD map.</summary>
public class StageOneFormulaTests
{
    /// <summary>κ, d, c_L, α, σ_⊥, ρ and σ_θ moved off their defaults, d down to 3.</summary>
    internal static readonly SpikedManifold[] Cases =
    [
        SpikedManifold.FromKappa(10, 100),
        SpikedManifold.FromKappa(4, 1000) with { LossScale = 0.5, Alpha = 1.5, SigmaBulk = 1.3, Rho = 2, SigmaSignal = 0.8 },
        SpikedManifold.FromKappa(0.5, 50) with { LossScale = 2, Alpha = 0.7, SigmaBulk = 0.8, Rho = 0.5, SigmaSignal = 1.7 },
        SpikedManifold.FromKappa(20, 3) with { Alpha = 2, Rho = 3, SigmaSignal = 0.6 },
    ];

    public static TheoryData<int> Models => [0, 1, 2, 3];

    /// <summary>With signal and bulk at 0, the spike's rate g_v = 4c_Lασ_v(T + 2μ_v) vanishes exactly at b² = σ_θρ/(3ασ_v), is
    /// negative (b grows under x ← (1 − η̃g)x) below it and positive above: checked on the model's rates to rounding.</summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void GradientDescentSpikeRateVanishesAtTheSaturationLevel(int index)
    {
        var p = StageOneFormulaTests.Cases[index];
        var model = p.ToModel();
        double b = Math.Sqrt(p.GradientDescentSpikeSaturation), g0 = Rate(model, [0, b, 0], 1);
        double scale = 4 * p.LossScale * p.Alpha * p.SigmaSpike * p.SigmaSignal * p.Rho;
        Assert.True(Math.Abs(g0) <= 1e-14 * scale, $"g_v = {g0:R} at the saturation level (scale {scale:R})");
        Assert.True(Rate(model, [0, 0.99 * b, 0], 1) < 0);
        Assert.True(Rate(model, [0, 1.01 * b, 0], 1) > 0);
    }

    /// <summary>On the uniform ray the first group to switch does so where its T + 2μ_i = 0 and the other group's is still
    /// negative; and the SpecGD map from ε, with every coordinate moving by η per step, first switches at step
    /// ⌈(x − ε)/η⌉.</summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void SpectralStageOneEndsWhereTheFirstGroupSwitches(int index)
    {
        var p = StageOneFormulaTests.Cases[index];
        var model = p.ToModel();
        var (x, spikeFirst) = p.SpectralStageOneSwitch();
        int first = spikeFirst ? 1 : 2, other = spikeFirst ? 2 : 1;
        double scale = 4 * p.LossScale * p.Alpha * Math.Max(p.SigmaSpike, p.SigmaBulk) * p.SigmaSignal * p.Rho;
        Assert.True(Math.Abs(Rate(model, [x, x, x], first)) <= 1e-13 * scale, $"g of the switching group = {Rate(model, [x, x, x], first):R}");
        Assert.True(Rate(model, [x, x, x], other) < 0, "the other group switched first");

        const double epsilon = 1e-6;
        double eta = x / 2000;
        var run = ReducedDynamics.Solve(new ManifoldProblem(model, model.Uniform(epsilon), ManifoldMethod.SpectralGradientDescent, 4000, eta));
        double steps = (x - epsilon) / eta;
        long expected = (long)Math.Ceiling(steps);
        long? measured = run.Stages.Switching?.Step;
        // ε + kη carries k roundings: only a switch within 1e-9 of a grid point could move by one step.
        Assert.True(measured == expected || (Math.Abs(steps - Math.Round(steps)) < 1e-9 && Math.Abs(measured!.Value - expected) <= 1),
            $"first switch at step {measured}, predicted {expected}");
    }

    private static double Rate(ManifoldModel model, double[] x, int group)
    {
        var g = new double[3];
        model.Rates(x, g);
        return g[group];
    }
}

/// <summary>GD's linear Stage I map against one step of the full map.</summary>
public class GradientDescentStageOneTests
{
    /// <summary>One GD step from a small start multiplies each group by its factor up to the quadratic terms the linear map
    /// drops: T and μ_i move by at most 3αΣn_jσ_jx_j² inside g_i = 4c_Lασ_i(T + 2μ_i), so each factor is off by at most
    /// η̃·4c_Lασ_i·3αΣn_jσ_jx_j² (plus rounding).</summary>
    [Theory]
    [MemberData(nameof(StageOneFormulaTests.Models), MemberType = typeof(StageOneFormulaTests))]
    public void OneStepFromASmallStartMultipliesByTheFactors(int index)
    {
        var p = StageOneFormulaTests.Cases[index];
        var model = p.ToModel();
        double eta = 1e-3 / (p.LossScale * p.Alpha * p.Rho * Math.Max(p.SigmaSignal, Math.Max(p.SigmaSpike, p.SigmaBulk)) * p.SigmaSignal);
        const double epsilon = 1e-5;
        var x = model.Uniform(epsilon);
        ReducedDynamics.GradientDescentStep(model, eta, x, new double[3]);
        var (signal, spike, bulk) = p.GradientDescentStageOneFactors(eta);
        double quadratic = 3 * p.Alpha * (p.SigmaSignal + p.SigmaSpike + (p.Dimension - 2) * p.SigmaBulk) * epsilon * epsilon;
        double[] factors = [signal, spike, bulk], sigma = [p.SigmaSignal, p.SigmaSpike, p.SigmaBulk];
        for (int i = 0; i < 3; i++)
        {
            double tolerance = eta * 4 * p.LossScale * p.Alpha * sigma[i] * quadratic + 1e-15;
            Assert.True(Math.Abs(x[i] / epsilon - factors[i]) <= tolerance, $"group {i}: {x[i] / epsilon:R} vs {factors[i]:R} ± {tolerance:E2}");
        }
    }
}
