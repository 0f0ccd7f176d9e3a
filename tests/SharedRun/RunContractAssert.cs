using System.Globalization;
using PhaseFlow.Foundation;

namespace PhaseFlow.Tests.Run;

/// <summary>Checks that a result's run-contract views (<see cref="IRunResult"/>) say what its typed members say.</summary>
public static class RunContractAssert
{
    /// <summary>The contract's trajectory and markers are the typed ones, its statistics and wall time the result's, and the
    /// table's rows are what its CSV writes.</summary>
    public static void Consistent<TTrajectory, TMarkers>(IRunResult<TTrajectory, TMarkers> result, IReadOnlyList<MarkerTime> expectedMarkers)
        where TTrajectory : class, ITabularTrajectory
        where TMarkers : class, IRunMarkers
    {
        IRunResult run = result;
        Assert.Same(result.Trajectory, run.Trajectory);
        Assert.Same(result.Markers, run.Markers);
        Assert.Equal(expectedMarkers, run.Markers.Times);
        Assert.Equal(result.WallTime, run.WallTime);
        Assert.True(run.WallTime > TimeSpan.Zero);
        Assert.True(run.Statistics.Steps > 0 && run.Statistics.FunctionEvaluations > 0, run.Statistics.ToString());
        Assert.Contains("t", run.Trajectory.Columns);
        Assert.True(run.Trajectory.RowCount > 1);
        RowsAreTheCsv(run.Trajectory);
    }

    /// <summary>Parses the table's CSV: the header is <see cref="ITabularTrajectory.Columns"/> and line i + 1 is
    /// <see cref="ITabularTrajectory.Row"/>(i), bit for bit; a row past the end is refused.</summary>
    public static void RowsAreTheCsv(ITabularTrajectory table)
    {
        var csv = new StringWriter();
        table.WriteCsv(csv);
        var lines = csv.ToString().Split('\n');
        Assert.Equal(table.RowCount + 2, lines.Length); // header, rows, and the empty string after the last newline
        Assert.Equal(string.Join(',', table.Columns), lines[0]);
        Assert.Equal("", lines[^1]);
        for (int i = 0; i < table.RowCount; i++)
        {
            var row = table.Row(i);
            Assert.Equal(table.Columns.Count, row.Count);
            Assert.Equal(lines[i + 1].Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)), row);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Row(table.RowCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Row(-1));
    }

    /// <summary>The failure, seen as a <see cref="RunFailedException"/>, says where and carries <paramref name="partial"/>.</summary>
    public static RunFailedException Failure(Exception e, double time, long? step, ITabularTrajectory? partial)
    {
        var failure = Assert.IsAssignableFrom<RunFailedException>(e);
        Assert.Equal(time, failure.Time);
        Assert.Equal(step, failure.Step);
        Assert.Same(partial, failure.PartialTrajectory);
        return failure;
    }
}
