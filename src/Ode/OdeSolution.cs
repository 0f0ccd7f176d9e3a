namespace PhaseFlow.Ode;

/// <summary>Work counters of one integration.</summary>
public sealed record OdeStatistics
{
    /// <summary>Accepted steps.</summary>
    public long AcceptedSteps { get; init; }

    /// <summary>Rejected steps (error too large or non-finite values).</summary>
    public long RejectedSteps { get; init; }

    /// <summary>Evaluations of the right-hand side, those spent on finite-difference Jacobians included.</summary>
    public long FunctionEvaluations { get; init; }

    /// <summary>The part of <see cref="FunctionEvaluations"/> spent on finite-difference Jacobians (0 for analytic ones).</summary>
    public long JacobianFunctionEvaluations { get; init; }

    /// <summary>Jacobian evaluations (implicit and Rosenbrock methods).</summary>
    public long JacobianEvaluations { get; init; }

    /// <summary>Matrix factorisations (implicit and Rosenbrock methods).</summary>
    public long Factorizations { get; init; }

    /// <summary>Linear solves (implicit and Rosenbrock methods).</summary>
    public long LinearSolves { get; init; }

    /// <summary>Smallest and largest accepted step.</summary>
    public double MinStep { get; init; }

    /// <summary>Largest accepted step.</summary>
    public double MaxStep { get; init; }
}

/// <summary>Result of an integration: the final state, stored outputs and statistics.</summary>
public sealed class OdeSolution
{
    internal OdeSolution(double t, double[] y, IReadOnlyList<double> outputTimes, IReadOnlyList<double[]> outputStates,
        OdeStatistics statistics, bool stoppedByCallback, IReadOnlyList<OdeEventOccurrence> events, OdeEventOccurrence? terminalEvent)
    {
        Events = events;
        TerminalEvent = terminalEvent;
        T = t;
        Y = y;
        OutputTimes = outputTimes;
        OutputStates = outputStates;
        Statistics = statistics;
        StoppedByCallback = stoppedByCallback;
    }

    /// <summary>Time reached (tEnd unless a step callback stopped the run).</summary>
    public double T { get; }

    /// <summary>State at <see cref="T"/>.</summary>
    public IReadOnlyList<double> Y { get; }

    /// <summary>Output times that were stored (empty when an output handler was given).</summary>
    public IReadOnlyList<double> OutputTimes { get; }

    /// <summary>States at <see cref="OutputTimes"/>.</summary>
    public IReadOnlyList<double[]> OutputStates { get; }

    /// <summary>Work counters.</summary>
    public OdeStatistics Statistics { get; }

    /// <summary>True when a step callback ended the run before tEnd.</summary>
    public bool StoppedByCallback { get; }

    /// <summary>Every located event, in time order.</summary>
    public IReadOnlyList<OdeEventOccurrence> Events { get; }

    /// <summary>The terminal event that ended the run, if one did (then <see cref="T"/> is its time).</summary>
    public OdeEventOccurrence? TerminalEvent { get; }
}

/// <summary>A view of the step just accepted, valid only during a step callback.</summary>
public interface IDenseStep
{
    /// <summary>Start of the step.</summary>
    double TStart { get; }

    /// <summary>End of the step.</summary>
    double TEnd { get; }

    /// <summary>State at <see cref="TStart"/>.</summary>
    ReadOnlySpan<double> YStart { get; }

    /// <summary>State at <see cref="TEnd"/>.</summary>
    ReadOnlySpan<double> YEnd { get; }

    /// <summary>Writes the dense-output value at <paramref name="t"/> ∈ [TStart, TEnd] into <paramref name="y"/>.</summary>
    void Interpolate(double t, Span<double> y);
}

/// <summary>Why an integration could not finish.</summary>
public enum OdeFailure
{
    /// <summary>The step size fell below what floating point resolves at the current time.</summary>
    StepSizeTooSmall,

    /// <summary>The step limit of <see cref="OdeOptions.MaxSteps"/> was reached.</summary>
    MaxStepsExceeded,

    /// <summary>The right-hand side or the state became NaN or infinite and shrinking the step did not help.</summary>
    NonFiniteValues,
}

/// <summary>Thrown when an integration stops before its final time; says where and why.</summary>
public sealed class OdeIntegrationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OdeIntegrationException(OdeFailure failure, double t, double stepSize, string message)
        : base(message)
    {
        Failure = failure;
        T = t;
        StepSize = stepSize;
    }

    /// <summary>The reason.</summary>
    public OdeFailure Failure { get; }

    /// <summary>Time reached when the integration stopped.</summary>
    public double T { get; }

    /// <summary>Last step size tried.</summary>
    public double StepSize { get; }
}

/// <summary>An integrator: solves an <see cref="OdeProblem"/> under <see cref="OdeOptions"/>.</summary>
/// <remarks>Every solver of this library is an immutable configuration that builds its workspace in
/// <see cref="Solve"/>: one instance may run any number of solves at once, each giving bit for bit what it gives alone.
/// The delegates a solve calls (right-hand side, Jacobian, events, callbacks) must then be safe to call concurrently.</remarks>
public interface IOdeSolver
{
    /// <summary>Method name, for reports.</summary>
    string Name { get; }

    /// <summary>Integrates the problem from t0 to tEnd.</summary>
    /// <exception cref="OdeIntegrationException">The run could not reach tEnd.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    OdeSolution Solve(OdeProblem problem, OdeOptions options, IProgress<OdeProgress>? progress = null,
        CancellationToken cancellationToken = default);
}
