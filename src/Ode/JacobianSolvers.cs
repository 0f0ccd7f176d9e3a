using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace PhaseFlow.Ode;

/// <summary>The linear algebra of an implicit or Rosenbrock step, as an immutable configuration: it creates, for each
/// solve, an <see cref="IJacobianWorkspace"/> that evaluates J = ∂f/∂y, factors σI − J and solves with it. Implement it
/// (and the workspace) to plug in a structure of your own.</summary>
/// <remarks>One instance may be shared by any number of concurrent solves: an implementation keeps no mutable state of
/// its own, everything a solve changes lives in the workspace it creates. Delegates given to an implementation (the
/// Jacobian or the right-hand side) are then called from several threads at once and must be safe for that.</remarks>
public interface IJacobianSolver
{
    /// <summary>Dimension the solver was built for.</summary>
    int Dimension { get; }

    /// <summary>Creates the buffers and state of one solve of <paramref name="problem"/> under <paramref name="options"/>
    /// (whose tolerances set, e.g., the finite-difference increments).</summary>
    IJacobianWorkspace CreateWorkspace(OdeProblem problem, OdeOptions options);
}

/// <summary>The state of one solve's linear algebra: the last Jacobian, its factorisation, and buffers. Used by one
/// thread at a time.</summary>
public interface IJacobianWorkspace
{
    /// <summary>Evaluates (or approximates) the Jacobian at (t, y); <paramref name="f"/> holds f(t, y), already evaluated
    /// by the integrator (the base point of finite differences).</summary>
    void Update(double t, ReadOnlySpan<double> y, ReadOnlySpan<double> f);

    /// <summary>Factors σI − J for the last Jacobian; false when the matrix is singular to working precision.</summary>
    bool Factorize(double sigma);

    /// <summary>Overwrites <paramref name="b"/> with (σI − J)⁻¹ b.</summary>
    void Solve(Span<double> b);

    /// <summary>Right-hand-side evaluations spent by <see cref="Update"/> so far (finite differences; 0 for an analytic
    /// Jacobian). The integrator adds them to <see cref="OdeStatistics.FunctionEvaluations"/>.</summary>
    long FunctionEvaluations { get; }
}

/// <summary>Fills J = ∂f/∂y at (t, y) into a dense matrix.</summary>
public delegate void DenseJacobian(double t, ReadOnlySpan<double> y, Matrix<double> jacobian);

/// <summary>Fills the structured Jacobian J = diag(D) + U Vᵀ at (t, y): <paramref name="diagonal"/> has n entries,
/// <paramref name="u"/> and <paramref name="v"/> hold the r columns of U and V one after another (column k at k·n).
/// Every entry must be written: the buffers are reused between calls.</summary>
public delegate void DiagonalLowRankJacobian(double t, ReadOnlySpan<double> y, Span<double> diagonal, Span<double> u, Span<double> v);

/// <summary>Dense Jacobian (analytic or forward differences) with LU factorisation from MathNet.Numerics: for small systems.</summary>
/// <remarks>Immutable: one instance may serve concurrent solves (each gets its own workspace); the delegate it holds is then
/// called from several threads.</remarks>
public sealed class DenseJacobianSolver : IJacobianSolver
{
    private readonly DenseJacobian? _analytic;
    private readonly OdeFunction? _function;

