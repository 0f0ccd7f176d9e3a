namespace PhaseFlow.Volterra;

/// <summary>The history sum of one grid, fed the grid values in order: after <see cref="Accept"/> of u_0 … u_{n−1},
/// <see cref="History"/> returns Σ_{j&lt;n} w_{n,j} k(t_n, t_j, u_j) (without the factor h).</summary>
internal abstract class HistoryEngine
{
    protected HistoryEngine(int dimension, QuadratureRule rule, int steps, double h)
    {
        Dimension = dimension;
        Rule = rule;
        Steps = steps;
        H = h;
    }

    public int Dimension { get; }

    public QuadratureRule Rule { get; }

    public int Steps { get; }

    public double H { get; }

    public double Time(int step) => step * H;

    /// <summary>True when ∂k(t_n, t_n, u)/∂u depends on neither n nor u (linear convolution and exponential sums).</summary>
    public virtual bool JacobianIsConstant => false;

    /// <summary>k affine in u: one Newton step is exact.</summary>
    public abstract bool IsLinear { get; }

    public abstract long KernelEvaluations { get; }

    public virtual long FftCount => 0;

    public abstract void Accept(int step, ReadOnlySpan<double> u);

    public abstract void History(int step, Span<double> sum);

    /// <summary>k(t_n, t_n, u).</summary>
    public abstract void Implicit(int step, ReadOnlySpan<double> u, Span<double> k);

    /// <summary>∂k(t_n, t_n, u)/∂u.</summary>
    public abstract void ImplicitJacobian(int step, ReadOnlySpan<double> u, Span<double> jacobian);
}

/// <summary>Direct O(N²) sums through a general evaluator of k(t, τ, u).</summary>
internal sealed class DirectHistoryEngine : HistoryEngine
{
    private readonly KernelEvaluator _kernel;
    private readonly double[] _u, _k;

    public DirectHistoryEngine(KernelEvaluator kernel, QuadratureRule rule, int steps, double h)
        : base(kernel.Dimension, rule, steps, h)
    {
        _kernel = kernel;
        _u = new double[(steps + 1) * kernel.Dimension];
        _k = new double[kernel.Dimension];
    }

    public override long KernelEvaluations => _kernel.Evaluations;

    public override bool IsLinear => _kernel.IsLinear;

    public override void Accept(int step, ReadOnlySpan<double> u) => u.CopyTo(_u.AsSpan(step * Dimension, Dimension));

    public override void History(int step, Span<double> sum)
    {
        int n = Dimension;
        double t = Time(step);
        sum.Clear();
        for (int j = 0; j < step; j++)
        {
            _kernel.Evaluate(t, Time(j), _u.AsSpan(j * n, n), _k);
            double w = Rule.Weight(step, j);
            for (int i = 0; i < n; i++) sum[i] += w * _k[i];
        }
    }

    public override void Implicit(int step, ReadOnlySpan<double> u, Span<double> k)
    {
        double t = Time(step);
        _kernel.Evaluate(t, t, u, k);
    }

    public override void ImplicitJacobian(int step, ReadOnlySpan<double> u, Span<double> jacobian) =>
        _kernel.Jacobian(Time(step), u, jacobian);
}

/// <summary>Σ_j w_{n,j} K((n − j)h) G_j. Direct: O(N²). Fast: the lag ≥ 1 sum Σ_{j&lt;n} K_{n−j} G_j by the
/// Hairer–Lubich–Schlichte splitting — once u_0 … u_{e−1} are known, with e = B·(odd), the block [e − B, e) is
/// convolved with K by one FFT of size 2B into the accumulators of [e, e + B); pairs inside one leaf of size
/// <see cref="LeafSize"/> are summed directly. Every pair j &lt; n is counted exactly once (in the block pair where
/// their binary subdivisions split), so the cost is O(N log² N) with the K spectra cached per block size.</summary>
internal sealed class ConvolutionHistoryEngine : HistoryEngine
{
    /// <summary>Direct sums inside leaves of this size; 64 and 128 timed alike at N = 2^20 (0.60 s, 0.63 s), 256 took 1.2 s.</summary>
    public const int LeafSize = 64;

