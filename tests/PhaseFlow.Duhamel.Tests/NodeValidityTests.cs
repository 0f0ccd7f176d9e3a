using FsCheck.Xunit;
using PhaseFlow.Core;
using PhaseFlow.Foundation;

namespace PhaseFlow.Duhamel.Tests;

/// <summary>The spectral-node validity check, the weights' Cauchy–Schwarz condition and the fixed points w(0) = 0, u(0) = 0.</summary>
[Properties(Arbitrary = [typeof(Arbitraries)])]
public class NodeValidityTests
{
    private static readonly SpectralNodeOptions Options = new() { Output = OutputSchedule.LogSpaced(40, 0.01, includeInitial: true) };

    /// <summary>Exact and compressed nodes of random power laws, through all phases to t = 10^4: never flagged.</summary>
    [Property(MaxTest = 6)]
    public void PowerLawNodesAreNeverFlagged(PowerLawCase c)
    {
        var exact = SpectralNodeReduction.Solve(c.Flow.Problem, null, Options);
        Assert.True(exact.IsValid, exact.InvalidFrom?.Message);
        Assert.Equal(c.Flow.Horizon, exact.EndTime);
        var compressed = SpectralNodeReduction.Solve(c.Flow.Problem, 32, Options);
        Assert.True(compressed.IsValid, compressed.InvalidFrom?.Message);
        Assert.NotNull(compressed.NodeErrorEstimate);
        Assert.Same(compressed, compressed.EnsureValid());
    }

    /// <summary>Spiked covariances (few nodes, some with one mode: Cauchy–Schwarz holds with equality in such a node for
    /// every t) and a start on the teacher's line (equality in every node): never flagged.</summary>
    [Property(MaxTest = 10)]
    public void EqualityCasesAreNotFlaggedByRounding(FlowCase c)
    {
        Assert.True(SpectralNodeReduction.Solve(c.Problem, null, Options).IsValid);
        var line = c.Model.Teacher.ToArray().Select(x => 1e-3 * x).ToArray();
        var r = SpectralNodeReduction.Solve(new PhaseRetrievalProblem(c.Model, line, c.Horizon), null, Options);
        Assert.True(r.IsValid, r.InvalidFrom?.Message);
        // d = ∞ with expected weights and no isotropic part is rank one in every node.
        var limit = SpectralNodeReduction.Solve(SpectralNodes.PowerLaw(2, double.PositiveInfinity, 64, 1e6, 1e-4, 0), 1e6, Options);
        Assert.True(limit.IsValid, limit.InvalidFrom?.Message);
    }

    /// <summary>The check changes nothing on a valid run: the same samples, bit for bit.</summary>
    [Fact]
    public void TheCheckDoesNotChangeValidRuns()
    {
        var c = FlowCases.Flow(Spectrum.PowerLaw(400, 2), 3, 1, 1e4);
        var on = SpectralNodeReduction.Solve(c.Problem, 32, Options);
        var off = SpectralNodeReduction.Solve(c.Problem, 32, Options with { CheckValidity = false });
        Assert.Equal(off.Statistics.Steps, on.Statistics.Steps);
        Assert.Equal(off.NodeErrorEstimate, on.NodeErrorEstimate);
        for (int i = 0; i < on.Trajectory.Samples.Count; i++)
        {
            var (a, b) = (off.Trajectory.Samples[i], on.Trajectory.Samples[i]);
            Assert.Equal((a.T, a.S, a.U, a.Mse, a.Loss, a.Extra[0]), (b.T, b.S, b.U, b.Mse, b.Loss, b.Extra[0]));
        }
    }