    private DenseJacobianSolver(int n, DenseJacobian? analytic, OdeFunction? function)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be >= 1.");
        Dimension = n;
        _analytic = analytic;
        _function = function;
    }

    /// <summary>Uses an analytic Jacobian.</summary>
    public static DenseJacobianSolver Analytic(int n, DenseJacobian jacobian) =>
        new(n, jacobian ?? throw new ArgumentNullException(nameof(jacobian)), null);

    /// <summary>Approximates the Jacobian by forward differences of <paramref name="function"/>: n extra evaluations per
    /// update, plus one for each column whose difference is lost in rounding and is retried with a ten times larger
    /// increment. Column j uses h_j = √ε · sign(f_j) · max(atol_j, |y_j|), the increment of SciPy's <c>num_jac</c>, with
    /// atol_j the absolute tolerance of the solve (1e-5 where it is 0): relative to y_j, and to what the error norm
    /// resolves when y_j is below it. Unlike <c>num_jac</c> the factor √ε is not adapted from update to update: a
    /// Rosenbrock method uses J inside the step formula (not only to converge a Newton iteration), and the adapted factor
    /// degraded it on Robertson, Van der Pol and HIRES (docs/ode.md).</summary>
    public static DenseJacobianSolver FiniteDifference(int n, OdeFunction function) =>
        new(n, null, function ?? throw new ArgumentNullException(nameof(function)));

    /// <inheritdoc />
    public int Dimension { get; }

    /// <summary>True for forward differences, false for an analytic Jacobian.</summary>
    public bool IsFiniteDifference => _function is not null;

    /// <inheritdoc />
    public IJacobianWorkspace CreateWorkspace(OdeProblem problem, OdeOptions options)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        if (problem.Dimension != Dimension)
            throw new ArgumentException($"The Jacobian solver is for dimension {Dimension}, the problem has {problem.Dimension}.", nameof(problem));
        options.Validate(problem); // per-component tolerances must match the dimension before they are read
        return new Workspace(this, options);
    }

    private sealed class Workspace : IJacobianWorkspace
    {
        private static readonly double Eps = Math.ScaleB(1, -52), SqrtEps = Math.Sqrt(Eps), DiffReject = Math.Pow(Eps, 0.875);
        private const double RetryFactor = 10, ZeroToleranceThreshold = 1e-5;

        private readonly int _n;
        private readonly DenseJacobian? _analytic;
        private readonly OdeFunction? _function;
        private readonly double[] _values;     // J, column-major (the storage of _jacobian)
        private readonly Matrix<double> _jacobian;
        private readonly double[] _factors;    // LU of σI − J, column-major, in place
        private readonly int[] _pivots;
        private readonly double[] _rhs;
        private readonly double[] _f1 = [], _f2 = [], _yPerturbed = [], _threshold = [];

        public Workspace(DenseJacobianSolver solver, OdeOptions options)
        {
            int n = _n = solver.Dimension;
            _analytic = solver._analytic;
            _function = solver._function;
            _values = new double[n * n];
            _jacobian = Matrix<double>.Build.Dense(n, n, _values);
            _factors = new double[n * n];
            _pivots = new int[n];
            _rhs = new double[n];
            if (_function is null) return;
            _f1 = new double[n];
            _f2 = new double[n];
            _yPerturbed = new double[n];
            _threshold = new double[n];
            for (int j = 0; j < n; j++)
            {
                double atol = options.AbsoluteTolerances is { } atols ? atols[j] : options.AbsoluteTolerance;
                _threshold[j] = atol > 0 ? atol : ZeroToleranceThreshold;
            }
        }

        public long FunctionEvaluations { get; private set; }

        public void Update(double t, ReadOnlySpan<double> y, ReadOnlySpan<double> f)
        {
            if (_analytic is not null)
            {
                _analytic(t, y, _jacobian);
                return;
            }
            int n = _n;
            y.CopyTo(_yPerturbed);
            for (int j = 0; j < n; j++)
            {
                // The increment of SciPy's num_jac (scipy/integrate/_ivp/common.py): √ε times the scale of y_j, which is
                // |y_j| or, below the absolute tolerance, atol_j (what the error norm resolves), in the direction of f_j,
                // taken as the representable difference (y_j + h) − y_j.
                double yj = y[j], factor = SqrtEps;
                double yScale = (f[j] >= 0 ? 1 : -1) * Math.Max(_threshold[j], Math.Abs(yj));
                double h = (yj + factor * yScale) - yj;
                while (h == 0)
                {
                    factor *= RetryFactor;
                    h = (yj + factor * yScale) - yj;
                }
                var fNew = _f1;
                var (maxDiff, scale) = Difference(t, j, yj + h, f, fNew);
                if (maxDiff < DiffReject * scale)
                {
                    // The difference is lost in rounding (below ε^0.875 of |f|): retry with ten times the increment and
                    // keep the column whose largest difference is the larger fraction of |f|, as num_jac does.
                    double hRetry = (yj + RetryFactor * factor * yScale) - yj;
                    var (maxDiffRetry, scaleRetry) = Difference(t, j, yj + hRetry, f, _f2);
                    if (maxDiff * scaleRetry < maxDiffRetry * scale) (h, fNew) = (hRetry, _f2);
                }
                var column = _values.AsSpan(j * n, n);
                for (int i = 0; i < n; i++) column[i] = (fNew[i] - f[i]) / h;
            }
        }

        /// <summary>Evaluates f with y_j replaced by <paramref name="yj"/> into <paramref name="fNew"/>; returns the largest
        /// |fNew_i − f_i| and max(|f_i|, |fNew_i|) at that i.</summary>
        private (double MaxDiff, double Scale) Difference(double t, int j, double yj, ReadOnlySpan<double> f, double[] fNew)
        {
            double saved = _yPerturbed[j];
            _yPerturbed[j] = yj;
            _function!(t, _yPerturbed, fNew);
            FunctionEvaluations++;
            _yPerturbed[j] = saved;
            int arg = 0;
            double maxDiff = Math.Abs(fNew[0] - f[0]);
            for (int i = 1; i < f.Length; i++)
            {
                double d = Math.Abs(fNew[i] - f[i]);
                if (d > maxDiff) { maxDiff = d; arg = i; }
            }
            return (maxDiff, Math.Max(Math.Abs(f[arg]), Math.Abs(fNew[arg])));
        }

        public bool Factorize(double sigma)
        {
            // σI − J into the factor buffer, then MathNet's LU in place (what DenseLU does, without its allocations).
            int n = _n;
            for (int k = 0; k < _values.Length; k++) _factors[k] = -_values[k];
            for (int i = 0; i < n; i++) _factors[i * n + i] += sigma;
            LinearAlgebraControl.Provider.LUFactor(_factors, n, _pivots);
            // Not the determinant: it overflows for n ≳ 50 when σ = 1/(hγ) is large, which would reject every step.
            for (int i = 0; i < n; i++)
            {
                double pivot = _factors[i * n + i];
                if (pivot == 0 || !double.IsFinite(pivot)) return false;
            }
            return true;
        }

        public void Solve(Span<double> b)
        {
            b.CopyTo(_rhs);
            LinearAlgebraControl.Provider.LUSolveFactored(1, _factors, _n, _pivots, _rhs);
            _rhs.CopyTo(b);
        }
    }
}

