namespace PhaseFlow.Ode;

/// <summary>An event function g(t, y): an event happens where g changes sign.</summary>
public delegate double OdeEventFunction(double t, ReadOnlySpan<double> y);

/// <summary>Which sign changes of g count.</summary>
public enum EventDirection
{
    /// <summary>Both directions.</summary>
    Both,

    /// <summary>g goes from negative to non-negative.</summary>
    Rising,

    /// <summary>g goes from positive to non-positive.</summary>
    Falling,
}

/// <summary>An event to locate on the dense output: its name, function, direction, and whether it ends the integration.</summary>
/// <param name="Name">Name reported with each occurrence.</param>
/// <param name="Function">g(t, y).</param>
/// <param name="Direction">Which crossings count.</param>
/// <param name="Terminal">Stop the integration at the first occurrence.</param>
public sealed record OdeEvent(string Name, OdeEventFunction Function, EventDirection Direction = EventDirection.Both, bool Terminal = false);

/// <summary>A located event: its name, time and state.</summary>
/// <param name="Name">The event's name.</param>
/// <param name="T">Time of the sign change, to the accuracy of the dense output.</param>
/// <param name="Y">State at <paramref name="T"/>.</param>
public sealed record OdeEventOccurrence(string Name, double T, IReadOnlyList<double> Y);
