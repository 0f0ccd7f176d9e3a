using System.Diagnostics;
using PhaseFlow.Foundation;
using PhaseFlow.Ode;

namespace PhaseFlow.Manifold;

/// <summary>Shared bookkeeping of every run: samples, stage times, extremes, progress throttling.</summary>
internal sealed class RunTracker
{
    private readonly double _alpha, _rho, _escapeLevel;
    private readonly double[] _levels;
    // First crossings: the loss below each level (strictly) and the escape α a²/ρ ≥ level, by these names also the events
    // a flow locates on its dense output.
    private readonly MarkerTracker _markers = new();
    private readonly LevelMarker[] _lossBelow;
    private readonly LevelMarker _escape;
    private readonly StageTime?[] _firstSwitch;
    private readonly double[] _initialSign;
    private readonly List<ManifoldSample> _samples = [];
    private readonly IReadOnlyList<string> _names;
    private readonly bool _hasDistance;
    private readonly ThrottledProgress _progress;
    private double _maxRatio = double.NegativeInfinity, _minSvs = double.PositiveInfinity, _maxDistance;
    private bool _distanceUndefined;
    private StageTime _maxRatioAt = new(0, null);

    public RunTracker(int groups, IReadOnlyList<string> names, double alpha, double rho, ManifoldOptions options, bool hasDistance,
        IProgress<SimulationProgress>? progress)
    {
        _alpha = alpha;
        _rho = rho;
        _escapeLevel = options.EscapeLevel;
        _levels = options.LossLevels.ToArray();
        _lossBelow = _levels.Select((level, l) => _markers.Add($"loss:{l}", level, EventDirection.Falling, strict: true)).ToArray();
        _escape = _markers.Add("escape", _escapeLevel);
        _firstSwitch = new StageTime?[groups];
        _initialSign = new double[groups];
        Array.Fill(_initialSign, double.NaN);
        _names = names;
        _hasDistance = hasDistance;
        _progress = new ThrottledProgress(progress);
    }

    public long Started { get; } = Stopwatch.GetTimestamp();

    public int SampleCount => _samples.Count;

    /// <summary>Watches one state: a² and b² (signal and spike, squared), the loss, the signs of g_i x_i per group (empty
    /// to skip switch detection) and the distance from the manifold.</summary>
    public void Observe(double time, long? step, double a2, double b2, double loss, ReadOnlySpan<double> switchSigns, double distance)
    {
        _escape.Observe(time, _alpha * a2 / _rho, step);
        foreach (var level in _lossBelow) level.Observe(time, loss, step);
        for (int i = 0; i < switchSigns.Length; i++)
        {
            double s = switchSigns[i];
            if (double.IsNaN(_initialSign[i])) { if (s != 0) _initialSign[i] = s; }
            else if (_firstSwitch[i] is null && s != _initialSign[i]) _firstSwitch[i] = new StageTime(time, step);
        }
        double ratio = Math.Sqrt(b2 / a2);
        if (ratio > _maxRatio) { _maxRatio = ratio; _maxRatioAt = new StageTime(time, step); }
        double svs = a2 / (a2 + b2);
        if (svs < _minSvs) _minSvs = svs;
        if (double.IsNaN(distance)) _distanceUndefined = true;
        else if (distance > _maxDistance) _maxDistance = distance;
    }

    /// <summary>Sets a stage time found by a bisection, kept only if none was found before.</summary>
    public void SetEscape(StageTime time) => _escape.Set(time.Time, time.Step);

    public void SetLossBelow(int level, StageTime time) => _lossBelow[level].Set(time.Time, time.Step);

    /// <summary>Sets a switch time located more precisely than the sampled observations (an event on dense output):
    /// <paramref name="located"/> replaces a time found by <see cref="Observe"/>.</summary>
    public void SetSwitch(int group, StageTime time, bool located = false) => _firstSwitch[group] = located || _firstSwitch[group] is null ? time : _firstSwitch[group];

    /// <summary>Events for the escape and loss levels located on a flow's dense output, g given per marker: loss levels
    /// first, then the escape. Their first occurrences are taken back by <see cref="Locate"/>.</summary>
    public IReadOnlyList<OdeEvent> LevelEvents(Func<int, OdeEventFunction> lossBelow, OdeEventFunction escape)
    {
        for (int l = 0; l < _lossBelow.Length; l++) _lossBelow[l].EventFunction = lossBelow(l);
        _escape.EventFunction = escape;
        return _markers.PendingEvents();
    }

    /// <summary>The first occurrence of each level event replaces the time the sampled observations found.</summary>
    public void Locate(IEnumerable<OdeEventOccurrence> occurrences) => _markers.Locate(occurrences, replace: true);

    public bool EscapeFound => _escape.Reached;

    public double EscapeLevel => _escapeLevel;

    public bool LossFound(int level) => _lossBelow[level].Reached;

    public IReadOnlyList<double> Levels => _levels;

    public void Record(ManifoldSample sample) => _samples.Add(sample);

    public void Report(double t, double horizon, long steps, bool force = false) => _progress.Report(t, horizon, steps, force);

    public ManifoldTrajectory Trajectory() => new(_samples.ToArray(), _names, _hasDistance);

    public StageTimes Stages(int spikeGroup, StageTime? equilibrium) =>
        new(Stage(_escape), _escapeLevel, spikeGroup >= 0 ? _firstSwitch[spikeGroup] : null, _firstSwitch.ToArray(),
            _levels.Select((l, i) => new LossCrossing(l, Stage(_lossBelow[i]))).ToArray(), equilibrium);

    private static StageTime? Stage(LevelMarker marker) => marker.Time is { } t ? new StageTime(t, marker.Step) : null;

    public RunExtremes Extremes() => new(double.IsNegativeInfinity(_maxRatio) ? double.NaN : _maxRatio, _maxRatioAt,
        double.IsPositiveInfinity(_minSvs) ? double.NaN : _minSvs, !_hasDistance ? 0 : _distanceUndefined ? double.NaN : _maxDistance);

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(Started);

    public ManifoldDivergedException Diverged(string method, double time, long? step, string why)
    {
        string where = step is { } k
            ? $"at step {k.ToString(System.Globalization.CultureInfo.InvariantCulture)} (t = {time.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)})"
            : $"at t = {time.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)}";
        return new ManifoldDivergedException($"{method} diverged {where}: {why}; reduce the step size.", time, step, Trajectory());
    }
}