/// <summary>J = diag(D) + U Vᵀ with small rank r, solved by Sherman–Morrison–Woodbury in O(n·r) per solve and O(n·r²)
/// per factorisation, O(n·r) memory: the structure of the phase-retrieval gradient flow (r = 2).</summary>
/// <remarks>Immutable: one instance may serve concurrent solves (each gets its own workspace); the delegate it holds is then
/// called from several threads.</remarks>
public sealed class DiagonalLowRankJacobianSolver : IJacobianSolver
{
    private readonly DiagonalLowRankJacobian _jacobian;

    /// <summary>Creates the solver for dimension <paramref name="n"/> and rank <paramref name="rank"/>.</summary>
    public DiagonalLowRankJacobianSolver(int n, int rank, DiagonalLowRankJacobian jacobian)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be >= 1.");
        if (rank < 0 || rank > 64) throw new ArgumentOutOfRangeException(nameof(rank), rank, "rank must be in [0, 64].");
        _jacobian = jacobian ?? throw new ArgumentNullException(nameof(jacobian));
        Dimension = n;
        Rank = rank;
    }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <summary>Rank r of the correction U Vᵀ.</summary>
    public int Rank { get; }

    /// <inheritdoc />
    public IJacobianWorkspace CreateWorkspace(OdeProblem problem, OdeOptions options)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        if (problem.Dimension != Dimension)
            throw new ArgumentException($"The Jacobian solver is for dimension {Dimension}, the problem has {problem.Dimension}.", nameof(problem));
        options.Validate(problem); // per-component tolerances must match the dimension before they are read
        return new Workspace(Dimension, Rank, _jacobian);
    }

    private sealed class Workspace : IJacobianWorkspace
    {
        private readonly DiagonalLowRankJacobian _jacobian;
        private readonly int _rank;
        private readonly double[] _diagonal, _u, _v;
        private readonly double[] _inverseA;   // 1/(σ − D_i)
        private readonly double[] _inverseAU;  // A⁻¹U, column-major like U
        private readonly double[] _capacitance; // S = I − Vᵀ A⁻¹ U (r×r), LU in place
        private readonly int[] _pivots;
        private readonly double[] _small;

        public Workspace(int n, int rank, DiagonalLowRankJacobian jacobian)
        {
            _jacobian = jacobian;
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

        private int Dimension { get; }

        public long FunctionEvaluations => 0;

        public void Update(double t, ReadOnlySpan<double> y, ReadOnlySpan<double> f) => _jacobian(t, y, _diagonal, _u, _v);

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
}
