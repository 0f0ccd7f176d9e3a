using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace PhaseFlow.Ode;

/// <summary>The linear algebra of an implicit or Rosenbrock step: evaluates the Jacobian J = ∂f/∂y at a point, factors
/// σI − J for a shift σ = 1/(hγ), and solves with it. Implement it to plug in a structure of your own.</summary>
public interface IJacobianSolver
{
    /// <summary>Dimension the solver was built for.</summary>
    int Dimension { get; }

    /// <summary>Evaluates (or approximates) the Jacobian at (t, y).</summary>
    void Update(double t, ReadOnlySpan<double> y);

    /// <summary>Factors σI − J for the last Jacobian; false when the matrix is singular to working precision.</summary>
    bool Factorize(double sigma);

    /// <summary>Overwrites <paramref name="b"/> with (σI − J)⁻¹ b.</summary>
    void Solve(Span<double> b);
}

/// <summary>Fills J = ∂f/∂y at (t, y) into a dense matrix.</summary>
public delegate void DenseJacobian(double t, ReadOnlySpan<double> y, Matrix<double> jacobian);

/// <summary>Fills the structured Jacobian J = diag(D) + U Vᵀ at (t, y): <paramref name="diagonal"/> has n entries,
/// <paramref name="u"/> and <paramref name="v"/> hold the r columns of U and V one after another (column k at k·n).
/// Every entry must be written: the buffers are reused between calls.</summary>
public delegate void DiagonalLowRankJacobian(double t, ReadOnlySpan<double> y, Span<double> diagonal, Span<double> u, Span<double> v);

/// <summary>Dense Jacobian (analytic or forward differences) with LU factorisation from MathNet.Numerics: for small systems.</summary>
public sealed class DenseJacobianSolver : IJacobianSolver
{
    private readonly DenseJacobian? _analytic;
    private readonly OdeFunction? _function;
    private readonly Matrix<double> _jacobian;
    private readonly double[] _f0, _f1, _yPerturbed;
    private LU<double>? _lu;
    private readonly Vector<double> _rhs, _solution;

    private DenseJacobianSolver(int n, DenseJacobian? analytic, OdeFunction? function)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be >= 1.");
        Dimension = n;
        _analytic = analytic;
        _function = function;
        _jacobian = Matrix<double>.Build.Dense(n, n);
        _f0 = new double[n];
        _f1 = new double[n];
        _yPerturbed = new double[n];
        _rhs = Vector<double>.Build.Dense(n);
        _solution = Vector<double>.Build.Dense(n);
    }

    /// <summary>Uses an analytic Jacobian.</summary>
    public static DenseJacobianSolver Analytic(int n, DenseJacobian jacobian) =>
        new(n, jacobian ?? throw new ArgumentNullException(nameof(jacobian)), null);

    /// <summary>Approximates the Jacobian by forward differences of <paramref name="function"/> (n extra evaluations per update).</summary>
    public static DenseJacobianSolver FiniteDifference(int n, OdeFunction function) =>
        new(n, null, function ?? throw new ArgumentNullException(nameof(function)));

    /// <inheritdoc />
    public int Dimension { get; }

    /// <summary>Right-hand-side evaluations spent on finite differences.</summary>
    public long FunctionEvaluations { get; private set; }

    /// <inheritdoc />
    public void Update(double t, ReadOnlySpan<double> y)
    {
        if (_analytic is not null)
        {
            _analytic(t, y, _jacobian);
            return;
        }
        _function!(t, y, _f0);
        FunctionEvaluations++;
        y.CopyTo(_yPerturbed);
        for (int j = 0; j < Dimension; j++)
        {
            double delta = Math.Sqrt(Math.Max(1e-5, Math.Abs(y[j])) * 1e-16 * 2.2);
            _yPerturbed[j] = y[j] + delta;
            _function(t, _yPerturbed, _f1);
            FunctionEvaluations++;
            _yPerturbed[j] = y[j];
            for (int i = 0; i < Dimension; i++) _jacobian[i, j] = (_f1[i] - _f0[i]) / delta;
        }
    }

    /// <inheritdoc />
    public bool Factorize(double sigma)
    {
        var e = -_jacobian;
        for (int i = 0; i < Dimension; i++) e[i, i] += sigma;
        _lu = e.LU();
        // Not the determinant: it overflows for n ≳ 50 when σ = 1/(hγ) is large, which would reject every step.
        var upper = _lu.U;
        for (int i = 0; i < Dimension; i++)
        {
            double pivot = upper[i, i];
            if (pivot == 0 || !double.IsFinite(pivot)) return false;
        }
        return true;
    }

    /// <inheritdoc />
    public void Solve(Span<double> b)
    {
        for (int i = 0; i < Dimension; i++) _rhs[i] = b[i];
        _lu!.Solve(_rhs, _solution);
        for (int i = 0; i < Dimension; i++) b[i] = _solution[i];
    }
}

/// <summary>J = diag(D) + U Vᵀ with small rank r, solved by Sherman–Morrison–Woodbury in O(n·r) per solve and O(n·r²)
/// per factorisation, O(n·r) memory: the structure of the phase-retrieval gradient flow (r = 2).</summary>
public sealed class DiagonalLowRankJacobianSolver : IJacobianSolver
{
    private readonly DiagonalLowRankJacobian _jacobian;
    private readonly int _rank;
    private readonly double[] _diagonal, _u, _v;
    private readonly double[] _inverseA;   // 1/(σ − D_i)
    private readonly double[] _inverseAU;  // A⁻¹U, column-major like U
    private readonly double[] _capacitance; // S = I − Vᵀ A⁻¹ U (r×r), LU in place
    private readonly int[] _pivots;
    private readonly double[] _small;

