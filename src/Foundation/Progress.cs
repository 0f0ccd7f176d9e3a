using System.Diagnostics;

namespace PhaseFlow.Foundation;

/// <summary>Progress of a running simulation.</summary>
/// <param name="T">Time or step reached.</param>
/// <param name="Horizon">Final time or step.</param>
/// <param name="Steps">Steps taken.</param>
public readonly record struct SimulationProgress(double T, double Horizon, long Steps)
{
    /// <summary>Fraction done, in [0, 1].</summary>
    public double Fraction => Math.Clamp(T / Horizon, 0, 1);
}

/// <summary>An <see cref="IProgress{T}"/> that calls back synchronously on the reporting thread (unlike
/// <see cref="Progress{T}"/>, which posts to a synchronisation context).</summary>
/// <param name="report">Called with each report.</param>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc />
    public void Report(T value) => report(value);
}

/// <summary>Passes progress on at most ten times a second (always when forced), so that a solver's loop can report at
/// every step without flooding a progress bar.</summary>
/// <param name="progress">The receiver; null makes every report a no-op.</param>
/// <remarks>It has state (the time of the last report): use one per run, as the simulators do.</remarks>
public sealed class ThrottledProgress(IProgress<SimulationProgress>? progress)
{
    private static readonly long Interval = Stopwatch.Frequency / 10;
    private long _lastReport = Stopwatch.GetTimestamp();

    /// <summary>Reports (t, horizon, steps) if a tenth of a second has passed since the last report, or if forced.</summary>
    public void Report(double t, double horizon, long steps, bool force = false)
    {
        if (progress is null) return;
        long now = Stopwatch.GetTimestamp();
        if (!force && now - _lastReport < Interval) return;
        _lastReport = now;
        progress.Report(new SimulationProgress(t, horizon, steps));
    }
}
