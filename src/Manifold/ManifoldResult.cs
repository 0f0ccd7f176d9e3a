using System.Globalization;
using PhaseFlow.Foundation;

namespace PhaseFlow.Manifold;

/// <summary>The four algorithms of the spec.</summary>
public enum ManifoldMethod
{
    /// <summary>GD: W ← W − η̃ ∇L(W); on the manifold x_i ← (1 − η̃ g_i) x_i.</summary>
    GradientDescent,

    /// <summary>SpecGD: W ← W − η polar(∇L(W)); on the manifold x_i ← x_i − η sign(g_i x_i).</summary>
    SpectralGradientDescent,

    /// <summary>GF: Ẇ = −∇L; on the manifold ẋ_i = −g_i x_i.</summary>
    GradientFlow,

    /// <summary>SpecGF: Ẇ = −polar(∇L); on the manifold ẋ_i = −sign(g_i x_i), a discontinuous right-hand side solved in the
    /// Filippov sense (see docs/manifold.md).</summary>
    SpectralGradientFlow,
}

/// <summary>Names and properties of <see cref="ManifoldMethod"/>.</summary>
public static class ManifoldMethods
{
    /// <summary>True for the two maps (GD, SpecGD), whose horizon is a number of steps.</summary>
    public static bool IsDiscrete(this ManifoldMethod method) =>
        method is ManifoldMethod.GradientDescent or ManifoldMethod.SpectralGradientDescent;

    /// <summary>The short name used by the CLI and in files: gd, specgd, gf, specgf.</summary>
    public static string ShortName(this ManifoldMethod method) => method switch
    {
        ManifoldMethod.GradientDescent => "gd",
        ManifoldMethod.SpectralGradientDescent => "specgd",
        ManifoldMethod.GradientFlow => "gf",
        ManifoldMethod.SpectralGradientFlow => "specgf",
        _ => throw new InvalidParameterException("method", "gd, specgd, gf or specgf", method.ToString()),
    };

    /// <summary>Parses a short name (case-insensitive).</summary>
    /// <exception cref="InvalidParameterException">Not one of gd, specgd, gf, specgf.</exception>
    public static ManifoldMethod Parse(string name) => name?.ToLowerInvariant() switch
    {
        "gd" => ManifoldMethod.GradientDescent,
        "specgd" => ManifoldMethod.SpectralGradientDescent,
        "gf" => ManifoldMethod.GradientFlow,
        "specgf" => ManifoldMethod.SpectralGradientFlow,
        _ => throw new InvalidParameterException("method", "gd, specgd, gf or specgf", name ?? "null"),
    };
}

/// <summary>One recorded point of a run.</summary>
/// <param name="Index">The step k for GD/SpecGD; the position of the sample for flows.</param>
/// <param name="Time">t: η·k for the maps, the flow time for GF/SpecGF.</param>
/// <param name="Coordinates">The group values (a, b, c for the spiked model); for a full-matrix run the signed coordinates in
/// the frame of Q_0 (NaN without a frame).</param>
/// <param name="Loss">Population loss.</param>
/// <param name="Alignments">The three named alignments.</param>
/// <param name="Distance">Relative distance from the manifold: 0 for the reduced dynamics; for full-matrix runs
/// ‖W − Π(W)‖_F/‖W‖_F with Π the projection onto 𝓜(Q_0) (NaN without a frame).</param>
public sealed record ManifoldSample(long Index, double Time, IReadOnlyList<double> Coordinates, double Loss, Alignments Alignments, double Distance);

/// <summary>When a stage was reached: the time, and for the maps the step.</summary>
/// <param name="Time">Flow time (η·k for the maps).</param>
/// <param name="Step">The first step at which it held (maps only).</param>
public sealed record StageTime(double Time, long? Step);

/// <summary>The first time the loss fell below a level.</summary>
/// <param name="Level">ε.</param>
/// <param name="Reached">When L &lt; ε first held (null if never within the horizon).</param>
public sealed record LossCrossing(double Level, StageTime? Reached);

