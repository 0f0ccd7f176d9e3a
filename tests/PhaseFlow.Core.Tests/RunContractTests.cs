using System.Globalization;
using PhaseFlow.Foundation;
using PhaseFlow.Tests.Run;

namespace PhaseFlow.Core.Tests;

/// <summary>The direct simulators' results and failures seen through the run contract.</summary>
public class RunContractTests
{
    private static readonly Spectrum Spiked = Spectrum.Spiked(40, 1, 2.5, 0.1);
    private static readonly PhaseRetrievalModel Model = new(Spiked, Teacher.Gaussian(Spiked, 5));

    private static PhaseRetrievalProblem Problem(double horizon) => new(Model, Initialization.Sphere(40, 6, 0.2), horizon);

    public static TheoryData<string> Simulators => ["gf", "gd", "sgd"];

    [Theory]
    [MemberData(nameof(Simulators))]
    public void EachSimulatorsResultIsTheSameRunThroughTheContract(string kind)
    {
        (IDirectSimulator simulator, double horizon) = kind switch
        {
            "gf" => ((IDirectSimulator)new PopulationGradientFlow(), 300.0),
            "gd" => (new PopulationGradientDescent(0.05), 6000.0),
            _ => (new OnlineSgd(0.002, 0, 1, 3), 20_000.0),
        };
        var result = simulator.Solve(Problem(horizon), new SimulationOptions
        {
            Output = OutputSchedule.LogSpaced(20, 1, includeInitial: true),
            ExtraColumns = Model.MomentColumns(2),
        });
        RunContractAssert.Consistent(result, [new("escape", result.Markers.EscapeTime), new("criticalCrossing", result.Markers.CriticalCrossingTime)]);
        IRunResult run = result;
        Assert.Same(result.Statistics, run.Statistics);
        Assert.Equal(simulator.Unit, run.Trajectory.Unit);
        Assert.Equal(["t", "s", "u", "mse", "loss", "s2", "u2"], run.Trajectory.Columns);
        if (kind != "sgd") Assert.NotNull(run.Markers.Times[0].Time); // the deterministic runs escape within the horizon
    }

    [Fact]
    public void DivergingGradientDescentIsARunFailureAtItsStep()
    {
        var e = Assert.Throws<SimulationFailedException>(() => new PopulationGradientDescent(50).Solve(Problem(10_000),
            new SimulationOptions { Output = OutputSchedule.At(0, 5000) }));
        var failure = RunContractAssert.Failure(e, e.Step!.Value * 50.0, e.Step, e.Partial);
        Assert.Equal(1, failure.PartialTrajectory!.RowCount); // the t = 0 sample
    }

    [Fact]
    public void AFailedFlowIsARunFailureAtItsTimeWithoutAStep()
    {
        var problem = new PhaseRetrievalProblem(new PhaseRetrievalModel(Spectrum.PowerLaw(20, 2), Teacher.Gaussian(Spectrum.PowerLaw(20, 2), 1)),
            Initialization.Sphere(20, 2), 10);
        var e = Assert.Throws<SimulationFailedException>(() => new PopulationGradientFlow(0.9999).Solve(problem, new SimulationOptions()));
        var failure = Assert.IsAssignableFrom<RunFailedException>(e);
        Assert.Null(failure.Step);
        Assert.Same(e.Partial, failure.PartialTrajectory);
        Assert.InRange(failure.Time, 0, 10);
        // The loss rose at a recorded sample: the failure is at that sample's time.
        var partial = failure.PartialTrajectory!;
        Assert.Contains(Enumerable.Range(0, partial.RowCount), i => partial.Row(i)[0] == failure.Time);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"at t = {failure.Time:G6}, "), failure.Message);
    }
}