    private readonly ConvolutionKernel _kernel;
    private readonly NonlinearityEvaluator _g;
    private readonly bool _fast;
    private readonly double[] _kValues;   // K_m = K(m h), m = 0..N, each n×n
    private readonly double[] _gValues;   // G_j, each n
    private readonly double[]? _accumulated;
    private readonly double[] _gScratch, _jacobianScratch;
    private readonly List<Level?> _levels = [];
    private readonly RealFft? _fft;
    private long _kernelCalls, _ffts;

    private sealed class Level(int blockSize, int dimension)
    {
        public readonly int BlockSize = blockSize;
        public double[][]? KernelSpectra;   // n² spectra of [0, K_1, …, K_{2B−1}], packed real FFT, scaled by 1/(2B)
        public readonly double[][] InputSpectra = NewArrays(dimension, 2 * blockSize + 2);
        public readonly double[] Output = new double[2 * blockSize + 2];

        private static double[][] NewArrays(int count, int length)
        {
            var a = new double[count][];
            for (int i = 0; i < count; i++) a[i] = new double[length];
            return a;
        }
    }

    public ConvolutionHistoryEngine(ConvolutionKernel kernel, QuadratureRule rule, int steps, double h, bool fast)
        : base(kernel.Dimension, rule, steps, h)
    {
        int n = Dimension, nn = n * n;
        _kernel = kernel;
        _fast = fast && steps > LeafSize;
        _g = new NonlinearityEvaluator(n, kernel.Nonlinearity, kernel.NonlinearityJacobian);
        _kValues = new double[(steps + 1) * nn];
        for (int m = 0; m <= steps; m++) kernel.Kernel(m * h, _kValues.AsSpan(m * nn, nn));
        _kernelCalls = steps + 1;
        _gValues = new double[(steps + 1) * n];
        if (_fast)
        {
            _accumulated = new double[(steps + 1) * n];
            int largestBlock = LeafSize;
            while (2 * largestBlock <= steps) largestBlock *= 2;
            _fft = new RealFft(2 * largestBlock);
        }
        _gScratch = new double[n];
        _jacobianScratch = new double[nn];
    }

    public override bool JacobianIsConstant => _kernel.IsLinear;

    public override bool IsLinear => _kernel.IsLinear;

    public override long KernelEvaluations => _kernelCalls + _g.Evaluations;

    public override long FftCount => _ffts;

    public override void Accept(int step, ReadOnlySpan<double> u)
    {
        int n = Dimension;
        _g.Evaluate(Time(step), u, _gValues.AsSpan(step * n, n));
        int end = step + 1;
        if (!_fast || end > Steps || end % LeafSize != 0) return;
        int block = LeafSize, level = 0;
        while ((end / block) % 2 == 0) { block *= 2; level++; }
        ConvolveBlock(end - block, block, level);
    }

    public override void History(int step, Span<double> sum)
    {
        int n = Dimension, nn = n * n;
        var k = _kValues;
        var g = _gValues;
        int start = _fast ? step / LeafSize * LeafSize : 0;
        if (_fast) _accumulated.AsSpan(step * n, n).CopyTo(sum);
        else sum.Clear();
        if (n == 1)
        {
            double s = 0;
            for (int j = start; j < step; j++) s += k[step - j] * g[j];
            sum[0] += s;
        }
        else
        {
            for (int j = start; j < step; j++)
                DenseLinearAlgebra.MultiplyAdd(k.AsSpan((step - j) * nn, nn), g.AsSpan(j * n, n), sum, 1);
        }
        var left = Rule.Left;
        for (int j = 0; j < left.Length && j < step; j++)
            DenseLinearAlgebra.MultiplyAdd(k.AsSpan((step - j) * nn, nn), g.AsSpan(j * n, n), sum, left[j]);
        var right = Rule.Right;
        for (int lag = 1; lag <= right.Length && lag <= step; lag++)
            DenseLinearAlgebra.MultiplyAdd(k.AsSpan(lag * nn, nn), g.AsSpan((step - lag) * n, n), sum, right[lag - 1]);
    }

