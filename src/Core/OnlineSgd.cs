using PhaseFlow.Foundation;

namespace PhaseFlow.Core;

/// <summary>Online SGD: every step draws B fresh samples x ~ N(0, Q), labels y = g(xᵀw*) + ξ, ξ ~ N(0, σ²), and moves
/// w ← w − (η/B) Σ_b ∇_w (f(x_bᵀw) − y_b)² = w − (η/B) Σ_b 2(f(x_bᵀw) − y_b) f′(x_bᵀw) x_b, with the student's and the
/// teacher's links f, g of the model's loss (phase retrieval: f = g = z²). The horizon is a number of steps; the draws come
/// from <see cref="Seed"/>.</summary>
/// <remarks>The label noise σ is one number per run: the model's (<see cref="SingleIndexLoss.Noise"/>) or this simulator's
/// <see cref="Noise"/>. Either may be given, or both when they are equal; two different non-zero values are refused
/// (<see cref="LabelNoise"/>). The recorded loss is the model's, P + σ²_model.</remarks>
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

    /// <summary>σ as given to this simulator (0: the model's label noise is used).</summary>
    public double Noise { get; }

    /// <summary>The label noise a run of <paramref name="model"/> draws: <see cref="Noise"/> when it is non-zero, else the
    /// model's σ; refused when both are non-zero and differ.</summary>
    public double LabelNoise(PhaseRetrievalModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        double sigma = model.PopulationLoss.Noise;
        if (Noise == 0) return sigma;
        if (sigma != 0 && sigma != Noise)
            throw new InvalidParameterException("noise", $"0 or the model's label noise σ = {InvalidParameterException.Format(sigma)}",
                InvalidParameterException.Format(Noise));
        return Noise;
    }

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
        private readonly Func<double, double> _f, _fPrime, _g;

        /// <summary>Creates a sampler for <paramref name="model"/> with label noise σ and a seed.</summary>
        public GradientSampler(PhaseRetrievalModel model, double noise, int seed)
        {
            ArgumentNullException.ThrowIfNull(model);
            _model = model;
            _noise = noise;
            _f = model.PopulationLoss.Student.Value;
            _fPrime = model.PopulationLoss.Student.Derivative;
            _g = model.PopulationLoss.Teacher.Value;
            _random = SeededRandom.Create(seed);
            _sqrtLambda = model.Lambda.ToArray().Select(Math.Sqrt).ToArray();
            _z = new double[model.Dimension];
        }

        /// <summary>Draws one sample and adds <paramref name="scale"/> · ∇_w(f(xᵀw) − y)² = scale · 2(f(xᵀw) − y) f′(xᵀw) x to
        /// <paramref name="accumulator"/>, y = g(xᵀw*) + σξ. Returns the coefficient 2(f(xᵀw) − y) f′(xᵀw) (NaN or ∞ signals
        /// divergence); phase retrieval: 4((xᵀw)² − y)(xᵀw), to the last bit.</summary>
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
            double y = _g(xt) + (_noise > 0 ? _noise * MathNet.Numerics.Distributions.Normal.Sample(_random, 0, 1) : 0);
            double coefficient = 2 * (_f(xw) - y) * _fPrime(xw);
            double c = scale * coefficient;
            for (int i = 0; i < _z.Length; i++) accumulator[i] += c * _z[i];
            return coefficient;
        }
    }

    /// <inheritdoc />
    public SimulationResult Solve(PhaseRetrievalProblem problem, SimulationOptions options, IProgress<SimulationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var run = new DiscreteRun(this, StepSize, problem, options, progress, stochastic: true);
        var model = problem.Model;
        var w = run.Weights.Array!; // not aligned: the whole array
        var sampler = new GradientSampler(model, LabelNoise(model), Seed);
        var gradient = BatchSize > 1 ? new double[w.Length] : null;
        var initial = model.Statistics(w);
        return run.Run(initial.S, initial.U, k =>
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
            // Overflow can first show in s (a finite sample step, an infinite sum of squares): a model's loss refuses it.
            if (!finite || !double.IsFinite(st.S) || !double.IsFinite(st.U)) throw run.Recorder.Diverged(k);
            // A sample step needs f, f′ and g only; P and P_s serve the critical-crossing marker, so once it is reached another
            // model's P (a quadrature costs milliseconds) is not evaluated per step. Phase retrieval's, cheap, keeps its checks.
            if (!model.IsPhaseRetrieval && run.Recorder.CriticalCrossing.Reached) return new DiscreteState(st.S, st.U, 0, double.NaN);
            var p = model.Derivatives(st);
            return new DiscreteState(st.S, st.U, p.Value, p.Ps);
        }, reportEvery: 256, evaluationsPerStep: BatchSize, cancellationToken);
    }
}
