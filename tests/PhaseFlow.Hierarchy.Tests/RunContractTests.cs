using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Tests.Run;

namespace PhaseFlow.Hierarchy.Tests;

/// <summary>The hierarchy's result and its invalid truncations seen through the run contract.</summary>
public class RunContractTests
{
    private static HierarchyResult Solve(PhaseRetrievalProblem direct, int order, HierarchyClosure closure) =>
        HierarchySolver.Solve(HierarchyProblem.FromDirect(HierarchySystem.Create(order, closure, HierarchyConstants.FromModel(direct.Model, maxOrder: order + 1)), direct),
            new HierarchyOptions { Output = OutputSchedule.LogSpaced(30, 0.01, includeInitial: true) });

    [Fact]
    public void TheExactHierarchysResultIsTheSameRunThroughTheContract()
    {
        var spectrum = Spectrum.Spiked(40, 1, 2.5, 0.1);
        var direct = new PhaseRetrievalProblem(new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 5)), Initialization.Sphere(40, 6, 0.2), 300);
        var result = Solve(direct, 2, HierarchyClosure.Exact);
        Assert.True(result.IsValid);
        RunContractAssert.Consistent(result, [new("escape", result.Markers.EscapeTime), new("criticalCrossing", result.Markers.CriticalCrossingTime)]);
        IRunResult run = result;
        Assert.Same(result.Statistics, run.Statistics);
        Assert.Equal(TimeUnit.Time, run.Trajectory.Unit);
        Assert.NotNull(run.Markers.Times[1].Time);
    }

    /// <summary>The geometric closure at K = 1 leaves the possible moments on issue 13's problem (see ValidityTests): the
    /// exception is a run failure at the violation's time, carrying the valid samples.</summary>
    [Fact]
    public void AnInvalidTruncationIsARunFailureAtTheViolation()
    {
        var spectrum = Spectrum.PowerLaw(100, 2);
        var direct = new PhaseRetrievalProblem(new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 1)), Initialization.Sphere(100, 2), 100);
        var result = Solve(direct, 1, HierarchyClosure.Geometric());
        var violation = Assert.IsType<ReductionViolation>(result.InvalidFrom);
        var e = Assert.Throws<InvalidReductionException>(() => result.EnsureValid());
        var failure = RunContractAssert.Failure(e, violation.Time, null, result.Trajectory);
        Assert.Same(e.Valid, failure.PartialTrajectory);
        Assert.True(failure.PartialTrajectory!.Row(failure.PartialTrajectory.RowCount - 1)[0] <= failure.Time);
    }
}
