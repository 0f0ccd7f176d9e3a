using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra.Double;
using PhaseFlow.Foundation;
using PhaseFlow.Ode;

namespace PhaseFlow.Manifold.Tests;

/// <summary>The Filippov solution of SpecGF: invariants at every event, sliding surfaces, the closed-form event roots,
/// monotone loss; and GF against an independent integrator.</summary>
[Properties(Arbitrary = [typeof(Arbitraries)])]
public class SpectralFlowTests
{
    /// <summary>At every event: free groups move at ±1 consistent with the sign of g_i x_i (ẋ = −sign(h x)); sliding
    /// groups sit on h_i = T + 2μ_i = 0 (i.e. x_i² = (−T/2 + σ_iρδ_ik)/(ασ_i): b² = −T/(2ασ_v), c² = −T/(2ασ_⊥)), with an
    /// admissible equivalent control |u_i| ≤ 1 that solves the dense linear system (1 n_Sᵀ + 2I) p = −R·1, p_i = 2ασ_i x_i u_i.
    /// Tolerance: h is a sum over groups of terms n_j|μ_j|, evaluated after O(1) polynomial steps: 1e-12 of that sum.</summary>
    [Property(MaxTest = 40)]
    public void EveryEventSatisfiesTheFilippovConditions(SpikedCase c)
    {
        var model = c.Model;
        var flow = new FilippovSignFlow(model, model.Uniform(1e-3 * model.SolutionSignal));
        var x = new double[3];
        var mu = new double[3];
        int events = 0, sliding = 0;
        while (events < 100)
        {
            var (tau, kind, group) = flow.NextEvent(3 * model.SolutionSignal - flow.Time);
            if (kind == FilippovSignFlow.EventKind.None) break;
            flow.Advance(tau, kind, group);
            events++;
            flow.State(x);
            double t = model.Mu(x, mu), scale = 1e-12 * (model.Sigma[0] * model.Rho + Enumerable.Range(0, 3).Sum(i => model.Multiplicity[i] * Math.Abs(mu[i])));
            var slidingGroups = Enumerable.Range(0, 3).Where(i => flow.ModeOf(i) == 1).ToArray();
            double r = Enumerable.Range(0, 3).Where(i => flow.ModeOf(i) == 0).Sum(j => model.Multiplicity[j] * 2 * model.Alpha * model.Sigma[j] * x[j] * flow.VelocityOf(j));
            foreach (int i in Enumerable.Range(0, 3))
            {
                double h = t + 2 * mu[i], v = flow.VelocityOf(i);
                switch (flow.ModeOf(i))
                {
                    case 0:
                        Assert.True(Math.Abs(v) == 1);
                        Assert.True(Math.Abs(h) <= scale || Math.Sign(h * x[i]) == -v, $"group {i} moves at {v} with h x = {h * x[i]:E2}");
                        break;
                    case 1:
                        sliding++;
                        Assert.True(Math.Abs(h) <= scale, $"sliding group {i} off its surface: h = {h:E2}");
                        Assert.True(Math.Abs(v) <= 1 + 1e-12, $"equivalent control {v}");
                        break;
                    default:
                        Assert.Equal(0.0, x[i]);
                        break;
                }
            }
            if (slidingGroups.Length > 0)
            {
                int s = slidingGroups.Length;
                var a = DenseMatrix.Create(s, s, (p, q) => model.Multiplicity[slidingGroups[q]] + (p == q ? 2 : 0));
                var p = a.Solve(DenseVector.Create(s, -r));
                for (int q = 0; q < s; q++)
                {
                    int i = slidingGroups[q];
                    double expected = p[q] / (2 * model.Alpha * model.Sigma[i] * x[i]);
                    Assert.True(Math.Abs(flow.VelocityOf(i) - expected) <= 1e-12 * (1 + Math.Abs(expected)), $"u_{i} = {flow.VelocityOf(i)} vs dense {expected}");
                }
            }
        }
        Assert.True(sliding > 0, "spike and bulk slide before the solution is reached");
        Assert.True(flow.Stationary, $"no equilibrium after {events} events");
    }

