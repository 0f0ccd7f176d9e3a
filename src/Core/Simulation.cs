using System.Diagnostics;
using System.Globalization;
using PhaseFlow.Foundation;

namespace PhaseFlow.Core;

/// <summary>One direct-simulation problem: the model, the initial weights and the horizon
/// (time for flows, number of steps for discrete dynamics).</summary>
public sealed class PhaseRetrievalProblem
{
    private readonly double[] _initial;

    /// <summary>Creates the problem; <paramref name="initialWeights"/> is copied.</summary>
    public PhaseRetrievalProblem(PhaseRetrievalModel model, ReadOnlySpan<double> initialWeights, double horizon)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _initial = Initialization.FromValues(model.Dimension, initialWeights);
        var st = model.Statistics(_initial);
        double loss = model.Loss(st), mse = model.Mse(_initial);
        if (!(double.IsFinite(st.S) && double.IsFinite(st.U) && double.IsFinite(loss) && double.IsFinite(mse)))
            throw new InvalidParameterException("init", "a vector with finite s = wᵀQw, u, loss 3s² + … and MSE (s below about 1e154)",
                $"s = {InvalidParameterException.Format(st.S)}, loss = {InvalidParameterException.Format(loss)}, MSE = {InvalidParameterException.Format(mse)}");
        // A non-zero start whose s or ‖w‖² underflows reports s = 0 beside u ≠ 0 (|u| > √(s s*)) and loses its node
        // weights in the spectral reduction (a false Cauchy–Schwarz violation): refused, as eigenvalues below a normal double are.
        double norm2 = 0;
        foreach (double x in _initial) norm2 += x * x;
        if (norm2 != 0 || st.S != 0 || st.U != 0)
        {
            if (!(st.S >= MinNormal && norm2 >= MinNormal))
                throw new InvalidParameterException("init", $"w = 0 or a vector with s = wᵀQw and ‖w‖² at least {MinNormal:R} (smaller starts underflow)",
                    $"w ≠ 0 with s = {InvalidParameterException.Format(st.S)}, ‖w‖² = {InvalidParameterException.Format(norm2)}");
        }
        Guard.Positive(horizon, "horizon");
        Horizon = horizon;
    }

    private const double MinNormal = Spectrum.MinEigenvalue; // the smallest normal double, the floor eigenvalues have too

    /// <summary>The model.</summary>
    public PhaseRetrievalModel Model { get; }

    /// <summary>w(0).</summary>
    public ReadOnlySpan<double> InitialWeights => _initial;

    /// <summary>Final time (flows) or number of steps (discrete dynamics).</summary>
    public double Horizon { get; }
}

/// <summary>What a simulator records and how it reports. Immutable (lists are copied when set).</summary>
public sealed record SimulationOptions
{
    /// <summary>When samples are recorded. Default: 60 log-spaced times from 0.01 (flows) — discrete dynamics round to steps.</summary>
    public OutputSchedule Output { get; init; } = OutputSchedule.LogSpaced(60, 0.01);

    /// <summary>Extra columns recorded with every sample.</summary>
    public IReadOnlyList<TrajectoryColumn> ExtraColumns { get; init => field = value?.ToArray().AsReadOnly()!; } = [];

    /// <summary>Optional observer called with every sample and the weights it came from.</summary>
    public ITrajectoryObserver? Observer { get; init; }

    /// <summary>The escape marker is the first time |u| ≥ EscapeThreshold · s*. Default 0.5; in (0, 1).</summary>
    public double EscapeThreshold { get; init; } = 0.5;
}

/// <summary>The outcome of a direct simulation; as an <see cref="IRunResult"/>, its trajectory is <see cref="Trajectory"/> and
/// its markers <see cref="Markers"/>.</summary>
public sealed class SimulationResult : IRunResult<Trajectory, PhaseMarkers>
{
    /// <summary>Creates a result.</summary>
    public SimulationResult(Trajectory trajectory, double[] finalWeights, PhaseMarkers markers, SimulationStatistics statistics, TimeSpan wallTime)
    {
        Trajectory = trajectory;
        FinalWeights = finalWeights;
        Markers = markers;
        Statistics = statistics;
        WallTime = wallTime;
    }

    /// <summary>Recorded samples.</summary>
    public Trajectory Trajectory { get; }

    /// <summary>w at the horizon.</summary>
    public IReadOnlyList<double> FinalWeights { get; }

    /// <summary>Phase markers.</summary>
    public PhaseMarkers Markers { get; }

    /// <summary>Work counters.</summary>
    public SimulationStatistics Statistics { get; }

    /// <summary>Wall-clock duration of the run.</summary>
    public TimeSpan WallTime { get; }

    /// <summary>Facts about the run that are correct but probably unintended (e.g. a start at the fixed point w = 0).</summary>
    public IReadOnlyList<SimulationNote> Notes { get; init; } = [];
}