/// <summary>Stage times of a run (null where not reached within the horizon).</summary>
/// <param name="Escape">First time α a²/ρ ≥ <paramref name="EscapeLevel"/>: the signal has escaped the initialisation.</param>
/// <param name="EscapeLevel">The level used.</param>
/// <param name="SpikeSaturation">The spike's first switch: when its growth stops (g_v b changes sign). For GD this is
/// where b saturates near b² ≈ σ_θρ/(3ασ_v); for SpecGD/SpecGF where it starts to slide.</param>
/// <param name="FirstSwitch">Per group, the first time its direction of motion changes (g_i x_i changes sign; for
/// SpecGF the first switching event of the group).</param>
/// <param name="LossBelow">Per requested level, the first time L &lt; ε.</param>
/// <param name="Equilibrium">SpecGF only: when the solution stopped moving (the Filippov solution reached an equilibrium;
/// from the initialisation ε Q_0 this is the global minimum).</param>
public sealed record StageTimes(StageTime? Escape, double EscapeLevel, StageTime? SpikeSaturation, IReadOnlyList<StageTime?> FirstSwitch,
    IReadOnlyList<LossCrossing> LossBelow, StageTime? Equilibrium) : IRunMarkers
{
    /// <summary>The stage times as named flow times: "escape", "spikeSaturation", "switching", "firstSwitch:i" for group i,
    /// "lossBelow:ε" per level (ε as in summary.json, e.g. "lossBelow:0.001") and "equilibrium".</summary>
    IReadOnlyList<MarkerTime> IRunMarkers.Times =>
    [
        new("escape", Escape?.Time),
        new("spikeSaturation", SpikeSaturation?.Time),
        new("switching", Switching?.Time),
        .. FirstSwitch.Select((s, i) => new MarkerTime($"firstSwitch:{i}", s?.Time)),
        .. LossBelow.Select(l => new MarkerTime($"lossBelow:{l.Level.ToString("G", CultureInfo.InvariantCulture)}", l.Reached?.Time)),
        new("equilibrium", Equilibrium?.Time),
    ];

    /// <summary>The first time any group switched.</summary>
    public StageTime? Switching => FirstSwitch.Where(s => s is not null).OrderBy(s => s!.Time).FirstOrDefault();

    /// <summary>The crossing of <paramref name="level"/>, if that level was requested.</summary>
    public StageTime? TimeToLoss(double level) => LossBelow.FirstOrDefault(l => l.Level == level)?.Reached;
}

/// <summary>What happened at a switching event of the Filippov solution of SpecGF.</summary>
public enum SwitchingKind
{
    /// <summary>g_i x_i reached 0 and both sides of the surface point into it: the group slides on T + 2μ_i = 0.</summary>
    SlidingStarts,

    /// <summary>The equivalent control of a sliding group reached |ẋ_i| = 1: it leaves the surface tangentially.</summary>
    SlidingEnds,

    /// <summary>g_i x_i changed sign with both sides pointing the same way: the group crossed the surface and reversed.</summary>
    Crossing,

    /// <summary>The group reached x_i = 0 and stays there (the full-matrix polar factor drops that direction).</summary>
    ReachesZero,
}

/// <summary>A switching event of SpecGF.</summary>
/// <param name="Time">Exact event time (root of a quadratic, see docs/manifold.md).</param>
/// <param name="Group">The group concerned.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Velocity">ẋ of the group after the event (the equivalent control's value for a sliding group, in [−1, 1]).</param>
public sealed record SwitchingEvent(double Time, int Group, SwitchingKind Kind, double Velocity);

/// <summary>Work counters of a run.</summary>
/// <param name="Method">What ran (e.g. "reduced SpecGF (exact Filippov)", "full-matrix SpecGD, SVD polar").</param>
/// <param name="Steps">Steps (maps), accepted integrator steps (GF) or pieces between events (SpecGF).</param>
/// <param name="Evaluations">Gradient or right-hand-side evaluations.</param>
/// <param name="PolarIterations">Newton–Schulz iterations summed over the run (iterative polar backends).</param>
public sealed record ManifoldStatistics(string Method, long Steps, long Evaluations, long PolarIterations = 0);

/// <summary>Recorded samples of a run, with the column layout of <c>trajectory.csv</c>; as an <see cref="ITabularTrajectory"/>
/// its column t is the flow time (η·k for the maps, whose step is the column k).</summary>
public sealed class ManifoldTrajectory : ITabularTrajectory
{
    /// <summary>Creates a trajectory.</summary>
    public ManifoldTrajectory(IReadOnlyList<ManifoldSample> samples, IReadOnlyList<string> coordinateNames, bool hasDistance)
    {
        Samples = samples ?? throw new ArgumentNullException(nameof(samples));
        CoordinateNames = coordinateNames ?? throw new ArgumentNullException(nameof(coordinateNames));
        HasDistance = hasDistance;
    }

    /// <summary>Samples in time order.</summary>
    public IReadOnlyList<ManifoldSample> Samples { get; }

    /// <summary>Names of the coordinate columns (a, b, c for the spiked model).</summary>
    public IReadOnlyList<string> CoordinateNames { get; }

    /// <summary>Whether the distance column is written (full-matrix runs).</summary>
    public bool HasDistance { get; }

    /// <summary>All column names: k, t, the coordinates, loss, the three alignments, and distance for full-matrix runs.</summary>
    public IReadOnlyList<string> Columns =>
        ["k", "t", .. CoordinateNames, "loss", .. Alignments.ColumnNames, .. (HasDistance ? new[] { "distance" } : [])];

    /// <summary>Number of samples.</summary>
    public int RowCount => Samples.Count;

