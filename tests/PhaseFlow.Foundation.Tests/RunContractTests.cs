using System.Globalization;

namespace PhaseFlow.Foundation.Tests;

/// <summary>Foundation's side of the run contract: a <see cref="Trajectory"/> as a table, <see cref="PhaseMarkers"/> as
/// named times, and what <see cref="RunFailedException"/> keeps.</summary>
public class RunContractTests
{
    private static readonly Trajectory Steps = new(
    [
        new TrajectorySample(0, 0.25, -1e-3, 1.5, 2.75, [0.5, 7]),
        new TrajectorySample(40, 1.0 / 3, 0.125, double.NaN, 1e-300, [-0.0, 1e300]),
    ], ["s2", "u2"], TimeUnit.Steps, 0.05);

    [Fact]
    public void ATrajectorysRowsAreItsSamplesInColumnOrder()
    {
        ITabularTrajectory table = Steps;
        Assert.Equal(["t", "s", "u", "mse", "loss", "s2", "u2"], table.Columns);
        Assert.Equal(2, table.RowCount);
        Assert.Equal(TimeUnit.Steps, table.Unit);
        Assert.Equal([0, 0.25, -1e-3, 1.5, 2.75, 0.5, 7], table.Row(0));
        Assert.Equal([40, 1.0 / 3, 0.125, double.NaN, 1e-300, -0.0, 1e300], table.Row(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Row(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Row(-1));
    }

    [Fact]
    public void ATrajectorysCsvThroughTheContractIsItsCsv()
    {
        var typed = new StringWriter();
        Steps.WriteCsv(typed);
        var contract = new StringWriter();
        ((ITabularTrajectory)Steps).WriteCsv(contract);
        Assert.Equal("t,s,u,mse,loss,s2,u2\n0,0.25,-0.001,1.5,2.75,0.5,7\n40,0.3333333333333333,0.125,NaN,1E-300,-0,1E+300\n", contract.ToString());
        Assert.Equal(typed.ToString(), contract.ToString());
        // Every CSV field parses back to the row's value.
        var lines = contract.ToString().Split('\n');
        for (int i = 0; i < Steps.RowCount; i++)
            Assert.Equal(lines[i + 1].Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)), Steps.Row(i));
    }

    [Fact]
    public void PhaseMarkersAreTheEscapeAndTheCriticalCrossing()
    {
        IRunMarkers reached = new PhaseMarkers(12.5, 0.5, 30, 0.9);
        Assert.Equal([new MarkerTime("escape", 12.5), new MarkerTime("criticalCrossing", 30)], reached.Times);
        IRunMarkers early = new PhaseMarkers(4, 0.5, null, 0.1);
        Assert.Equal([new MarkerTime("escape", 4), new MarkerTime("criticalCrossing", null)], early.Times);
    }

    private sealed class StoppedRun(double time, long? step, ITabularTrajectory? partial)
        : RunFailedException("stopped", time, step, partial, new InvalidOperationException("inner"));

    [Fact]
    public void ARunFailureKeepsWhereItStoppedAndWhatWasRecorded()
    {
        var e = new StoppedRun(2.0, 40, Steps);
        Assert.Equal(2.0, e.Time);
        Assert.Equal(40, e.Step);
        Assert.Same(Steps, e.PartialTrajectory);
        Assert.Equal("stopped", e.Message);
        Assert.IsType<InvalidOperationException>(e.InnerException);
        var bare = new StoppedRun(double.NaN, null, null);
        Assert.True(double.IsNaN(bare.Time));
        Assert.Null(bare.Step);
        Assert.Null(bare.PartialTrajectory);
    }
}
