using PhaseFlow.Foundation;

namespace PhaseFlow.Core;

/// <summary>Online SGD: every step draws B fresh samples x ~ N(0, Q), labels y = (xᵀw*)² + ξ, ξ ~ N(0, σ²), and moves
/// w ← w − (η/B) Σ_b ∇_w ((x_bᵀw)² − y_b)². The horizon is a number of steps; the draws come from <see cref="Seed"/>.</summary>
public sealed record OnlineSgd : IDirectSimulator
{
    /// <summary>Creates the simulator.</summary>
    /// <param name="stepSize">η &gt; 0.</param>
    /// <param name="noise">Label-noise standard deviation σ ≥ 0.</param>
    /// <param name="batchSize">Samples per step, B ≥ 1.</param>
    /// <param name="seed">Seed of the sample stream.</param>
    public OnlineSgd(double stepSize, double noise = 0, int batchSize = 1, int seed = 0)
    {
        Guard.Positive(stepSize, "eta");
        Guard.NonNegative(noise, "noise");
        Guard.InRange(batchSize, 1, 1 << 20, "batch");
        StepSize = stepSize;
        Noise = noise;
        BatchSize = batchSize;
        Seed = seed;
    }

    /// <summary>η.</summary>
    public double StepSize { get; }

    /// <summary>σ.</summary>
    public double Noise { get; }

    /// <summary>B.</summary>
    public int BatchSize { get; }

    /// <summary>Seed of the sample stream.</summary>
    public int Seed { get; }

    /// <inheritdoc />
    public string Name => "online SGD";

    /// <inheritdoc />
    public TimeUnit Unit => TimeUnit.Steps;

    /// <summary>A stream of single-sample gradients, exposed so that Monte-Carlo checks use the very code SGD runs.</summary>
    /// <remarks>Unlike the simulators it has state (the random stream): use one per thread.</remarks>
    public sealed class GradientSampler
    {
        private readonly PhaseRetrievalModel _model;
        private readonly double[] _sqrtLambda, _z;
        private readonly System.Random _random;
        private readonly double _noise;

        /// <summary>Creates a sampler for <paramref name="model"/> with label noise σ and a seed.</summary>
        public GradientSampler(PhaseRetrievalModel model, double noise, int seed)
        {
            _model = model;
            _noise = noise;
            _random = SeededRandom.Create(seed);
            _sqrtLambda = model.Lambda.ToArray().Select(Math.Sqrt).ToArray();
            _z = new double[model.Dimension];
        }

        /// <summary>Draws one sample and adds <paramref name="scale"/> · ∇_w((xᵀw)² − y)² = scale · 4((xᵀw)² − y)(xᵀw) x to
        /// <paramref name="accumulator"/>. Returns the coefficient 4((xᵀw)² − y)(xᵀw) (NaN or ∞ signals divergence).</summary>
        public double AddGradient(ReadOnlySpan<double> w, Span<double> accumulator, double scale)
        {
            SeededRandom.FillStandardNormal(_random, _z);
            var teacher = _model.Teacher;
            double xw = 0, xt = 0;
            for (int i = 0; i < _z.Length; i++)
            {
                double x = _sqrtLambda[i] * _z[i];
                _z[i] = x;
                xw += x * w[i];
                xt += x * teacher[i];
            }
            double y = xt * xt + (_noise > 0 ? _noise * MathNet.Numerics.Distributions.Normal.Sample(_random, 0, 1) : 0);
            double coefficient = 4 * (xw * xw - y) * xw;
            double c = scale * coefficient;
            for (int i = 0; i < _z.Length; i++) accumulator[i] += c * _z[i];
            return coefficient;
        }
    }

    /// <inheritdoc />
    public SimulationResult Solve(PhaseRetrievalProblem problem, SimulationOptions options, IProgress<SimulationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        SimulationMemory.EnsureFits(this, problem.Model.Dimension);
        long steps = DiscreteSteps.Count(problem.Horizon);
        var model = problem.Model;
        var recorder = new RunRecorder(Name, model, options, progress, Unit, StepSize);
        recorder.Notes = SimulationNote.ForStart(problem, stochastic: true);
        double[] outputs = options.Output.Resolve(problem.Horizon, integerSteps: true);
        var w = problem.InitialWeights.ToArray();
        var sampler = new GradientSampler(model, Noise, Seed);
        var gradient = BatchSize > 1 ? new double[w.Length] : null;
        var initial = model.Statistics(w);
        recorder.Track(0, initial.S, initial.U);
        int next = 0;
        if (outputs[0] == 0) { recorder.Record(0, w); next++; }
        for (long k = 1; k <= steps; k++)
        {
            bool finite = true;
            if (gradient is null) finite = double.IsFinite(sampler.AddGradient(w, w, -StepSize));
            else
            {
                Array.Clear(gradient);
                for (int b = 0; b < BatchSize; b++) finite &= double.IsFinite(sampler.AddGradient(w, gradient, 1.0 / BatchSize));
                for (int i = 0; i < w.Length; i++) w[i] -= StepSize * gradient[i];
            }
            var st = model.Statistics(w);
            if (!finite) throw recorder.Diverged(k);
            recorder.Track(k, st.S, st.U); // throws on a non-finite s, u or loss
            if (next < outputs.Length && outputs[next] == k) { recorder.Record(k, w); next++; }
            if ((k & 255) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                recorder.Report(k, steps, k);
            }
        }
        recorder.Report(steps, steps, steps, force: true);
        return recorder.Result(w, new SimulationStatistics(Name, steps, 0, steps * BatchSize));
    }
}