/// <summary>Why a simulation stopped early.</summary>
public enum SimulationFailure
{
    /// <summary>Values overflowed or became NaN.</summary>
    Diverged,

    /// <summary>The integrator hit its step limit (the problem is too stiff or too long for it).</summary>
    StepLimit,

    /// <summary>The integrator's step size collapsed.</summary>
    StepSizeTooSmall,

    /// <summary>The result breaks a law of the dynamics (gradient flow's loss rose): the tolerances are too loose.</summary>
    Inaccurate,
}

/// <summary>A simulation stopped before its horizon; says where (step and time) and carries what was recorded
/// (<see cref="RunFailedException.Time"/> is η·k for discrete dynamics, <see cref="RunFailedException.Step"/> the step k).</summary>
public sealed class SimulationFailedException : RunFailedException
{
    /// <summary>Creates the exception.</summary>
    public SimulationFailedException(SimulationFailure failure, string message, double time, long? step, Trajectory partial, Exception? inner = null)
        : base(message, time, step, partial, inner)
    {
        Failure = failure;
        Partial = partial;
    }

    /// <summary>The failure of an ODE integration inside a simulator or reduction named <paramref name="method"/>.</summary>
    public static SimulationFailedException FromIntegration(string method, PhaseFlow.Ode.OdeIntegrationException e, Trajectory partial)
    {
        ArgumentNullException.ThrowIfNull(e);
        var failure = e.Failure switch
        {
            PhaseFlow.Ode.OdeFailure.MaxStepsExceeded => SimulationFailure.StepLimit,
            PhaseFlow.Ode.OdeFailure.NonFiniteValues => SimulationFailure.Diverged,
            _ => SimulationFailure.StepSizeTooSmall,
        };
        return new SimulationFailedException(failure, $"{method} stopped: {e.Message}", e.T, null, partial, e);
    }

    /// <summary>Why.</summary>
    public SimulationFailure Failure { get; }

    /// <summary>The samples recorded before the failure.</summary>
    public Trajectory Partial { get; }
}

/// <summary>A direct simulator of the d-dimensional dynamics.</summary>
public interface IDirectSimulator
{
    /// <summary>Name for reports.</summary>
    string Name { get; }

    /// <summary>Unit of the horizon and of the recorded times.</summary>
    TimeUnit Unit { get; }

    /// <summary>Runs the dynamics to the horizon.</summary>
    /// <exception cref="SimulationFailedException">The run diverged or could not finish; says where.</exception>
    /// <exception cref="InvalidParameterException">The problem or the options are invalid for this simulator.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    SimulationResult Solve(PhaseRetrievalProblem problem, SimulationOptions options, IProgress<SimulationProgress>? progress = null,
        CancellationToken cancellationToken = default);
}

/// <summary>Shared bookkeeping of the simulators: samples, markers, progress throttling.</summary>
internal sealed class RunRecorder
{
    private readonly PhaseRetrievalModel _model;
    private readonly SimulationOptions _options;
    private readonly ThrottledProgress _progress;
    private readonly List<TrajectorySample> _samples = [];
    private readonly MarkerTracker _markers = new();
    private readonly long _started = Stopwatch.GetTimestamp();
    private double _maxS;

    public RunRecorder(string method, PhaseRetrievalModel model, SimulationOptions options, IProgress<SimulationProgress>? progress, TimeUnit unit, double stepSize)
    {
        Method = method;
        ArgumentNullException.ThrowIfNull(options);
        Guard.Between(options.EscapeThreshold, 0, 1, "EscapeThreshold", "(0, 1)");
        foreach (var c in options.ExtraColumns)
            if (Trajectory.BaseColumns.Contains(c.Name) || string.IsNullOrWhiteSpace(c.Name) || c.Name.Any(ch => ch is ',' or '\n' or '"'))
                throw new InvalidParameterException("ExtraColumns", "named with no comma, quote or newline and not t, s, u, mse or loss", c.Name);
        _model = model;
        _options = options;
        _progress = new ThrottledProgress(progress);
        Unit = unit;
        StepSize = stepSize;
        Escape = _markers.Add("escape", options.EscapeThreshold * Math.Abs(model.SStar));
        // The critical crossing is where α = −2P_s changes sign (Φ = ∫α at its maximum): the first time P_s ≥ 0 (spec §5).
        // For phase retrieval P_s = 6s − 2s*, the same root as s ≥ s*/3, which stays the observable there so that the
        // marker is located by exactly the arithmetic it always was.
        _loss = model.IsPhaseRetrieval ? null : model.PopulationLoss;
        _noiseSquared = model.PopulationLoss.Noise * model.PopulationLoss.Noise;
        CriticalCrossing = _markers.Add("critical crossing", _loss is null ? model.SStar / 3 : 0);
    }

