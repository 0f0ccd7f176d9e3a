using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using PhaseFlow.Core;
using PhaseFlow.Foundation;
using Xunit.Abstractions;

namespace PhaseFlow.Hierarchy.Tests;

/// <summary>The closed hierarchy against direct gradient flow of the d-dimensional weights.</summary>
[Properties(Arbitrary = [typeof(Arbitraries)])]
public class AgreementTests(ITestOutputHelper output)
{
    private const double Rtol = 1e-10, Atol = 1e-14;

    /// <summary>Floor of agreement on short horizons: both integrations control local errors at rtol relative to moments
    /// of size s*, and the escape phase amplifies them by the growth of |u|; 100·rtol·s* (measured: 2–6e-11).</summary>
    private static double Tolerance(PhaseRetrievalModel model) => 100 * Rtol * Math.Max(1, model.SStar);

    /// <summary>Over long horizons global errors accumulate step by step: each step may add up to rtol·s* and the
    /// dynamics after the escape contracts, so the deviation is bounded by (steps of both runs)·rtol·s*. Measured on a
    /// spiked case run to t = 3000: both errors scale with rtol (direct ~7e-8 at 1e-11, hierarchy ~1.5e-8 at 1e-10),
    /// so it is the tolerance that limits the agreement, not the reduction.</summary>
    private static double Tolerance(PhaseRetrievalModel model, SimulationResult direct, HierarchyResult reduced) =>
        FlowAgreement.Tolerance(model, direct.Statistics.Steps, reduced.Statistics.Steps, Rtol);

    internal static (SimulationResult Direct, HierarchyResult Hierarchy) RunBoth(FlowCase c, int order, HierarchyClosure closure,
        HierarchyIntegrator integrator = HierarchyIntegrator.Rodas4, bool checkValidity = true)
    {
        var schedule = OutputSchedule.LogSpaced(50, c.Horizon * 1e-4, includeInitial: true);
        var direct = new PopulationGradientFlow(Rtol / 10, Atol / 10).Solve(c.Problem, new SimulationOptions { Output = schedule });
        var system = HierarchySystem.Create(order, closure, HierarchyConstants.FromModel(c.Model));
        var reduced = HierarchySolver.Solve(HierarchyProblem.FromDirect(system, c.Problem),
            new HierarchyOptions { Output = schedule, RelativeTolerance = Rtol, AbsoluteTolerance = Atol, Integrator = integrator, CheckValidity = checkValidity });
        return (direct, reduced);
    }

    [Property(MaxTest = 12)]
    public void SpikedCovarianceWithExactClosureAtOrderThreeFollowsDirectFlowThroughAllPhases(FlowCase c)
    {
        var (direct, reduced) = RunBoth(c, 3, HierarchyClosure.Exact);
        // All three phases were run: escape, crossing of s*/3, and the horizon 30/bulk lets the bulk be learnt.
        Assert.NotNull(direct.Markers.EscapeTime);
        Assert.NotNull(direct.Markers.CriticalCrossingTime);
        Assert.Equal(3, reduced.ConditionNumber is null ? 0 : 3);
        FlowAgreement.AssertThroughAllPhases(c.Model, direct, reduced.Trajectory, reduced.Markers, Tolerance(c.Model, direct, reduced));
        Assert.True(reduced.MaxAlignment <= 1 + 1e-9);
    }

