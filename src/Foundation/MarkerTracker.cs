using PhaseFlow.Ode;

namespace PhaseFlow.Foundation;

/// <summary>A named first-crossing marker: the first time a quantity reaches <see cref="Level"/> in <see cref="Direction"/>.
/// Created by <see cref="MarkerTracker.Add"/>.</summary>
public sealed class LevelMarker
{
    internal LevelMarker() { }

    /// <summary>The marker's name, also the name of its <see cref="OdeEvent"/>.</summary>
    public string Name { get; internal init; } = "";

    /// <summary>The level.</summary>
    public double Level { get; internal init; }

    /// <summary><see cref="EventDirection.Rising"/>: the quantity reaches the level from below (holds when quantity ≥ level);
    /// <see cref="EventDirection.Falling"/>: from above (holds when quantity ≤ level).</summary>
    public EventDirection Direction { get; internal init; }

    /// <summary>The level itself does not count: a sample holds when quantity &gt; level (rising) or &lt; level (falling).</summary>
    public bool Strict { get; internal init; }

    /// <summary>g(t, y) located on a dense output: its sign change in <see cref="Direction"/> is the crossing (usually the
    /// quantity minus the level, written as the caller's formula). Null for a marker only fed sample by sample.</summary>
    public OdeEventFunction? EventFunction { get; set; }

    /// <summary>The time the marker was reached, or null.</summary>
    public double? Time { get; private set; }

    /// <summary>The step at which it was reached (discrete runs that count steps apart from time), or null.</summary>
    public long? Step { get; private set; }

    /// <summary>True once a time is set.</summary>
    public bool Reached => Time is not null;

    /// <summary>Whether a sample <paramref name="value"/> of the quantity is at or past the level.</summary>
    public bool Holds(double value) => Direction switch
    {
        EventDirection.Rising => Strict ? value > Level : value >= Level,
        _ => Strict ? value < Level : value <= Level,
    };

    /// <summary>Feeds one sample of the quantity: the first sample at which it holds sets the marker (discrete runs: the
    /// first step at which it holds). Returns whether the marker is reached.</summary>
    public bool Observe(double t, double value, long? step = null)
    {
        if (Time is null && Holds(value)) (Time, Step) = (t, step);
        return Time is not null;
    }

    /// <summary>Sets a time found elsewhere (a bisection, an event): kept only if the marker has none, unless
    /// <paramref name="replace"/> (a located time replacing a sampled one).</summary>
    public void Set(double t, long? step = null, bool replace = false)
    {
        if (replace || Time is null) (Time, Step) = (t, step);
    }

    // Retiring events (see MarkerTracker.PendingEvents): the first value of g since the last accepted step, and whether g
    // has held at a step end.
    internal double FirstSinceStep = double.NaN;
    internal bool Retired;
}

/// <summary>First crossings of levels, for phase markers and stage times: each marker is either fed sample by sample
/// (<see cref="LevelMarker.Observe"/>: the first sample at which it holds, as discrete runs count it), or located on an integrator's
/// dense output, the tracker handing the integrator the <see cref="OdeEvent"/>s of the markers not yet reached
/// (<see cref="PendingEvents"/>) and taking the first occurrences back (<see cref="Locate"/>).</summary>
public sealed class MarkerTracker
{
    private readonly List<LevelMarker> _markers = [];

    /// <summary>The markers in the order they were added.</summary>
    public IReadOnlyList<LevelMarker> Markers => _markers;

    /// <summary>Adds a marker.</summary>
    /// <param name="name">Name, unique in this tracker.</param>
    /// <param name="level">The level.</param>
    /// <param name="direction"><see cref="EventDirection.Rising"/> or <see cref="EventDirection.Falling"/>.</param>
    /// <param name="strict">The level itself does not count when sampled.</param>
    /// <param name="eventFunction">g(t, y) to locate on a dense output (see <see cref="LevelMarker.EventFunction"/>).</param>
    public LevelMarker Add(string name, double level, EventDirection direction = EventDirection.Rising, bool strict = false,
        OdeEventFunction? eventFunction = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (direction == EventDirection.Both) throw new ArgumentException("a first crossing has a direction: Rising or Falling", nameof(direction));
        if (_markers.Any(m => m.Name == name)) throw new ArgumentException($"marker '{name}' already added", nameof(name));
        var marker = new LevelMarker { Name = name, Level = level, Direction = direction, Strict = strict, EventFunction = eventFunction };
        _markers.Add(marker);
        return marker;
    }

    /// <summary>The events of the markers not yet reached that have a <see cref="LevelMarker.EventFunction"/>, in the order
    /// added. With <paramref name="retireOnceHeld"/>, an event stops evaluating g (it returns a constant without a
    /// crossing) once the first value of g after an accepted step holds: that is g at the step end, which the driver
    /// evaluates first (after the first step, g at the start). The caller must then call <see cref="StepAccepted"/> from
    /// the integrator's step callback. Saves a pass over the state per step once the marker is passed for good.</summary>
    public IReadOnlyList<OdeEvent> PendingEvents(bool retireOnceHeld = false)
    {
        var events = new List<OdeEvent>();
        foreach (var marker in _markers)
        {
            if (marker.Reached || marker.EventFunction is not { } g) continue;
            if (!retireOnceHeld)
            {
                events.Add(new OdeEvent(marker.Name, g, marker.Direction));
                continue;
            }
            double retired = marker.Direction == EventDirection.Rising ? 1 : -1;
            marker.FirstSinceStep = double.NaN;
            marker.Retired = false;
            events.Add(new OdeEvent(marker.Name, (t, y) =>
            {
                if (marker.Retired) return retired;
                double value = g(t, y);
                if (double.IsNaN(marker.FirstSinceStep)) marker.FirstSinceStep = value;
                return value;
            }, marker.Direction));
        }
        return events;
    }

    /// <summary>To be called after each accepted step when events were handed out with retireOnceHeld.</summary>
    public void StepAccepted()
    {
        foreach (var marker in _markers)
        {
            double g = marker.FirstSinceStep;
            marker.Retired |= marker.Direction == EventDirection.Rising ? g >= 0 : g <= 0;
            marker.FirstSinceStep = double.NaN;
        }
    }

    /// <summary>Sets each marker from the first of <paramref name="occurrences"/> with its name (events of
    /// <see cref="PendingEvents"/>): kept only where the marker has no time, unless <paramref name="replace"/>.</summary>
    public void Locate(IEnumerable<OdeEventOccurrence> occurrences, bool replace = false)
    {
        ArgumentNullException.ThrowIfNull(occurrences);
        var seen = new HashSet<string>();
        foreach (var occurrence in occurrences)
        {
            if (!seen.Add(occurrence.Name)) continue;
            var marker = _markers.FirstOrDefault(m => m.Name == occurrence.Name);
            marker?.Set(occurrence.T, replace: replace);
        }
    }
}
