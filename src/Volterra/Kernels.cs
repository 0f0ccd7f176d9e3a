using System.Globalization;
using PhaseFlow.Foundation;

namespace PhaseFlow.Volterra;

/// <summary>The kernel k(t, τ, u) of the second-kind Volterra equation u(t) = f(t) + ∫_0^t k(t, τ, u(τ)) dτ, u ∈ ℝⁿ.
/// Its subclasses say which history algorithms apply: any kernel can be summed directly (O(N²)); convolution and
/// exponential-sum kernels also have fast history sums.</summary>
public abstract class VolterraKernel
{
    private protected VolterraKernel(int dimension)
    {
        if (dimension < 1)
            throw new InvalidParameterException("dimension", ">= 1", dimension.ToString(CultureInfo.InvariantCulture));
        Dimension = dimension;
    }

    /// <summary>The dimension n of u.</summary>
    public int Dimension { get; }

    /// <summary>True when k is affine in u, so each step is a single linear solve (no Newton iteration).</summary>
    public abstract bool IsLinear { get; }

    /// <summary>A general evaluator of k(t, τ, u) with its own scratch; used for direct sums and the starting procedure.</summary>
    internal abstract KernelEvaluator CreateEvaluator();

    /// <summary>The history sum for one grid of <paramref name="steps"/> steps of size <paramref name="h"/>.</summary>
    internal abstract HistoryEngine CreateEngine(HistoryAlgorithm algorithm, QuadratureRule rule, int steps, double h);
}

/// <summary>A general kernel k(t, τ, u). Only direct history (O(N²) kernel evaluations) applies.</summary>
public sealed class GeneralKernel : VolterraKernel
{
    /// <summary>Creates the kernel.</summary>
    /// <param name="dimension">n ≥ 1.</param>
    /// <param name="k">k(t, τ, u), called with τ ≤ t.</param>
    /// <param name="jacobian">∂k/∂u; when null, forward differences are used.</param>
    /// <param name="isLinear">Set when k is affine in u: each step is then one linear solve.</param>
    public GeneralKernel(int dimension, GeneralKernelFunction k, GeneralKernelJacobian? jacobian = null, bool isLinear = false)
        : base(dimension)
    {
        Function = k ?? throw new ArgumentNullException(nameof(k));
        Jacobian = jacobian;
        IsLinear = isLinear;
    }

    /// <summary>k(t, τ, u).</summary>
    public GeneralKernelFunction Function { get; }

    /// <summary>∂k/∂u, or null for finite differences.</summary>
    public GeneralKernelJacobian? Jacobian { get; }

    /// <inheritdoc/>
    public override bool IsLinear { get; }

    internal override KernelEvaluator CreateEvaluator() => new GeneralEvaluator(this);

    internal override HistoryEngine CreateEngine(HistoryAlgorithm algorithm, QuadratureRule rule, int steps, double h) =>
        new DirectHistoryEngine(CreateEvaluator(), rule, steps, h);
}

/// <summary>A convolution kernel k(t, τ, u) = K(t − τ) G(τ, u) with an n×n matrix K and G(τ, u) = u when no
/// nonlinearity is given. Fast history: FFT-based divide and conquer, O(N log² N).</summary>
public sealed class ConvolutionKernel : VolterraKernel
{
    private ConvolutionKernel(int dimension, MatrixKernelFunction kernel, VolterraNonlinearity? g, VolterraNonlinearityJacobian? gJacobian)
        : base(dimension)
    {
        Kernel = kernel ?? throw new ArgumentNullException(nameof(kernel));
        Nonlinearity = g;
        NonlinearityJacobian = gJacobian;
    }

