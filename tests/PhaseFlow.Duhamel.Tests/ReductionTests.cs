using FsCheck.Xunit;
using PhaseFlow.Core;
using PhaseFlow.Foundation;
using Xunit.Abstractions;

namespace PhaseFlow.Duhamel.Tests;

/// <summary>The closed spectral-node reduction against direct gradient flow of the d-dimensional weights.</summary>
[Properties(Arbitrary = [typeof(Arbitraries)])]
public class ReductionTests(ITestOutputHelper output)
{
    private const double Rtol = 1e-10, Atol = 1e-14;

    internal static readonly OutputSchedule Schedule = OutputSchedule.LogSpaced(60, 1e-2, includeInitial: true);

    internal static SimulationResult Direct(PhaseRetrievalProblem problem, OutputSchedule? schedule = null) =>
        new PopulationGradientFlow(Rtol / 10, Atol / 10).Solve(problem, new SimulationOptions { Output = schedule ?? Schedule });

    internal static SpectralNodeOptions Options(OutputSchedule? schedule = null) =>
        new() { RelativeTolerance = Rtol, AbsoluteTolerance = Atol, Output = schedule ?? Schedule };

    internal static double Tolerance(PhaseRetrievalModel model, SimulationResult direct, SpectralNodeResult reduced) =>
        FlowAgreement.Tolerance(model, direct.Statistics.Steps, reduced.Statistics.Steps, Rtol);

    [Property(MaxTest = 12)]
    public void SpikedCovarianceOnThreeExactNodesFollowsDirectFlowThroughAllPhases(FlowCase c)
    {
        var direct = Direct(c.Problem);
        var reduced = SpectralNodeReduction.Solve(c.Problem, null, Options());
        Assert.Equal(3, reduced.Nodes.Count);
        Assert.True(reduced.Nodes.IsExact);
        Assert.Null(reduced.NodeErrorEstimate);
        Assert.NotNull(direct.Markers.CriticalCrossingTime);
        FlowAgreement.AssertThroughAllPhases(c.Model, direct, reduced.Trajectory, reduced.Markers, Tolerance(c.Model, direct, reduced));
    }

    /// <summary>A power law has d distinct eigenvalues: d exact nodes. Through escape, transition, slow convergence and
    /// into tail learning (t = 10^4 ≫ 1/λ_1), the reduction is gradient flow itself (measured at d = 300, a = 2, t = 10^5:
    /// 9e-10 in s, 4e-10 in u).</summary>
    [Property(MaxTest = 4)]
    public void PowerLawOnExactNodesFollowsDirectFlowIntoTheTail(PowerLawCase c)
    {
        var direct = Direct(c.Flow.Problem);
        var reduced = SpectralNodeReduction.Solve(c.Flow.Problem, null, Options());
        Assert.Equal(c.Flow.Model.Dimension, reduced.Nodes.Count);
        var (s, u, _) = direct.Trajectory.MaxDeviation(reduced.Trajectory);
        double tol = Tolerance(c.Flow.Model, direct, reduced);
        output.WriteLine($"{c}: max |Δs| = {s:E2}, max |Δu| = {u:E2}, tolerance {tol:E2}");
        Assert.True(s <= tol && u <= tol, $"max |Δs| = {s:E2}, max |Δu| = {u:E2}, tolerance {tol:E2}");
        // Θ rises while s < s*/3 and falls after: its maximum is at the critical crossing (to the step it was seen at).
        Assert.True(reduced.MaxThetaTime >= reduced.Markers.CriticalCrossingTime!.Value * 0.5);
    }

    /// <summary>Compression to M log-spaced nodes: the error against the exact nodes falls as M doubles (second order in the
    /// spacing), and the estimate from the coarser compression is of the right size (measured at d = 300–3000, a = 2:
    /// actual/estimate 0.4–1.2).</summary>
    [Property(MaxTest = 5)]
    public void CompressionErrorFallsWithTheNodeCountAndIsEstimated(PowerLawCase c)
    {
        var exact = SpectralNodeReduction.Solve(c.Flow.Problem, null, Options());
        double previous = double.PositiveInfinity;
        foreach (int m in new[] { 32, 64, 128 })
        {
            var compressed = SpectralNodeReduction.Solve(c.Flow.Problem, m, Options());
            var (s, u, _) = exact.Trajectory.MaxDeviation(compressed.Trajectory);
            double error = Math.Max(s, u), estimate = compressed.NodeErrorEstimate!.Max;
            output.WriteLine($"{c}: M = {m}: error {error:E2}, estimate {estimate:E2}");
            double floor = 1e-7;
            Assert.True(error <= 2.5 * estimate + floor, $"M = {m}: error {error:E2} above 2.5 × estimate {estimate:E2}");
            Assert.True(error < previous || error <= floor, $"M = {m}: error {error:E2} after {previous:E2}");
            previous = error;
        }
    }

    [Fact]
    public void NodesKeepTheFirstMomentsOfTheSpectralMeasureExactly()
    {
        var spectrum = Spectrum.PowerLaw(5000, 1.7);
        var problem = new PhaseRetrievalProblem(new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 3)), Initialization.Sphere(5000, 4), 1);
        var nodes = SpectralNodes.Compressed(problem, 40);
        Assert.False(nodes.IsExact);
        Assert.Equal(40, nodes.Count);
        var model = problem.Model;
        var w = problem.InitialWeights;
        Assert.Equal(model.SStar, nodes.SStar, 1e-13);
        Assert.Equal(model.S(w, 1), nodes.InitialS, 1e-13);
        Assert.Equal(model.U(w, 1), nodes.InitialU, 1e-13);
        Assert.Equal(model.TeacherNormSquared, nodes.TeacherNormSquared, 1e-9 * model.TeacherNormSquared);
        Assert.Equal(model.S(w, 0), nodes.A.ToArray().Sum(), 1e-12);
    }
}
