using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Tests.Run;

namespace PhaseFlow.Duhamel.Tests;

/// <summary>The spectral-node reduction's result seen through the run contract.</summary>
public class RunContractTests
{
    [Fact]
    public void TheNodeReductionsResultIsTheSameRunThroughTheContract()
    {
        var spectrum = Spectrum.Spiked(40, 1, 2.5, 0.1);
        var problem = new PhaseRetrievalProblem(new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 5)), Initialization.Sphere(40, 6, 0.2), 300);
        var result = SpectralNodeReduction.Solve(problem, null, ReductionTests.Options(OutputSchedule.LogSpaced(30, 0.01, includeInitial: true)));
        RunContractAssert.Consistent(result, [new("escape", result.Markers.EscapeTime), new("criticalCrossing", result.Markers.CriticalCrossingTime)]);
        IRunResult run = result;
        Assert.Same(result.Statistics, run.Statistics);
        Assert.Equal(["t", "s", "u", "mse", "loss", "theta"], run.Trajectory.Columns);
        Assert.NotNull(run.Markers.Times[1].Time);
    }
}