    /// <summary>A scalar (n = 1) kernel K(x) G(τ, u).</summary>
    /// <param name="kernel">K(x), x ≥ 0.</param>
    /// <param name="g">G(τ, u); null means G = u (linear).</param>
    /// <param name="gJacobian">∂G/∂u; when null with a non-null <paramref name="g"/>, forward differences are used.</param>
    public static ConvolutionKernel Scalar(Func<double, double> kernel, VolterraNonlinearity? g = null, VolterraNonlinearityJacobian? gJacobian = null)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        return new ConvolutionKernel(1, (x, k) => k[0] = kernel(x), g, gJacobian);
    }

    /// <summary>A matrix kernel K(x) (n×n, row-major) times G(τ, u).</summary>
    /// <param name="dimension">n ≥ 1.</param>
    /// <param name="kernel">K(x), x ≥ 0.</param>
    /// <param name="g">G(τ, u); null means G = u (linear).</param>
    /// <param name="gJacobian">∂G/∂u; when null with a non-null <paramref name="g"/>, forward differences are used.</param>
    public static ConvolutionKernel Matrix(int dimension, MatrixKernelFunction kernel, VolterraNonlinearity? g = null, VolterraNonlinearityJacobian? gJacobian = null) =>
        new(dimension, kernel, g, gJacobian);

    /// <summary>K(x).</summary>
    public MatrixKernelFunction Kernel { get; }

    /// <summary>G(τ, u), or null for G = u.</summary>
    public VolterraNonlinearity? Nonlinearity { get; }

    /// <summary>∂G/∂u, or null.</summary>
    public VolterraNonlinearityJacobian? NonlinearityJacobian { get; }

    /// <inheritdoc/>
    public override bool IsLinear => Nonlinearity is null;

    internal override KernelEvaluator CreateEvaluator() => new ConvolutionEvaluator(this);

    internal override HistoryEngine CreateEngine(HistoryAlgorithm algorithm, QuadratureRule rule, int steps, double h) =>
        new ConvolutionHistoryEngine(this, rule, steps, h, algorithm == HistoryAlgorithm.Fast);
}

/// <summary>An exponential-sum kernel k(t, τ, u) = Σ_j c_j e^{β_j (Θ(t) − Θ(τ))} G(τ, u) with scalar c_j, β_j and a
/// given function Θ. Fast history: one running sum per exponent, O(N M n); e^{βΘ} is never formed on its own, so
/// Θ(t) → −∞ does not overflow.</summary>
public sealed class ExponentialSumKernel : VolterraKernel
{
    private readonly double[] _coefficients;
    private readonly double[] _rates;

    /// <summary>Creates the kernel.</summary>
    /// <param name="dimension">n ≥ 1.</param>
    /// <param name="coefficients">c_j, finite, at least one.</param>
    /// <param name="rates">β_j, finite, as many as <paramref name="coefficients"/>.</param>
    /// <param name="theta">Θ(t), finite on [0, TEnd].</param>
    /// <param name="g">G(τ, u); null means G = u (linear).</param>
    /// <param name="gJacobian">∂G/∂u; when null with a non-null <paramref name="g"/>, forward differences are used.</param>
    public ExponentialSumKernel(int dimension, double[] coefficients, double[] rates, Func<double, double> theta,
        VolterraNonlinearity? g = null, VolterraNonlinearityJacobian? gJacobian = null)
        : base(dimension)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        ArgumentNullException.ThrowIfNull(rates);
        if (coefficients.Length == 0)
            throw new InvalidParameterException("coefficients", "non-empty", "length 0");
        if (rates.Length != coefficients.Length)
            throw new InvalidParameterException("rates", $"of the same length as coefficients ({coefficients.Length})", $"length {rates.Length}");
        CheckFinite(coefficients, "coefficients");
        CheckFinite(rates, "rates");
        _coefficients = (double[])coefficients.Clone();
        _rates = (double[])rates.Clone();
        Theta = theta ?? throw new ArgumentNullException(nameof(theta));
        Nonlinearity = g;
        NonlinearityJacobian = gJacobian;
    }

    private static void CheckFinite(double[] values, string name)
    {
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i]))
                throw new InvalidParameterException($"{name}[{i}]", "finite", values[i].ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary>c_j.</summary>
    public ReadOnlySpan<double> Coefficients => _coefficients;

    /// <summary>β_j.</summary>
    public ReadOnlySpan<double> Rates => _rates;

    /// <summary>Θ(t).</summary>
    public Func<double, double> Theta { get; }

    /// <summary>G(τ, u), or null for G = u.</summary>
    public VolterraNonlinearity? Nonlinearity { get; }

    /// <summary>∂G/∂u, or null.</summary>
    public VolterraNonlinearityJacobian? NonlinearityJacobian { get; }

    /// <inheritdoc/>
    public override bool IsLinear => Nonlinearity is null;

    internal double[] CoefficientArray => _coefficients;

    internal double[] RateArray => _rates;

    internal override KernelEvaluator CreateEvaluator() => new ExponentialSumEvaluator(this);

    internal override HistoryEngine CreateEngine(HistoryAlgorithm algorithm, QuadratureRule rule, int steps, double h) =>
        new ExponentialSumHistoryEngine(this, rule, steps, h, algorithm == HistoryAlgorithm.Fast);
}