    /// <summary>Creates the solver for dimension <paramref name="n"/> and rank <paramref name="rank"/>.</summary>
    public DiagonalLowRankJacobianSolver(int n, int rank, DiagonalLowRankJacobian jacobian)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be >= 1.");
        if (rank < 0 || rank > 64) throw new ArgumentOutOfRangeException(nameof(rank), rank, "rank must be in [0, 64].");
        _jacobian = jacobian ?? throw new ArgumentNullException(nameof(jacobian));
        Dimension = n;
        _rank = rank;
        _diagonal = new double[n];
        _u = new double[n * rank];
        _v = new double[n * rank];
        _inverseA = new double[n];
        _inverseAU = new double[n * rank];
        _capacitance = new double[rank * rank];
        _pivots = new int[rank];
        _small = new double[rank];
    }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    public void Update(double t, ReadOnlySpan<double> y) => _jacobian(t, y, _diagonal, _u, _v);

    /// <inheritdoc />
    public bool Factorize(double sigma)
    {
        int n = Dimension, r = _rank;
        // (A − UVᵀ)⁻¹ = A⁻¹ + A⁻¹U S⁻¹ Vᵀ A⁻¹ with A = σI − diag(D) and S = I − Vᵀ A⁻¹ U; one blocked pass builds
        // A⁻¹, A⁻¹U and the r² entries of VᵀA⁻¹U while each block is in cache.
        Array.Clear(_capacitance);
        for (int start = 0; start < n; start += BlockedKernels.Block)
        {
            int len = Math.Min(BlockedKernels.Block, n - start);
            var inv = _inverseA.AsSpan(start, len);
            var diag = _diagonal.AsSpan(start, len);
            for (int i = 0; i < len; i++)
            {
                double a = sigma - diag[i];
                if (a == 0 || !double.IsFinite(a)) return false;
                inv[i] = 1 / a;
            }
            for (int q = 0; q < r; q++)
            {
                var au = _inverseAU.AsSpan(q * n + start, len);
                var uq = _u.AsSpan(q * n + start, len);
                for (int i = 0; i < len; i++) au[i] = inv[i] * uq[i];
                for (int p = 0; p < r; p++) _capacitance[p * r + q] -= BlockedKernels.Dot(_v.AsSpan(p * n + start, len), au);
            }
        }
        for (int p = 0; p < r; p++) _capacitance[p * r + p] += 1;
        return SmallLu(_capacitance, _pivots, r);
    }

    /// <inheritdoc />
    public void Solve(Span<double> b)
    {
        int n = Dimension, r = _rank;
        Array.Clear(_small);
        // Pass 1, block by block: z = A⁻¹b and the r dot products Vᵀz while the block is in cache.
        for (int start = 0; start < n; start += BlockedKernels.Block)
        {
            int len = Math.Min(BlockedKernels.Block, n - start);
            var blk = b.Slice(start, len);
            var inv = _inverseA.AsSpan(start, len);
            for (int i = 0; i < len; i++) blk[i] *= inv[i];
            for (int p = 0; p < r; p++) _small[p] += BlockedKernels.Dot(_v.AsSpan(p * n + start, len), blk);
        }
        if (r == 0) return;
        SmallSolve(_capacitance, _pivots, r, _small);
        // Pass 2: x = z + A⁻¹U S⁻¹ Vᵀz.
        for (int start = 0; start < n; start += BlockedKernels.Block)
        {
            int len = Math.Min(BlockedKernels.Block, n - start);
            var blk = b.Slice(start, len);
            for (int q = 0; q < r; q++) BlockedKernels.Axpy(_small[q], _inverseAU.AsSpan(q * n + start, len), blk);
        }
    }

    /// <summary>LU with partial pivoting of an r×r row-major matrix, in place; false if singular.</summary>
    private static bool SmallLu(double[] a, int[] pivots, int r)
    {
        double scale = 0;
        foreach (double x in a.AsSpan(0, r * r)) scale = Math.Max(scale, Math.Abs(x));
        for (int k = 0; k < r; k++)
        {
            int p = k;
            for (int i = k + 1; i < r; i++)
                if (Math.Abs(a[i * r + k]) > Math.Abs(a[p * r + k])) p = i;
            pivots[k] = p;
            if (!(Math.Abs(a[p * r + k]) > 1e-14 * scale)) return false;
            if (p != k)
                for (int j = 0; j < r; j++) (a[k * r + j], a[p * r + j]) = (a[p * r + j], a[k * r + j]);
            for (int i = k + 1; i < r; i++)
            {
                double m = a[i * r + k] /= a[k * r + k];
                for (int j = k + 1; j < r; j++) a[i * r + j] -= m * a[k * r + j];
            }
        }
        return true;
    }

    private static void SmallSolve(double[] lu, int[] pivots, int r, double[] x)
    {
        // Full-row swaps were applied during factorisation: permute first, then substitute.
        for (int k = 0; k < r; k++)
        {
            int p = pivots[k];
            if (p != k) (x[k], x[p]) = (x[p], x[k]);
        }
        for (int k = 0; k < r; k++)
            for (int i = k + 1; i < r; i++) x[i] -= lu[i * r + k] * x[k];
        for (int k = r - 1; k >= 0; k--)
        {
            double s = x[k];
            for (int j = k + 1; j < r; j++) s -= lu[k * r + j] * x[j];
            x[k] = s / lu[k * r + k];
        }
    }
}
