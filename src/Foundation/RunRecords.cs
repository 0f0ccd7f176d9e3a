namespace PhaseFlow.Foundation;

/// <summary>Phase markers detected while a run went on (null when not reached).</summary>
/// <param name="EscapeTime">First time |u| ≥ threshold · s* (end of the escape phase, T_1).</param>
/// <param name="EscapeThreshold">The threshold used, relative to s*.</param>
/// <param name="CriticalCrossingTime">First time s ≥ s*/3, where the drift 1 − 3s/s* changes sign.</param>
/// <param name="MaxS">Largest s seen at the recorded steps.</param>
public sealed record PhaseMarkers(double? EscapeTime, double EscapeThreshold, double? CriticalCrossingTime, double MaxS) : IRunMarkers
{
    /// <summary>"escape" (<see cref="EscapeTime"/>) and "criticalCrossing" (<see cref="CriticalCrossingTime"/>).</summary>
    IReadOnlyList<MarkerTime> IRunMarkers.Times => [new("escape", EscapeTime), new("criticalCrossing", CriticalCrossingTime)];
}

/// <summary>Work counters of a simulation.</summary>
/// <param name="Method">Name of the method (e.g. "population GD", or the ODE integrator).</param>
/// <param name="Steps">Steps taken (accepted steps for adaptive integrators).</param>
/// <param name="RejectedSteps">Rejected steps (adaptive integrators).</param>
/// <param name="FunctionEvaluations">Gradient or right-hand-side evaluations.</param>
public sealed record SimulationStatistics(string Method, long Steps, long RejectedSteps, long FunctionEvaluations)
{
    /// <summary>Jacobian evaluations (implicit integrators).</summary>
    public long JacobianEvaluations { get; init; }

    /// <summary>Linear solves (implicit integrators).</summary>
    public long LinearSolves { get; init; }
}