    /// <summary>Sample <paramref name="index"/> as a row of <see cref="Columns"/> (k as a double).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in [0, <see cref="RowCount"/>).</exception>
    public IReadOnlyList<double> Row(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Samples.Count);
        var s = Samples[index];
        var a = s.Alignments;
        return [s.Index, s.Time, .. s.Coordinates, s.Loss, a.SignalMass, a.MatrixCosine, a.SignalVsSpike, .. (HasDistance ? new[] { s.Distance } : [])];
    }

    /// <summary>Always <see cref="TimeUnit.Time"/>: the column t holds flow time for every method.</summary>
    public TimeUnit Unit => TimeUnit.Time;

    /// <summary>Writes the CSV (header line, invariant culture, round-trip precision).</summary>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(string.Join(',', Columns));
        writer.Write('\n');
        foreach (var s in Samples)
        {
            writer.Write(s.Index.ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(F(s.Time));
            foreach (double x in s.Coordinates) { writer.Write(','); writer.Write(F(x)); }
            writer.Write(','); writer.Write(F(s.Loss));
            writer.Write(','); writer.Write(F(s.Alignments.SignalMass));
            writer.Write(','); writer.Write(F(s.Alignments.MatrixCosine));
            writer.Write(','); writer.Write(F(s.Alignments.SignalVsSpike));
            if (HasDistance) { writer.Write(','); writer.Write(F(s.Distance)); }
            writer.Write('\n');
        }
    }

    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>Extremes of the run, tracked at every step (maps), every accepted integrator step and output time (GF) or
/// every event and output time (SpecGF).</summary>
/// <param name="MaxSpikeRatio">max |b|/|a|.</param>
/// <param name="MaxSpikeRatioAt">Where it was reached.</param>
/// <param name="MinSignalVsSpike">min a²/(a² + b²).</param>
/// <param name="MaxDistance">Largest relative distance from the manifold (0 for reduced runs, NaN without a frame).</param>
public sealed record RunExtremes(double MaxSpikeRatio, StageTime MaxSpikeRatioAt, double MinSignalVsSpike, double MaxDistance);

/// <summary>The outcome of a run. As an <see cref="IRunResult"/> its markers are <see cref="Stages"/> and its statistics
/// <see cref="Statistics"/> as a <see cref="SimulationStatistics"/> (evaluations as function evaluations; rejected steps are
/// not counted, 0).</summary>
public sealed class ManifoldResult : IRunResult<ManifoldTrajectory, StageTimes>
{
    /// <summary>Creates a result.</summary>
    public ManifoldResult(ManifoldMethod method, double stepSize, ManifoldTrajectory trajectory, IReadOnlyList<double> finalCoordinates,
        double finalLoss, StageTimes stages, RunExtremes extremes, IReadOnlyList<SwitchingEvent> switches, ManifoldStatistics statistics,
        TimeSpan wallTime)
    {
        Method = method;
        StepSize = stepSize;
        Trajectory = trajectory;
        FinalCoordinates = finalCoordinates;
        FinalLoss = finalLoss;
        Stages = stages;
        Extremes = extremes;
        Switches = switches;
        Statistics = statistics;
        WallTime = wallTime;
    }

    /// <summary>The algorithm.</summary>
    public ManifoldMethod Method { get; }

    /// <summary>η̃ or η for the maps; NaN for flows.</summary>
    public double StepSize { get; }

    /// <summary>Recorded samples.</summary>
    public ManifoldTrajectory Trajectory { get; }

    /// <summary>Group values at the horizon (for full-matrix runs: coordinates in the frame, NaN without one).</summary>
    public IReadOnlyList<double> FinalCoordinates { get; }

    /// <summary>Loss at the horizon.</summary>
    public double FinalLoss { get; }

    /// <summary>Stage times.</summary>
    public StageTimes Stages { get; }

    /// <summary>Extremes (max b/a, min alignment, max distance).</summary>
    public RunExtremes Extremes { get; }

    /// <summary>Switching events of SpecGF (empty for the other methods).</summary>
    public IReadOnlyList<SwitchingEvent> Switches { get; }

    /// <summary>Work counters.</summary>
    public ManifoldStatistics Statistics { get; }

    /// <summary>Wall-clock duration.</summary>
    public TimeSpan WallTime { get; }

    StageTimes IRunResult<ManifoldTrajectory, StageTimes>.Markers => Stages;

    SimulationStatistics IRunResult.Statistics => new(Statistics.Method, Statistics.Steps, 0, Statistics.Evaluations);
}

/// <summary>A run diverged (a value became NaN or infinite, or the loss blew up); says at which step and time and
/// carries what was recorded before.</summary>
/// <remarks><see cref="RunFailedException.Time"/> is where the divergence was detected (η·k for the maps) and
/// <see cref="RunFailedException.Step"/> the step (maps).</remarks>
public sealed class ManifoldDivergedException : RunFailedException
{
    /// <summary>Creates the exception.</summary>
    public ManifoldDivergedException(string message, double time, long? step, ManifoldTrajectory partial, Exception? inner = null)
        : base(message, time, step, partial, inner) => Partial = partial;

    /// <summary>Samples recorded before.</summary>
    public ManifoldTrajectory Partial { get; }
}

/// <summary>A numerical procedure could not finish (Filippov event limit, polar iteration not converged); says where
/// (<see cref="RunFailedException.Time"/>, or NaN when no time applies; no step, no partial trajectory).</summary>
public sealed class ManifoldSolverException : RunFailedException
{
    /// <summary>Creates the exception.</summary>
    public ManifoldSolverException(string message, double time) : base(message, time, null, null) { }
}
