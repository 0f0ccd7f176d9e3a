using System.Globalization;
using PhaseFlow.Foundation;

namespace PhaseFlow.Core;

/// <summary>An inequality that the moments of every real weight vector satisfy, and that a reduction (truncated hierarchy,
/// spectral nodes) can break. Each is stated as Left ≤ Right.</summary>
public enum MomentInequality
{
    /// <summary>0 ≤ s^(k) = wᵀQ^k w (hierarchy); 0 ≤ Σ_{i∈j} w_i² of a node j (spectral nodes).</summary>
    NonNegativity,

    /// <summary>(u^(k))² ≤ s^(k)·s*^(k) (hierarchy; at k = 0 it implies MSE ≥ 0); for a node j,
    /// (Σ_{i∈j} w*_i w_i)² ≤ (Σ_{i∈j} w_i²)(Σ_{i∈j} (w*_i)²).</summary>
    CauchySchwarz,

    /// <summary>(s^(k+1))² ≤ s^(k)·s^(k+2): the 2×2 Hankel minors of the moments of the positive measure Σ_i w_i² δ_{λ_i}.</summary>
    Hankel,
}

/// <summary>Where and why a reduction first left the set of possible moments: from <see cref="Time"/> on its values are not
/// moments of any real weight vector, so they are certifiably wrong.</summary>
/// <param name="Time">First time at which the inequality fails by more than its slack (see the reduction's documentation for
/// how it is located).</param>
/// <param name="Inequality">Which inequality.</param>
/// <param name="Index">The order k (hierarchy) or the node j (spectral nodes, 0-based; −1 for the aggregate s, u).</param>
/// <param name="Left">Left side at <see cref="Time"/> (the inequality reads Left ≤ Right).</param>
/// <param name="Right">Right side at <see cref="Time"/>.</param>
/// <param name="Slack">How far Left may exceed Right before it counts: the integrator's error allowance at that state.</param>
/// <param name="Statement">The inequality in words, e.g. "(u^(1))² ≤ s^(1)·s*^(1)".</param>
public sealed record ReductionViolation(double Time, MomentInequality Inequality, int Index, double Left, double Right, double Slack, string Statement)
{
    /// <summary>One line: "invalid from t = 3.96152: Cauchy–Schwarz inequality (u^(0))² ≤ s^(0)·s*^(0) fails beyond its slack:
    /// 15.8833439 > 15.8832948 (slack 4.9E-05)". At the located time the excess has just reached the slack; it grows after.</summary>
    public string Message => string.Create(CultureInfo.InvariantCulture,
        $"invalid from t = {Time:G6}: {Name} inequality {Statement} fails beyond its slack: {Left:G9} > {Right:G9} (slack {Slack:G2})");

    private string Name => Inequality switch
    {
        MomentInequality.NonNegativity => "non-negativity",
        MomentInequality.CauchySchwarz => "Cauchy–Schwarz",
        _ => "Hankel",
    };
}

/// <summary>A reduction left its domain of validity (see <see cref="ReductionViolation"/>); thrown by the results'
/// <c>EnsureValid()</c> and by the command line after it has written the valid part of the run. Its
/// <see cref="RunFailedException.Time"/> is the violation's time and its partial trajectory <see cref="Valid"/>.</summary>
public sealed class InvalidReductionException : RunFailedException
{
    /// <summary>Creates the exception; the message is "{method}: {violation.Message}".</summary>
    public InvalidReductionException(string method, ReductionViolation violation, Trajectory valid)
        : base($"{method}: {violation?.Message}", violation?.Time ?? double.NaN, null, valid)
    {
        ArgumentNullException.ThrowIfNull(violation);
        ArgumentNullException.ThrowIfNull(valid);
        Method = method;
        Violation = violation;
        Valid = valid;
    }

    /// <summary>The reduction, as its statistics name it.</summary>
    public string Method { get; }

    /// <summary>Where and why.</summary>
    public ReductionViolation Violation { get; }

    /// <summary>The samples recorded before <see cref="ReductionViolation.Time"/>.</summary>
    public Trajectory Valid { get; }
}

/// <summary>The outcome of a reduction held to the moment inequalities (the truncated hierarchy, the spectral-node system):
/// the run contract plus where the run ended and, if it stopped early, why (<see cref="InvalidFrom"/>).</summary>
public abstract class ReductionResult : IRunResult<Trajectory, PhaseMarkers>
{
    /// <summary>Sets what every reduction reports.</summary>
    protected ReductionResult(Trajectory trajectory, PhaseMarkers markers, SimulationStatistics statistics, TimeSpan wallTime, double endTime,
        ReductionViolation? invalidFrom)
    {
        Trajectory = trajectory;
        Markers = markers;
        Statistics = statistics;
        WallTime = wallTime;
        EndTime = endTime;
        InvalidFrom = invalidFrom;
    }

    /// <summary>The recorded samples (t, s, u, MSE, loss and the reduction's extra columns); MSE is NaN where d is unknown or
    /// infinite.</summary>
    public Trajectory Trajectory { get; }

    /// <summary>Escape and critical-crossing times, located on the dense output.</summary>
    public PhaseMarkers Markers { get; }

    /// <summary>Work counters.</summary>
    public SimulationStatistics Statistics { get; }

    /// <summary>Wall-clock duration of the main solve.</summary>
    public TimeSpan WallTime { get; }

    /// <summary>The horizon, or for an invalid run the time it became invalid (<see cref="InvalidFrom"/>).</summary>
    public double EndTime { get; }

    /// <summary>Null when the reported state stayed the state of some real weight vector to the horizon; otherwise the first
    /// time, inequality and sides at which it stopped being one (each reduction's page says which inequalities it checks):
    /// the run stopped there, and the trajectory and markers cover only [0, that time].</summary>
    public ReductionViolation? InvalidFrom { get; }

    /// <summary>True when <see cref="InvalidFrom"/> is null.</summary>
    public bool IsValid => InvalidFrom is null;

    /// <summary>Throws when the reduction left its domain of validity.</summary>
    /// <exception cref="InvalidReductionException">Carries where, why and the valid samples.</exception>
    protected void ThrowIfInvalid()
    {
        if (InvalidFrom is { } v) throw new InvalidReductionException(Statistics.Method, v, Trajectory);
    }
}
