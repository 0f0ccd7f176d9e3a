using PhaseFlow.Manifold;

namespace PhaseFlow.Manifold.Tests;

/// <summary>The Stage I formulas of SpikedManifold against the model's own rates and the SpecGD map.</summary>
public class StageOneFormulaTests
{
    public static TheoryData<double, long, double, double, double, double, double> Models => new()
    {
        { 10.0, 100L, 1.0, 1.0, 1.0, 1.0, 1.0 },
        { 4.0, 1000L, 0.5, 1.5, 1.3, 2.0, 0.8 },
        { 0.5, 50L, 2.0, 0.7, 0.8, 0.5, 1.7 },
        { 20.0, 3L, 1.0, 2.0, 1.0, 3.0, 0.6 },
    };

    /// <summary>With signal and bulk at 0, the spike's rate g_v = 4c_Lασ_v(T + 2μ_v) vanishes exactly at b² = σ_θρ/(3ασ_v), is
    /// negative (b grows under x ← (1 − η̃g)x) below it and positive above: checked on the model's rates to rounding.</summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void GradientDescentSpikeRateVanishesAtTheSaturationLevel(double kappa, long d, double lossScale, double alpha, double sigmaBulk,
        double rho, double sigmaSignal)
    {
        var p = SpikedManifold.FromKappa(kappa, d) with
        {
            LossScale = lossScale, Alpha = alpha, SigmaBulk = sigmaBulk, Rho = rho, SigmaSignal = sigmaSignal,
        };
        var model = p.ToModel();
        double b = Math.Sqrt(p.GradientDescentSpikeSaturation), g0 = Rate(model, [0, b, 0], 1);
        double scale = 4 * lossScale * alpha * p.SigmaSpike * p.SigmaSignal * rho;
        Assert.True(Math.Abs(g0) <= 1e-14 * scale, $"g_v = {g0:R} at the saturation level (scale {scale:R})");
        Assert.True(Rate(model, [0, 0.99 * b, 0], 1) < 0);
        Assert.True(Rate(model, [0, 1.01 * b, 0], 1) > 0);
    }

    /// <summary>On the uniform ray the first group to switch does so where its T + 2μ_i = 0 and the other group's is still
    /// negative; and the SpecGD map from ε, with every coordinate moving by η per step, first switches at step
    /// ⌈(x − ε)/η⌉.</summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void SpectralStageOneEndsWhereTheFirstGroupSwitches(double kappa, long d, double lossScale, double alpha, double sigmaBulk,
        double rho, double sigmaSignal)
    {
        var p = SpikedManifold.FromKappa(kappa, d) with
        {
            LossScale = lossScale, Alpha = alpha, SigmaBulk = sigmaBulk, Rho = rho, SigmaSignal = sigmaSignal,
        };
        var model = p.ToModel();
        var (x, spikeFirst) = p.SpectralStageOneSwitch();
        int first = spikeFirst ? 1 : 2, other = spikeFirst ? 2 : 1;
        double scale = 4 * lossScale * alpha * Math.Max(p.SigmaSpike, sigmaBulk) * sigmaSignal * rho;
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
    public void OneStepFromASmallStartMultipliesByTheFactors(double kappa, long d, double lossScale, double alpha, double sigmaBulk,
        double rho, double sigmaSignal)
    {
        var p = SpikedManifold.FromKappa(kappa, d) with
        {
            LossScale = lossScale, Alpha = alpha, SigmaBulk = sigmaBulk, Rho = rho, SigmaSignal = sigmaSignal,
        };
        var model = p.ToModel();
        double eta = 1e-3 / (lossScale * alpha * rho * Math.Max(sigmaSignal, Math.Max(p.SigmaSpike, sigmaBulk)) * sigmaSignal);
        const double epsilon = 1e-5;
        var x = model.Uniform(epsilon);
        ReducedDynamics.GradientDescentStep(model, eta, x, new double[3]);
        var (signal, spike, bulk) = p.GradientDescentStageOneFactors(eta);
        double quadratic = 3 * alpha * (sigmaSignal + p.SigmaSpike + (d - 2) * sigmaBulk) * epsilon * epsilon;
        double[] factors = [signal, spike, bulk], sigma = [sigmaSignal, p.SigmaSpike, sigmaBulk];
        for (int i = 0; i < 3; i++)
        {
            double tolerance = eta * 4 * lossScale * alpha * sigma[i] * quadratic + 1e-15;
            Assert.True(Math.Abs(x[i] / epsilon - factors[i]) <= tolerance, $"group {i}: {x[i] / epsilon:R} vs {factors[i]:R} ± {tolerance:E2}");
        }
    }
}