    public override void Implicit(int step, ReadOnlySpan<double> u, Span<double> k)
    {
        _g.Evaluate(Time(step), u, _gScratch);
        DenseLinearAlgebra.Multiply(_kValues.AsSpan(0, Dimension * Dimension), _gScratch, k);
    }

    public override void ImplicitJacobian(int step, ReadOnlySpan<double> u, Span<double> jacobian)
    {
        _g.Jacobian(Time(step), u, _jacobianScratch);
        DenseLinearAlgebra.MultiplyMatrices(_kValues.AsSpan(0, Dimension * Dimension), _jacobianScratch, jacobian, Dimension);
    }

    /// <summary>Adds Σ_{j ∈ [lo, lo+B)} K_{m−j} G_j to the accumulators of m ∈ [lo + B, lo + 2B) ∩ [0, N]. The circular
    /// convolution of size 2B does not alias there: the linear one reaches index 3B − 2 &lt; 2B + B.</summary>
    private void ConvolveBlock(int lo, int block, int levelIndex)
    {
        int n = Dimension, size = 2 * block, pairs = block + 1;
        var level = GetLevel(levelIndex, block);
        for (int c = 0; c < n; c++)
        {
            var input = level.InputSpectra[c];
            for (int i = 0; i < block; i++) input[i] = _gValues[(lo + i) * n + c];
            Array.Clear(input, block, input.Length - block);
            _fft!.Forward(input, size);
            _ffts++;
        }
        var output = level.Output;
        var acc = _accumulated!;
        int last = Math.Min(lo + size - 1, Steps);
        for (int r = 0; r < n; r++)
        {
            Array.Clear(output);
            for (int c = 0; c < n; c++)
                MultiplyAddSpectra(level.KernelSpectra![r * n + c], level.InputSpectra[c], output, pairs);
            _fft!.Inverse(output, size);
            _ffts++;
            for (int m = lo + block; m <= last; m++) acc[m * n + r] += output[m - lo];
        }
    }

    private static void MultiplyAddSpectra(double[] a, double[] b, double[] sum, int pairs)
    {
        for (int p = 0; p < pairs; p++)
        {
            double ar = a[2 * p], ai = a[2 * p + 1], br = b[2 * p], bi = b[2 * p + 1];
            sum[2 * p] += ar * br - ai * bi;
            sum[2 * p + 1] += ar * bi + ai * br;
        }
    }

    private Level GetLevel(int index, int block)
    {
        while (_levels.Count <= index) _levels.Add(null);
        var level = _levels[index];
        if (level is not null) return level;
        int n = Dimension, nn = n * n, size = 2 * block;
        level = new Level(block, n) { KernelSpectra = new double[nn][] };
        // Lags beyond N never pair with a target ≤ N: zero, so K is not evaluated past TEnd.
        int lastLag = Math.Min(size - 1, Steps);
        double scale = 1.0 / size;
        for (int e = 0; e < nn; e++)
        {
            var spectrum = new double[size + 2];
            for (int m = 1; m <= lastLag; m++) spectrum[m] = _kValues[m * nn + e] * scale;
            _fft!.Forward(spectrum, size);
            _ffts++;
            level.KernelSpectra[e] = spectrum;
        }
        _levels[index] = level;
        return level;
    }
}

/// <summary>Σ_j w_{n,j} Σ_m c_m e^{β_m(Θ_n − Θ_j)} G_j. Fast: per exponent the running sum
/// R_m(n) = Σ_{j&lt;n} (1 + Left[j]) e^{β_m(Θ_n − Θ_j)} G_j, propagated by R_m(n+1) = e^{β_m(Θ_{n+1} − Θ_n)}
/// (R_m(n) + (1 + Left[n]) G_n): only differences of Θ are exponentiated, so Θ → −∞ cannot overflow. The right
/// end corrections (lags 1, 2) are added directly from the last two step factors.</summary>
internal sealed class ExponentialSumHistoryEngine : HistoryEngine
{
    private readonly NonlinearityEvaluator _g;
    private readonly bool _fast;
    private readonly double[] _c, _beta, _theta, _gValues, _running, _factor1, _factor2;
    private readonly double _coefficientSum;
    private readonly ExponentialSumKernel _kernel;