    /// <summary>No real weights have |B_j| &gt; √(A_jC_j): such nodes are refused, naming the weight.</summary>
    [Fact]
    public void WeightsBreakingCauchySchwarzAreRefused()
    {
        var e = Assert.Throws<InvalidParameterException>(() => SpectralNodes.FromNodes([0.5, 0.1], [1, 1], [0.5, 2], [1, 1], 2));
        Assert.Equal("b[1]", e.Parameter);
        Assert.Contains("Cauchy–Schwarz", e.Message);
        Assert.Equal("b[0]", Assert.Throws<InvalidParameterException>(() => SpectralNodes.FromModes([0.5], [1], [-1.5], [1])).Parameter);
        // Equality (one mode per node) is allowed, with room for the rounding of sums.
        _ = SpectralNodes.FromNodes([0.5], [0.1 * 0.1], [0.1 * 0.3], [0.3 * 0.3], 1);
    }

    /// <summary>The node inequalities: a state with a NaN is the worst violation; a rank-one node at equality holds; the
    /// description names the node.</summary>
    [Fact]
    public void TheNodeInequalitiesAreCheckedPerNodeAndInAggregate()
    {
        var nodes = SpectralNodes.FromNodes([0.5, 0.1], [0.04, 1], [0.2, 0], [1, 1], 2);
        var system = new NodeSystem(nodes);
        Assert.True(system.Margin([0.3, 0.7, -0.2]) < 0);
        Assert.True(system.Margin([0, 0, 0]) < 0);
        double[] bad = [0.1, double.NaN, 0];
        Assert.Equal(double.PositiveInfinity, system.Margin(bad));
        var v = system.Describe(2.5, bad);
        Assert.Equal(2.5, v.Time);
        Assert.Contains("invalid from t = 2.5", v.Message);
    }

    /// <summary>w(0) = 0 is a fixed point: u = s = 0 and MSE = ‖w*‖²/d for all t; the growing mode has no weight, so its
    /// escape time is +∞ (the CLI writes null; it crashed on the infinity before). Θ = s*·t grows without bound, and
    /// e^{4λΘ} overflowed at t ≈ 290 into 0·∞ (the run failed with a collapsed step); t = 10^6 now.</summary>
    [Fact]
    public void AZeroStartStaysAtZero()
    {
        var spectrum = Spectrum.PowerLaw(100, 2);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 1));
        var problem = new PhaseRetrievalProblem(model, new double[100], 1e6);
        var r = SpectralNodeReduction.Solve(problem, null, Options);
        Assert.True(r.IsValid);
        Assert.All(r.Trajectory.Samples, p =>
        {
            Assert.Equal(0, p.S);
            Assert.Equal(0, p.U);
            Assert.Equal(model.Plateau, p.Mse, 1e-15);
        });
        Assert.Null(r.Markers.EscapeTime);
        Assert.Equal(double.PositiveInfinity, EscapeRate.Solve(r.Nodes).TimeToReach(0.5));
    }

    /// <summary>u(0) = 0 with w(0) ⟂ Qw* in every node (teacher on e_1, start on e_2): u stays 0 and s relaxes to s*/3 (the
    /// saddle), as direct gradient flow does.</summary>
    [Fact]
    public void AnOrthogonalStartFollowsDirectFlowToTheSaddle()
    {
        var spectrum = Spectrum.PowerLaw(50, 2);
        var teacher = new double[50];
        teacher[0] = 1;
        var w0 = new double[50];
        w0[1] = 1;
        var model = new PhaseRetrievalModel(spectrum, teacher);
        var problem = new PhaseRetrievalProblem(model, w0, 200);
        var r = SpectralNodeReduction.Solve(problem, null, Options);
        var direct = new PopulationGradientFlow(1e-11, 1e-15).Solve(problem, new SimulationOptions { Output = Options.Output });
        Assert.True(r.IsValid);
        Assert.All(r.Trajectory.Samples, p => Assert.Equal(0, p.U));
        var (ds, du, dm) = direct.Trajectory.MaxDeviation(r.Trajectory);
        Assert.True(Math.Max(ds, Math.Max(du, dm)) < 1e-8, $"{ds} {du} {dm}");
        Assert.Equal(model.SStar / 3, r.Trajectory.Samples[^1].S, 1e-8);
    }
}