    private readonly SingleIndexLoss? _loss; // null for phase retrieval: the crossing observable is s itself
    private readonly double _noiseSquared;

    /// <summary>What the critical-crossing marker watches at (s, u): s for phase retrieval (level s*/3), else P_s(s, u, s*)
    /// (level 0).</summary>
    public double CrossingObservable(double s, double u) => _loss is null ? s : _loss.Derivatives(s, u, _model.SStar).Ps;

    public string Method { get; }
    public TimeUnit Unit { get; }
    public double StepSize { get; }
    /// <summary>|u| ≥ EscapeThreshold · |s*|.</summary>
    public LevelMarker Escape { get; }

    /// <summary>P_s ≥ 0 (phase retrieval: s ≥ s*/3).</summary>
    public LevelMarker CriticalCrossing { get; }

    /// <summary>The markers, for locating them on a dense output.</summary>
    public MarkerTracker Tracker => _markers;

    /// <summary>Marks the first time each threshold is reached (discrete dynamics: the first step at which it holds); throws
    /// the divergence when s, u or the loss is not finite.</summary>
    public void Track(double t, double s, double u)
    {
        var p = _model.PopulationLoss.Derivatives(s, u, _model.SStar);
        Track(t, new DiscreteState(s, u, p.Value, p.Ps));
    }

    /// <summary><see cref="Track(double, double, double)"/> with P and P_s at (s, u) already evaluated (the discrete simulators
    /// evaluate P's derivatives once per step, for the step and the markers together).</summary>
    public void Track(double t, DiscreteState state)
    {
        if (!double.IsFinite(state.P + _noiseSquared)) throw Diverged(t);
        if (state.S > _maxS) _maxS = state.S;
        Escape.Observe(t, Math.Abs(state.U));
        if (!CriticalCrossing.Reached) CriticalCrossing.Observe(t, _loss is null ? state.S : state.Ps);
    }

    /// <summary>Keeps the running maximum of s.</summary>
    public void ObserveS(double s)
    {
        if (s > _maxS) _maxS = s;
    }

    public void Record(double t, ReadOnlySpan<double> w)
    {
        var st = _model.Statistics(w);
        double mse = _model.Mse(w);
        CheckFinite(t, st.S, st.U, mse);
        var extras = new double[_options.ExtraColumns.Count];
        for (int i = 0; i < extras.Length; i++) extras[i] = _options.ExtraColumns[i].Function(w);
        var sample = new TrajectorySample(t, st.S, st.U, mse, _model.Loss(st), extras);
        _samples.Add(sample);
        _maxS = Math.Max(_maxS, st.S);
        _options.Observer?.OnSample(sample, w);
    }

    public void Report(double t, double horizon, long steps, bool force = false) => _progress.Report(t, horizon, steps, force);

    public Trajectory BuildTrajectory() =>
        new(_samples.ToArray(), _options.ExtraColumns.Select(c => c.Name).ToArray(), Unit, StepSize);

    public PhaseMarkers Markers() => new(Escape.Time, _options.EscapeThreshold, CriticalCrossing.Time, _maxS);

    /// <summary>Notes the result carries (see <see cref="SimulationNote.ForStart"/>).</summary>
    public IReadOnlyList<SimulationNote> Notes { get; set; } = [];

    public SimulationResult Result(double[] w, SimulationStatistics stats) =>
        new(BuildTrajectory(), w, Markers(), stats, Stopwatch.GetElapsedTime(_started)) { Notes = Notes };

    /// <summary>A state whose s, u, loss or MSE is not finite is a divergence: its numbers must never reach a result.</summary>
    public void CheckFinite(double t, double s, double u, double mse)
    {
        // s and u first: a model's loss refuses non-finite overlaps rather than returning ∞.
        if (!double.IsFinite(s) || !double.IsFinite(u) || !double.IsFinite(mse) || !double.IsFinite(_model.Loss(new SummaryStatistics(s, u)))) throw Diverged(t);
    }

    /// <summary>The failure at <paramref name="t"/> (a step for discrete dynamics).</summary>
    public SimulationFailedException Diverged(double t)
    {
        string time = (Unit == TimeUnit.Steps ? t * StepSize : t).ToString("G6", CultureInfo.InvariantCulture);
        return Unit == TimeUnit.Steps
            ? new(SimulationFailure.Diverged,
                $"{Method} diverged at step {((long)t).ToString(CultureInfo.InvariantCulture)} (flow time η·k = {time}): s, u, the loss or the MSE " +
                "overflowed or became NaN; reduce the step size η.", t * StepSize, (long)t, BuildTrajectory())
            : new(SimulationFailure.Diverged,
                $"{Method} diverged at t = {time}: s, u, the loss or the MSE overflowed or became NaN.", t, null, BuildTrajectory());
    }
}
