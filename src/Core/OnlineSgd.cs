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

    /// <summary>Steps between exact recomputations of s and u, which the steps in between follow in O(1) from the sample's
    /// sums (<see cref="SampleSums"/>): the rounding drift of the O(1) updates is bounded by that of this many steps.</summary>
    internal const int ExactEvery = 1024;

    /// <summary>Test hook: after every step, the (s, u) the run tracks and (s, u) recomputed from the settled w.</summary>
    internal Action<long, SummaryStatistics, SummaryStatistics>? DriftProbe { get; init; }

    /// <summary>A stream of single-sample gradients, exposed so that Monte-Carlo checks use the very draws, products and
    /// coefficient SGD runs.</summary>
    /// <remarks>Unlike the simulators it has state (the random stream): use one per thread.</remarks>
    public sealed class GradientSampler
    {
        private readonly SgdSampler _sampler;
        private readonly double[] _w;

        /// <summary>Creates a sampler for <paramref name="model"/> with label noise σ and a seed.</summary>
        public GradientSampler(PhaseRetrievalModel model, double noise, int seed)
        {
            ArgumentNullException.ThrowIfNull(model);
            _sampler = new SgdSampler(model, noise, seed);
            _w = new double[model.Dimension];
        }

        /// <summary>Draws one sample and adds <paramref name="scale"/> · ∇_w(f(xᵀw) − y)² = scale · 2(f(xᵀw) − y) f′(xᵀw) x to
        /// <paramref name="accumulator"/>, y = g(xᵀw*) + σξ. Returns the coefficient 2(f(xᵀw) − y) f′(xᵀw) (NaN or ∞ signals
        /// divergence); phase retrieval: 4((xᵀw)² − y)(xᵀw), to the last bit.</summary>
        public double AddGradient(ReadOnlySpan<double> w, Span<double> accumulator, double scale)
        {
            Guard.Length(w, _w.Length, "w");
            Guard.Length(accumulator, _w.Length, "accumulator");
            w.CopyTo(_w);
            var sums = _sampler.Draw(_w, 0);
            double coefficient = _sampler.Coefficient(sums.Xw, sums.Xt);
            double c = scale * coefficient;
            var x = _sampler.X;
            for (int i = 0; i < x.Length; i++) accumulator[i] += c * x[i];
            return coefficient;
        }
    }

    /// <inheritdoc />
    /// <remarks>One pass over the d-vectors per step: the pass that draws x_k and takes xᵀw, xᵀw* first finishes the previous
    /// step's w ← w − ηc·x_{k−1}, and s, u follow in O(1), recomputed exactly every <see cref="ExactEvery"/> steps. A
    /// mini-batch draws its B samples in one blocked pass and adds them to w in a second.</remarks>
    public SimulationResult Solve(PhaseRetrievalProblem problem, SimulationOptions options, IProgress<SimulationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var run = new DiscreteRun(this, StepSize, problem, options, progress, stochastic: true, alignWeights: true);
        var model = problem.Model;
        var weights = run.Weights;
        var sampler = new SgdSampler(model, LabelNoise(model), Seed, BatchSize);
        var initial = model.Statistics(weights);
        double s = initial.S, u = initial.U, pending = 0, eta = StepSize;
        var probe = DriftProbe;

        void Settle()
        {
            if (pending == 0) return;
            sampler.Apply(weights, pending);
            pending = 0;
        }

        DiscreteState Finish(long k, double sNew, double uNew, bool finite)
        {
            // Overflow can first show in s (a finite sample step, an infinite sum of squares): a model's loss refuses it.
            if (!finite || !double.IsFinite(sNew) || !double.IsFinite(uNew)) throw run.Recorder.Diverged(k);
            // A sample step needs f, f′ and g only; P and P_s serve the critical-crossing marker, so once it is reached another
            // model's P (a quadrature costs milliseconds) is not evaluated per step. Phase retrieval's, cheap, keeps its checks.
            if (!model.IsPhaseRetrieval && run.Recorder.CriticalCrossing.Reached) return new DiscreteState(sNew, uNew, 0, double.NaN);
            var p = model.Derivatives(new SummaryStatistics(sNew, uNew));
            return new DiscreteState(sNew, uNew, p.Value, p.Ps);
        }

        Func<long, DiscreteState> step;
        if (BatchSize == 1)
        {
            step = k =>
            {
                var sums = sampler.Draw(weights, pending);
                double a = -eta * sampler.Coefficient(sums.Xw, sums.Xt);
                (s, u, pending) = (sums.NextS(s, a), sums.NextU(u, a), a);
                if (k % ExactEvery == 0)
                {
                    Settle();
                    (s, u) = model.Statistics(weights);
                }
                if (probe is not null)
                {
                    Settle();
                    probe(k, new SummaryStatistics(s, u), model.Statistics(weights));
                }
                return Finish(k, s, u, double.IsFinite(a));
            };
        }
        else
        {
            int rows = sampler.Rows;
            var xw = new double[rows];
            var xt = new double[rows];
            var a = new double[rows];
            var gradient = rows < BatchSize ? new double[weights.Count] : null; // chunks of the batch add up here first
            step = k =>
            {
                bool finite = true;
                for (int done = 0; done < BatchSize; done += rows)
                {
                    int m = Math.Min(rows, BatchSize - done);
                    sampler.DrawBatch(weights, m, xw, xt);
                    for (int b = 0; b < m; b++)
                    {
                        a[b] = -eta / BatchSize * sampler.Coefficient(xw[b], xt[b]);
                        finite &= double.IsFinite(a[b]);
                    }
                    sampler.AddBatch(gradient ?? (Span<double>)weights, a.AsSpan(0, m));
                }
                if (gradient is not null)
                {
                    var w = weights.AsSpan();
                    for (int i = 0; i < w.Length; i++) w[i] += gradient[i];
                    Array.Clear(gradient);
                }
                (s, u) = model.Statistics(weights);
                probe?.Invoke(k, new SummaryStatistics(s, u), new SummaryStatistics(s, u));
                return Finish(k, s, u, finite);
            };
        }
        return run.Run(initial.S, initial.U, step, reportEvery: 256, evaluationsPerStep: BatchSize, cancellationToken, Settle);
    }
}