    public ExponentialSumHistoryEngine(ExponentialSumKernel kernel, QuadratureRule rule, int steps, double h, bool fast)
        : base(kernel.Dimension, rule, steps, h)
    {
        int n = Dimension;
        _kernel = kernel;
        _fast = fast;
        _c = kernel.CoefficientArray;
        _beta = kernel.RateArray;
        foreach (double c in _c) _coefficientSum += c;
        _g = new NonlinearityEvaluator(n, kernel.Nonlinearity, kernel.NonlinearityJacobian);
        _theta = new double[steps + 1];
        for (int j = 0; j <= steps; j++)
        {
            _theta[j] = kernel.Theta(Time(j));
            if (!double.IsFinite(_theta[j]))
                throw new VolterraSolverException(VolterraFailureReason.NonFinite, Time(j), $"Θ({Time(j):G6}) = {_theta[j]} is not finite");
        }
        _gValues = new double[(steps + 1) * n];
        int count = _c.Length;
        _running = new double[count * n];
        _factor1 = new double[count];
        _factor2 = new double[count];
    }

    public override bool JacobianIsConstant => _kernel.IsLinear;

    public override bool IsLinear => _kernel.IsLinear;

    public override long KernelEvaluations => _theta.Length + _g.Evaluations;

    public override void Accept(int step, ReadOnlySpan<double> u)
    {
        int n = Dimension;
        var g = _gValues.AsSpan(step * n, n);
        _g.Evaluate(Time(step), u, g);
        if (!_fast || step >= Steps) return;
        double weight = 1 + (step < Rule.Left.Length ? Rule.Left[step] : 0);
        double dTheta = _theta[step + 1] - _theta[step];
        for (int m = 0; m < _c.Length; m++)
        {
            double e = Math.Exp(_beta[m] * dTheta);
            _factor2[m] = _factor1[m];
            _factor1[m] = e;
            var r = _running.AsSpan(m * n, n);
            for (int i = 0; i < n; i++) r[i] = e * (r[i] + weight * g[i]);
        }
    }

    public override void History(int step, Span<double> sum)
    {
        int n = Dimension;
        sum.Clear();
        if (!_fast)
        {
            for (int j = 0; j < step; j++)
            {
                double dTheta = _theta[step] - _theta[j], factor = 0;
                for (int m = 0; m < _c.Length; m++) factor += _c[m] * Math.Exp(_beta[m] * dTheta);
                factor *= Rule.Weight(step, j);
                var g = _gValues.AsSpan(j * n, n);
                for (int i = 0; i < n; i++) sum[i] += factor * g[i];
            }
            return;
        }
        var right = Rule.Right;
        for (int m = 0; m < _c.Length; m++)
        {
            var r = _running.AsSpan(m * n, n);
            double c = _c[m];
            for (int i = 0; i < n; i++) sum[i] += c * r[i];
            double e = 1;
            for (int lag = 1; lag <= right.Length && lag <= step; lag++)
            {
                e *= lag == 1 ? _factor1[m] : _factor2[m];
                double w = c * right[lag - 1] * e;
                var g = _gValues.AsSpan((step - lag) * n, n);
                for (int i = 0; i < n; i++) sum[i] += w * g[i];
            }
        }
    }

    public override void Implicit(int step, ReadOnlySpan<double> u, Span<double> k)
    {
        _g.Evaluate(Time(step), u, k);
        for (int i = 0; i < k.Length; i++) k[i] *= _coefficientSum;
    }

    public override void ImplicitJacobian(int step, ReadOnlySpan<double> u, Span<double> jacobian)
    {
        _g.Jacobian(Time(step), u, jacobian);
        for (int i = 0; i < jacobian.Length; i++) jacobian[i] *= _coefficientSum;
    }
}
