using PhaseFlow.Foundation;

namespace PhaseFlow.Core;

/// <summary>Population gradient descent w ← w − η∇L(w) = w + ηλ ⊙ (αw + βw*), α = −2P_s, β = −P_u, for the model's
/// single-index loss (phase retrieval: α = 4(s* − 3s), β = 8u). The horizon is a number of steps; recorded times are steps,
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
        // λ, Qw* and w in 32-byte-aligned buffers: at d ≈ 1000 the step's time otherwise moves by ±5 % with where the GC put
        // the arrays (loads that split cache lines or not).
        var run = new DiscreteRun(this, StepSize, problem, options, progress, stochastic: false, alignWeights: true);
        var model = problem.Model;
        var w = run.Weights;
        var lambda = VectorKernels.Aligned(model.LambdaArray);
        var qt = VectorKernels.Aligned(model.QTeacherArray);
        var loss = model.PopulationLoss;
        double eta = StepSize, sStar = model.SStar;
        var (s, u) = VectorKernels.QuadraticAndCross(lambda, qt, w);
        var start = loss.Derivatives(s, u, sStar);
        double ps = start.Ps, pu = start.Pu;
        return run.Run(s, u, _ =>
        {
            // η(−2P_s) and η(−P_u) are phase retrieval's 4η(s* − 3s) and 8ηu to the last bit (the factors are powers of two).
            // P's derivatives at the new (s, u) serve the markers of this step and the update of the next: one evaluation per step.
            (s, u) = VectorKernels.DescentStep(lambda, qt, w, eta * (-2 * ps), eta * -pu);
            var p = loss.Derivatives(s, u, sStar);
            (ps, pu) = (p.Ps, p.Pu);
            return new DiscreteState(s, u, p.Value, ps);
        }, reportEvery: 4096, evaluationsPerStep: 1, cancellationToken);
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
