namespace PhaseFlow.Foundation;

/// <summary>A recorded trajectory seen as a table: the column names of its CSV, one row of numbers per sample, and the
/// CSV itself. <see cref="Trajectory"/> (direct runs and the reductions) and the manifold's trajectory implement it.</summary>
public interface ITabularTrajectory
{
    /// <summary>The column names, as in the CSV header; one of them is "t".</summary>
    IReadOnlyList<string> Columns { get; }

    /// <summary>Number of rows (recorded samples).</summary>
    int RowCount { get; }

    /// <summary>The values of row <paramref name="index"/>, one per column, as the CSV writes them.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in [0, <see cref="RowCount"/>).</exception>
    IReadOnlyList<double> Row(int index);

    /// <summary>Unit of the column "t": <see cref="TimeUnit.Steps"/> when it counts iterations, otherwise time.</summary>
    TimeUnit Unit { get; }

    /// <summary>Writes the table as CSV: a header line, then one line per row (invariant culture, round-trip precision).</summary>
    void WriteCsv(TextWriter writer);
}

/// <summary>A named marker of a run (escape, critical crossing, a stage of the manifold dynamics …) and when it was
/// reached.</summary>
/// <param name="Name">The marker's name, in camelCase (e.g. "escape", "criticalCrossing").</param>
/// <param name="Time">When it was first reached, in the unit of the trajectory's column t; null if not within the run.</param>
public sealed record MarkerTime(string Name, double? Time);

/// <summary>The markers of a run as a read-only list of named times, whatever the run's own marker type holds.</summary>
public interface IRunMarkers
{
    /// <summary>Every marker the run tracks, in a fixed order, reached or not.</summary>
    IReadOnlyList<MarkerTime> Times { get; }
}

/// <summary>What every run produces, whichever solver made it: the recorded trajectory, the markers, the work counters and
/// the wall time. Implemented by the direct simulators' results, the hierarchy's, the spectral-node reduction's and the
/// manifold runs'.</summary>
public interface IRunResult
{
    /// <summary>The recorded samples as a table.</summary>
    ITabularTrajectory Trajectory { get; }

    /// <summary>The markers reached during the run.</summary>
    IRunMarkers Markers { get; }

    /// <summary>Work counters (counters a solver does not keep are 0).</summary>
    SimulationStatistics Statistics { get; }

    /// <summary>Wall-clock duration of the run.</summary>
    TimeSpan WallTime { get; }
}

/// <summary>An <see cref="IRunResult"/> that also exposes its trajectory and markers with their own types.</summary>
/// <typeparam name="TTrajectory">The trajectory type (e.g. <see cref="Trajectory"/>).</typeparam>
/// <typeparam name="TMarkers">The marker type (e.g. <see cref="PhaseMarkers"/>).</typeparam>
public interface IRunResult<out TTrajectory, out TMarkers> : IRunResult
    where TTrajectory : ITabularTrajectory
    where TMarkers : IRunMarkers
{
    /// <summary>The recorded samples.</summary>
    new TTrajectory Trajectory { get; }

    /// <summary>The markers.</summary>
    new TMarkers Markers { get; }

    ITabularTrajectory IRunResult.Trajectory => Trajectory;

    IRunMarkers IRunResult.Markers => Markers;
}

/// <summary>A run stopped before its horizon or left its domain of validity: says where (time, and for discrete dynamics
/// the step) and, where there is one, carries the trajectory recorded before. The simulators', the reductions', the
/// Volterra solvers' and the manifold runs' failures derive from it.</summary>
public abstract class RunFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened and where.</param>
    /// <param name="time">Time at which the run stopped (NaN when no time applies).</param>
    /// <param name="step">Step at which it stopped (discrete dynamics), otherwise null.</param>
    /// <param name="partialTrajectory">The samples recorded before, or null when the run records none.</param>
    /// <param name="inner">The underlying failure, if any.</param>
    protected RunFailedException(string message, double time, long? step, ITabularTrajectory? partialTrajectory, Exception? inner = null)
        : base(message, inner)
    {
        Time = time;
        Step = step;
        PartialTrajectory = partialTrajectory;
    }

    /// <summary>Time at which the run stopped (η·k for discrete dynamics; NaN when no time applies).</summary>
    public double Time { get; }

    /// <summary>Step at which it stopped, for discrete dynamics; otherwise null.</summary>
    public long? Step { get; }

    /// <summary>The samples recorded before the run stopped, as a table; null when the failing solver records none.</summary>
    public ITabularTrajectory? PartialTrajectory { get; }
}