    /// <summary>Between events (at 400 output times): sliding groups stay on their surfaces (b² = −T/(2ασ_v), …), the loss
    /// never increases (dL/dt = −Σ n_i |g_i x_i| ≤ 0 along SpecGF).</summary>
    [Property(MaxTest = 30)]
    public void SlidingSurfacesHoldBetweenEventsAndTheLossDecreases(SpikedCase c)
    {
        var model = c.Model;
        double horizon = 1.5 * model.SolutionSignal;
        var run = ReducedDynamics.Solve(new ManifoldProblem(model, model.Uniform(1e-3 * model.SolutionSignal), ManifoldMethod.SpectralGradientFlow, horizon),
            new ManifoldOptions { Output = OutputSchedule.At(Enumerable.Range(0, 401).Select(i => Math.Min(horizon, horizon * i / 400)).ToArray()) });
        var mu = new double[3];
        double previous = double.PositiveInfinity;
        foreach (var s in run.Trajectory.Samples)
        {
            Assert.True(s.Loss <= previous * (1 + 1e-12) + 1e-300, $"loss rose at t = {s.Time}: {previous} → {s.Loss}");
            previous = s.Loss;
            double t = model.Mu(s.Coordinates.ToArray(), mu);
            double scale = 1e-12 * (model.Sigma[0] * model.Rho + Enumerable.Range(0, 3).Sum(i => model.Multiplicity[i] * Math.Abs(mu[i])));
            foreach (int group in new[] { 1, 2 })
            {
                var starts = run.Switches.Where(e => e.Group == group && e.Kind == SwitchingKind.SlidingStarts).Select(e => e.Time).ToArray();
                var ends = run.Switches.Where(e => e.Group == group && e.Kind != SwitchingKind.SlidingStarts).Select(e => e.Time).ToArray();
                bool inside = starts.Any(a => a < s.Time && !ends.Any(b => b > a && b <= s.Time));
                if (!inside) continue;
                double x2 = s.Coordinates[group] * s.Coordinates[group];
                double surface = -t / (2 * model.Alpha * model.Sigma[group]);
                Assert.True(Math.Abs(x2 - surface) <= scale / (model.Alpha * model.Sigma[group]), $"group {group} at t = {s.Time}: x² = {x2:E6}, surface {surface:E6}");
            }
        }
    }

    public static TheoryData<double, double, double, int, double> Quadratics() => new()
    {
        { 2, -3, 1, 0, 1 },                                     // (τ − 1)(τ − 2): first root 1
        { 1, 0, -1, 0, 1 },                                     // 1 − τ²
        { 1, 2, 1, 0, double.PositiveInfinity },                 // (1 + τ)²: no positive root
        { 1, -2, 2, 0, double.PositiveInfinity },                // no real root
        { -1e-300, 1, -1, 1, 1 },                                // on the surface, leaving: root at c1/|c2|
        { 0, -1, 5, 1, 0 },                                      // on the surface, entering: immediate
        { 0, 0, 3, 2, double.PositiveInfinity },                 // tangential departure, curving away
        { 0, 0, -3, 2, 0 },                                      // tangential, curving back: immediate
        { -0.5, 1, 0, 0, 0 },                                    // violated
        { 4, -2, 0, 0, 2 },                                      // linear
    };

    [Theory]
    [MemberData(nameof(Quadratics))]
    public void EventRootsAreTheFirstPositiveZeroOfTheGuardQuadratic(double c0, double c1, double c2, int boundary, double expected)
    {
        double tau = FilippovSignFlow.FirstExit(c0, c1, c2, boundary, 1e-14, 1e-14);
        if (double.IsPositiveInfinity(expected)) Assert.True(double.IsPositiveInfinity(tau), $"{tau}");
        else Assert.Equal(expected, tau, 1e-15);
    }

    [Fact]
    public void DiagonalPowerLawSpectralFlowReachesTheSolution()
    {
        var model = ManifoldModel.PowerLaw(60, 1.5, signalIndex: 3);
        var run = ReducedDynamics.Solve(new ManifoldProblem(model, model.Uniform(1e-3), ManifoldMethod.SpectralGradientFlow, 4));
        Assert.NotNull(run.Stages.Equilibrium);
        Assert.Equal(1.0, run.FinalCoordinates[3], 1e-10);
        Assert.True(run.FinalLoss < 1e-20, $"{run.FinalLoss}");
        Assert.InRange(run.Stages.Equilibrium!.Time, 0.99, 1.5);
    }

    /// <summary>GF (Rodas4 with the rank-one Jacobian, rtol 1e-11) against Dormand–Prince 8(5,3) at rtol 1e-12 on the same
    /// right-hand side: both global errors are ≲ 1e-9, so they agree to 1e-8 relative.</summary>
    [Property(MaxTest = 10)]
    public void GradientFlowAgreesWithAnIndependentIntegrator(SpikedCase c)
    {
        var model = c.Model;
        double horizon = 4 / (c.Parameters.LossScale * c.Parameters.Alpha * c.Parameters.Rho * c.Parameters.SigmaSignal * c.Parameters.SigmaSignal);
        var x0 = model.Uniform(1e-3 * model.SolutionSignal);
        var run = ReducedDynamics.Solve(new ManifoldProblem(model, x0, ManifoldMethod.GradientFlow, horizon),
            new ManifoldOptions { Output = OutputSchedule.At(horizon / 4, horizon / 2, horizon), RelativeTolerance = 1e-11, AbsoluteTolerance = 1e-16 });
        var reference = new DormandPrince853().Solve(new OdeProblem(ReducedDynamics.FlowField(model), 0, x0, horizon),
            new OdeOptions { RelativeTolerance = 1e-12, AbsoluteTolerance = 1e-17, OutputTimes = [horizon / 4, horizon / 2, horizon] });
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                double a = run.Trajectory.Samples[i].Coordinates[j], b = reference.OutputStates[i][j];
                Assert.True(Math.Abs(a - b) <= 1e-8 * model.SolutionSignal, $"t = {horizon * (i + 1) / 4}, group {j}: {a} vs {b}");
            }
    }
}
