namespace PhaseFlow.Volterra;

/// <summary>Forward-difference step: √ε balances truncation against rounding.</summary>
internal static class FiniteDifference
{
    public static double Step(double x) => 1.4901161193847656e-8 * Math.Max(1, Math.Abs(x));
}

/// <summary>G(τ, u) with its Jacobian (identity when G = u, forward differences when no Jacobian is given).</summary>
internal sealed class NonlinearityEvaluator
{
    private readonly int _n;
    private readonly VolterraNonlinearity? _g;
    private readonly VolterraNonlinearityJacobian? _jacobian;
    private readonly double[] _shifted, _g0, _g1;

    public NonlinearityEvaluator(int n, VolterraNonlinearity? g, VolterraNonlinearityJacobian? jacobian)
    {
        _n = n;
        _g = g;
        _jacobian = jacobian;
        _shifted = new double[n];
        _g0 = new double[n];
        _g1 = new double[n];
    }

    public long Evaluations { get; private set; }

    public void Evaluate(double t, ReadOnlySpan<double> u, Span<double> g)
    {
        if (_g is null) { u.CopyTo(g); return; }
        Evaluations++;
        _g(t, u, g);
    }

    public void Jacobian(double t, ReadOnlySpan<double> u, Span<double> jacobian)
    {
        int n = _n;
        if (_g is null)
        {
            jacobian.Clear();
            for (int i = 0; i < n; i++) jacobian[i * n + i] = 1;
            return;
        }
        if (_jacobian is not null) { _jacobian(t, u, jacobian); return; }
        Evaluate(t, u, _g0);
        u.CopyTo(_shifted);
        for (int c = 0; c < n; c++)
        {
            double step = FiniteDifference.Step(u[c]);
            _shifted[c] = u[c] + step;
            step = _shifted[c] - u[c];
            Evaluate(t, _shifted, _g1);
            for (int r = 0; r < n; r++) jacobian[r * n + c] = (_g1[r] - _g0[r]) / step;
            _shifted[c] = u[c];
        }
    }
}

/// <summary>k(t, τ, u) for any τ ≤ t, and ∂k(t, t, u)/∂u, with per-solve scratch (kernels themselves stay immutable).</summary>
internal abstract class KernelEvaluator
{
    protected KernelEvaluator(int dimension, bool isLinear)
    {
        Dimension = dimension;
        IsLinear = isLinear;
    }

    public int Dimension { get; }

    public bool IsLinear { get; }

    public abstract long Evaluations { get; }

    public abstract void Evaluate(double t, double tau, ReadOnlySpan<double> u, Span<double> k);

    /// <summary>∂k(t, t, u)/∂u, n×n row-major.</summary>
    public abstract void Jacobian(double t, ReadOnlySpan<double> u, Span<double> jacobian);
}

internal sealed class GeneralEvaluator : KernelEvaluator
{
    private readonly GeneralKernel _kernel;
    private readonly double[] _shifted, _k0, _k1;
    private long _evaluations;

    public GeneralEvaluator(GeneralKernel kernel) : base(kernel.Dimension, kernel.IsLinear)
    {
        _kernel = kernel;
        _shifted = new double[kernel.Dimension];
        _k0 = new double[kernel.Dimension];
        _k1 = new double[kernel.Dimension];
    }

    public override long Evaluations => _evaluations;

    public override void Evaluate(double t, double tau, ReadOnlySpan<double> u, Span<double> k)
    {
        _evaluations++;
        _kernel.Function(t, tau, u, k);
    }

    public override void Jacobian(double t, ReadOnlySpan<double> u, Span<double> jacobian)
    {
        if (_kernel.Jacobian is not null) { _kernel.Jacobian(t, t, u, jacobian); return; }
        int n = Dimension;
        Evaluate(t, t, u, _k0);
        u.CopyTo(_shifted);
        for (int c = 0; c < n; c++)
        {
            double step = FiniteDifference.Step(u[c]);
            _shifted[c] = u[c] + step;
            step = _shifted[c] - u[c];
            Evaluate(t, t, _shifted, _k1);
            for (int r = 0; r < n; r++) jacobian[r * n + c] = (_k1[r] - _k0[r]) / step;
            _shifted[c] = u[c];
        }
    }
}

internal sealed class ConvolutionEvaluator : KernelEvaluator
{
    private readonly ConvolutionKernel _kernel;
    private readonly NonlinearityEvaluator _g;
    private readonly double[] _matrix, _gValue, _gJacobian;
    private long _kernelCalls;

    public ConvolutionEvaluator(ConvolutionKernel kernel) : base(kernel.Dimension, kernel.IsLinear)
    {
        int n = kernel.Dimension;
        _kernel = kernel;
        _g = new NonlinearityEvaluator(n, kernel.Nonlinearity, kernel.NonlinearityJacobian);
        _matrix = new double[n * n];
        _gValue = new double[n];
        _gJacobian = new double[n * n];
    }

    public override long Evaluations => _kernelCalls + _g.Evaluations;

    public override void Evaluate(double t, double tau, ReadOnlySpan<double> u, Span<double> k)
    {
        _kernelCalls++;
        _kernel.Kernel(t - tau, _matrix);
        _g.Evaluate(tau, u, _gValue);
        DenseLinearAlgebra.Multiply(_matrix, _gValue, k);
    }

    public override void Jacobian(double t, ReadOnlySpan<double> u, Span<double> jacobian)
    {
        _kernelCalls++;
        _kernel.Kernel(0, _matrix);
        _g.Jacobian(t, u, _gJacobian);
        DenseLinearAlgebra.MultiplyMatrices(_matrix, _gJacobian, jacobian, Dimension);
    }
}

internal sealed class ExponentialSumEvaluator : KernelEvaluator
{
    private readonly ExponentialSumKernel _kernel;
    private readonly NonlinearityEvaluator _g;
    private readonly double[] _gValue;
    private readonly double _coefficientSum;
    private long _thetaCalls;

    public ExponentialSumEvaluator(ExponentialSumKernel kernel) : base(kernel.Dimension, kernel.IsLinear)
    {
        _kernel = kernel;
        _g = new NonlinearityEvaluator(kernel.Dimension, kernel.Nonlinearity, kernel.NonlinearityJacobian);
        _gValue = new double[kernel.Dimension];
        foreach (double c in kernel.CoefficientArray) _coefficientSum += c;
    }

    public override long Evaluations => _thetaCalls + _g.Evaluations;

    public override void Evaluate(double t, double tau, ReadOnlySpan<double> u, Span<double> k)
    {
        _thetaCalls += 2;
        // Only the difference Θ(t) − Θ(τ) is exponentiated: no overflow when Θ → −∞.
        double dTheta = _kernel.Theta(t) - _kernel.Theta(tau);
        double factor = 0;
        var c = _kernel.CoefficientArray;
        var beta = _kernel.RateArray;
        for (int m = 0; m < c.Length; m++) factor += c[m] * Math.Exp(beta[m] * dTheta);
        _g.Evaluate(tau, u, _gValue);
        for (int i = 0; i < k.Length; i++) k[i] = factor * _gValue[i];
    }

    public override void Jacobian(double t, ReadOnlySpan<double> u, Span<double> jacobian)
    {
        _g.Jacobian(t, u, jacobian);
        for (int i = 0; i < jacobian.Length; i++) jacobian[i] *= _coefficientSum;
    }
}
