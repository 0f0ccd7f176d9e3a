namespace PhaseFlow.Manifold.Tests;

/// <summary>SpecGF's finish-time estimate against the exact Filippov solution.</summary>
public class SpectralFlowFinishTimeTests
{
    /// <summary>The estimate t*/√(ρ/α) = 1 − ε√(α/ρ) + q/2 − q²/8 is an expansion in q = σ_θ/((d + 1)σ_⊥): the exact SpecGF
    /// (switching event to switching event) must reach the solution within the next order, q³ (plus 1e-12 for rounding).
    /// The cases move every constant the estimate names, and κ, which it says does not matter; they keep d ≤ 1000, where q³
    /// is at least ten times the solver's relative tolerance 1e-10 (at d = 3000 and 10^4 the measured differences, ~1e-10,
    /// are that tolerance, not the expansion).</summary>
    [Theory]
    [InlineData(10.0, 100L, 1.0, 1.0, 1.0, 1.0, 1e-3)]
    [InlineData(10.0, 1000L, 1.0, 1.0, 1.0, 1.0, 1e-3)]
    [InlineData(1.0, 300L, 2.0, 0.5, 1.0, 1.0, 1e-4)]
    [InlineData(0.5, 500L, 0.5, 2.0, 1.0, 1.0, 1e-5)]
    [InlineData(4.0, 50L, 1.0, 1.0, 0.7, 1.4, 1e-3)]
    [InlineData(10.0, 300L, 1.0, 1.0, 1.3, 0.8, 1e-3)]
    [InlineData(10.0, 200L, 1.0, 1.0, 1.0, 1.3, 1e-3)]
    public void ExactFilippovSolutionFinishesWithinTheNextOrder(double kappa, long d, double rho, double alpha, double sigmaSignal, double sigmaBulk,
        double epsilon)
    {
        var p = SpikedManifold.FromKappa(kappa, d) with { Rho = rho, Alpha = alpha, SigmaSignal = sigmaSignal, SigmaBulk = sigmaBulk };
        var model = p.ToModel();
        double root = Math.Sqrt(rho / alpha);
        var run = ReducedDynamics.Solve(new ManifoldProblem(model, model.Uniform(epsilon), ManifoldMethod.SpectralGradientFlow, 2 * root));
        double measured = (run.Stages.Equilibrium?.Time ?? double.NaN) / root, estimate = p.SpectralFlowFinishTime(epsilon);
        double q = p.SpectralFlowFinishParameter;
        Assert.True(Math.Abs(measured - estimate) <= q * q * q + 1e-12, $"t*/R = {measured:R}, estimate {estimate:R}, q³ = {q * q * q:E2}");
    }
}
