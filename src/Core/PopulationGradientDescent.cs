using PhaseFlow.Foundation;

namespace PhaseFlow.Core;

/// <summary>Population gradient descent w ← w − η∇L(w). The horizon is a number of steps; recorded times are steps,
/// the flow-equivalent time being η·k. One fused O(d) SIMD pass per step (update and the next s, u together).</summary>
public sealed record PopulationGradientDescent : IDirectSimulator
{
    /// <summary>Creates the simulator with step size η &gt; 0.</summary>
    public PopulationGradientDescent(double stepSize)
    {
        Guard.Positive(stepSize, "eta");
        StepSize = stepSize;
    }

    /// <summary>η.</summary>
    public double StepSize { get; }

    /// <inheritdoc />
    public string Name => "population GD";

    /// <inheritdoc />
    public TimeUnit Unit => TimeUnit.Steps;

    /// <inheritdoc />
    public SimulationResult Solve(PhaseRetrievalProblem problem, SimulationOptions options, IProgress<SimulationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        SimulationMemory.EnsureFits(this, problem.Model.Dimension);
        long steps = DiscreteSteps.Count(problem.Horizon);
        var model = problem.Model;
        var recorder = new RunRecorder(Name, model, options, progress, Unit, StepSize);
        recorder.Notes = SimulationNote.ForStart(problem, stochastic: false);
        double[] outputs = options.Output.Resolve(problem.Horizon, integerSteps: true);
        var w = problem.InitialWeights.ToArray();
        var lambda = model.Lambda;
        var qt = model.QTeacher;
        double eta = StepSize, sStar = model.SStar;
        var (s, u) = VectorKernels.QuadraticAndCross(lambda, qt, w);
        recorder.Track(0, s, u);
        int next = 0;
        if (outputs[0] == 0) { recorder.Record(0, w); next++; }
        for (long k = 1; k <= steps; k++)
        {
            (s, u) = VectorKernels.DescentStep(lambda, qt, w, 4 * eta * (sStar - 3 * s), 8 * eta * u);
            recorder.Track(k, s, u); // throws on a non-finite s, u or loss
            if (next < outputs.Length && outputs[next] == k) { recorder.Record(k, w); next++; }
            if ((k & 4095) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                recorder.Report(k, steps, k);
            }
        }
        recorder.Report(steps, steps, steps, force: true);
        return recorder.Result(w, new SimulationStatistics(Name, steps, 0, steps));
    }
}

internal static class DiscreteSteps
{
    public const long MaxSteps = 1L << 50;

    /// <summary>The horizon of a discrete run as a whole number of steps.</summary>
    public static long Count(double horizon)
    {
        if (!(horizon >= 1 && horizon <= MaxSteps) || horizon != Math.Floor(horizon))
            throw new InvalidParameterException("horizon", "a whole number of steps in [1, 2^50]", InvalidParameterException.Format(horizon));
        return (long)horizon;
    }
}