    [Fact]
    public void IsotropicDataWithExactClosureAtOrderOneFollowsDirectFlow()
    {
        foreach (var (d, lambda, seed) in new[] { (1, 0.7, 1), (20, 0.05, 2), (500, 1.0, 3), (64, 2.5, 4) })
        {
            var spectrum = Spectrum.Isotropic(d, lambda);
            var c = new FlowCase(new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, seed)), Initialization.Sphere(d, seed + 1, 0.2), 20 / lambda, seed);
            var (direct, reduced) = RunBoth(c, 1, HierarchyClosure.Exact);
            Assert.Equal(1, reduced.Statistics.Method.Contains("K = 1") ? 1 : 0);
            var (s, u, _) = direct.Trajectory.MaxDeviation(reduced.Trajectory);
            Assert.True(s <= Tolerance(c.Model, direct, reduced) && u <= Tolerance(c.Model, direct, reduced), $"d = {d}: max |Δs| = {s:E2}, max |Δu| = {u:E2}");
        }
    }

    /// <summary>The exact closure is refused exactly when κ·ε exceeds its limit; otherwise it matches direct flow, to the
    /// integrators' reach plus the rounding of Σ c_j x^(j) amplified by κ (measured: 5e-7 at κ = 1.5e10, below κ·ε·s*).</summary>
    [Property(MaxTest = 20)]
    public void FewDistinctEigenvaluesWithExactClosureAtOrderRFollowDirectFlow(FewNodesCase c)
    {
        int r = c.Nodes.Length;
        var scaled = c.Nodes.Select(x => x / c.Nodes.Max()).ToArray();
        double kappa = Matrix<double>.Build.Dense(r, r, (i, j) => Math.Pow(scaled[i], j)).ConditionNumber();
        if (kappa * 2.220446049250313e-16 > HierarchyClosure.DefaultRoundingLimit)
        {
            var e = Assert.Throws<InvalidParameterException>(() => RunBoth(c.Flow, r, HierarchyClosure.Exact));
            Assert.Equal("closure", e.Parameter);
            return;
        }
        foreach (int order in new[] { r, Math.Max(1, r - 1) })
        {
            var (direct, reduced) = RunBoth(c.Flow, order, HierarchyClosure.Exact);
            var (s, u, _) = direct.Trajectory.MaxDeviation(reduced.Trajectory);
            double tol = Tolerance(c.Flow.Model, direct, reduced) + kappa * 2.220446049250313e-16 * Math.Max(1, c.Flow.Model.SStar);
            Assert.True(s <= tol && u <= tol, $"K = {order}, κ = {kappa:G3}: max |Δs| = {s:E2}, max |Δu| = {u:E2}, tolerance {tol:E2}");
        }
    }

    /// <summary>On the escape phase [0, min(T1, 1/λ_1)] the truncation error falls as K grows — until it reaches the solvers' floor.
    /// Geometric closure: K = 4 beats K = 1 and 2, and K = 8 beats K = 4; the step 1 → 2 is not claimed (1 of 40 draws has
    /// K = 2 worse: 6.3e-3 after 4.8e-3 at a = 1.9, d = 850, seed 73383, where the truncated order-1 errors partly cancel;
    /// from K = 3 on all 40 fall). Zero closure: it discards x^(K+1) ≈ λ_1^K x^(1), which is not small
    /// until λ_1^K is, and at low K its error wanders (measured: 0.42 at K = 2, 8.3 at K = 4); the property is claimed from
    /// K = 8 to 16, whenever K = 8 carries information (error below s*, the trivial bound since |u| ≤ s*). A blow-up counts
    /// as an infinite error.</summary>
    [Property(MaxTest = 8)]
    public void PowerLawErrorFallsWithTheOrderOnTheEscapePhase(PowerLawCase c)
    {
        double floor = Tolerance(c.Flow.Model), sStar = c.Flow.Model.SStar;
        foreach (var (closure, orders) in new[] { (HierarchyClosure.Geometric(), new[] { 1, 2, 4, 8 }), (HierarchyClosure.Zero, new[] { 2, 4, 8, 16 }) })
        {
            double previous = double.PositiveInfinity;
            foreach (int order in orders)
            {
                double error;
                try
                {
                    // The truncation error is measured past the point where low orders become invalid (zero closure, K = 2).
                    var (direct, reduced) = RunBoth(c.Flow, order, closure, checkValidity: false);
                    var (s, u, _) = direct.Trajectory.MaxDeviation(reduced.Trajectory);
                    error = Math.Max(s, u);
                }
                catch (SimulationFailedException e) when (e.Failure == SimulationFailure.Diverged)
                {
                    error = double.PositiveInfinity;
                }
                output.WriteLine($"{c}: {closure.Name} K = {order}: max error {error:E2}");
                bool claimed = closure.Name == "geometric" ? order >= 4 : order == 16 && previous < sStar;
                if (claimed) Assert.True(error < previous || error <= floor, $"{closure.Name}: K = {order} error {error:E2} after {previous:E2}");
                previous = closure.Name == "geometric" ? Math.Min(previous, error) : error;
            }
            // The geometric closure at K = 8 always carries information on the escape phase.
            if (closure.Name == "geometric") Assert.True(previous < 0.1 * sStar, $"geometric K = 8: {previous:E2}");
        }
    }
}
