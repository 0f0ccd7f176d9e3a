using System.Diagnostics;
using PhaseFlow.Foundation;

namespace PhaseFlow.Manifold;

/// <summary>Shared bookkeeping of every run: samples, stage times, extremes, progress throttling.</summary>
internal sealed class RunTracker
{
    private readonly double _alpha, _rho, _escapeLevel;
    private readonly double[] _levels;
    private readonly StageTime?[] _lossBelow;
    private readonly StageTime?[] _firstSwitch;
    private readonly double[] _initialSign;
    private readonly List<ManifoldSample> _samples = [];
    private readonly IReadOnlyList<string> _names;
    private readonly bool _hasDistance;
    private readonly ThrottledProgress _progress;
    private StageTime? _escape;
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
        _lossBelow = new StageTime?[_levels.Length];
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
        if (_escape is null && _alpha * a2 / _rho >= _escapeLevel) _escape = new StageTime(time, step);
        for (int l = 0; l < _levels.Length; l++)
            if (_lossBelow[l] is null && loss < _levels[l]) _lossBelow[l] = new StageTime(time, step);
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

    /// <summary>Sets a stage time located more precisely than the sampled observations (an event on dense output or a
    /// bisection): <paramref name="located"/> replaces a time found by <see cref="Observe"/>.</summary>
    public void SetEscape(StageTime time, bool located = false) => _escape = located || _escape is null ? time : _escape;

    public void SetLossBelow(int level, StageTime time, bool located = false) => _lossBelow[level] = located || _lossBelow[level] is null ? time : _lossBelow[level];

    public void SetSwitch(int group, StageTime time, bool located = false) => _firstSwitch[group] = located || _firstSwitch[group] is null ? time : _firstSwitch[group];

    public bool EscapeFound => _escape is not null;

    public double EscapeLevel => _escapeLevel;

    public bool LossFound(int level) => _lossBelow[level] is not null;

    public IReadOnlyList<double> Levels => _levels;

    public void Record(ManifoldSample sample) => _samples.Add(sample);

    public void Report(double t, double horizon, long steps, bool force = false) => _progress.Report(t, horizon, steps, force);

    public ManifoldTrajectory Trajectory() => new(_samples.ToArray(), _names, _hasDistance);

    public StageTimes Stages(int spikeGroup, StageTime? equilibrium) =>
        new(_escape, _escapeLevel, spikeGroup >= 0 ? _firstSwitch[spikeGroup] : null, _firstSwitch.ToArray(),
            _levels.Select((l, i) => new LossCrossing(l, _lossBelow[i])).ToArray(), equilibrium);

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
