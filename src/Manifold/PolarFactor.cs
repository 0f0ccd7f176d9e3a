using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using PhaseFlow.Foundation;

namespace PhaseFlow.Manifold;

/// <summary>How polar(G) = UVᵀ is computed.</summary>
public enum PolarMethod
{
    /// <summary>Exact: MathNet.Numerics' SVD G = U diag(σ) Vᵀ; singular values ≤ <see cref="PolarOptions.RelativeCutoff"/>·σ_max
    /// are dropped. Backward stable; the reference.</summary>
    Svd,

    /// <summary>Exact up to ε·κ(G)²: the symmetric eigen-decomposition (MathNet) of the smaller Gram matrix GGᵀ or GᵀG,
    /// polar(G) = (GGᵀ)^{−1/2} G; eigenvalues ≤ max(cutoff², max(d, m)·ε)·λ_max are dropped (so singular values below
    /// √(max(d, m) ε)·σ_max are not resolved).</summary>
    GramEigen,

    /// <summary>Convergent: the cubic Newton–Schulz iteration X ← X(3I − XᵀX)/2 with the scaling of Chen and Chow (2014),
    /// from G divided by a guaranteed bound on σ_max, iterated until it has converged (quadratically at the end);
    /// singular values below <see cref="PolarOptions.Resolution"/>·σ_max are not resolved.</summary>
    NewtonSchulz,

    /// <summary>Approximate (named as such): Muon's quintic Newton–Schulz, G/‖G‖_F then five steps of
    /// X ← aX + (bA + cA²)X, A = XXᵀ, (a, b, c) = (3.4445, −4.7750, 2.0315). The singular values land in roughly
    /// [0.7, 1.2], not at 1: SpecGD with it follows a different trajectory.</summary>
    MuonNewtonSchulz,
}

/// <summary>Options of the polar factor. Immutable.</summary>
public sealed record PolarOptions
{
    /// <summary>The backend. Default <see cref="PolarMethod.Svd"/>.</summary>
    public PolarMethod Method { get; init; } = PolarMethod.Svd;

    /// <summary>Exact backends: singular values ≤ this fraction of σ_max count as zero and are dropped (never less than
    /// max(d, m)·ε; the Gram eigen-decomposition cannot resolve below √(max(d, m)·ε)). The reduced SpecGD map applies the
    /// same rule to sign(g_i x_i) (<see cref="ManifoldOptions.SignCutoff"/>), so that both agree on what is zero. In
    /// [0, 1e-3]; default 1e-12.</summary>
    public double RelativeCutoff { get; init; } = 1e-12;

    /// <summary>Newton–Schulz (convergent): singular values below this fraction of σ_max are not resolved (they end near 0;
    /// within about three decades below it they may end anywhere in [0, 1]); it also sets the stopping rule
    /// (‖X_{k+1} − X_k‖_F ≤ Resolution·√min(d, m)). In (0, 1e-3]; default 1e-10.</summary>
    public double Resolution { get; init; } = 1e-10;

    /// <summary>Newton–Schulz (convergent): iteration limit; default 200.</summary>
    public int MaxIterations { get; init; } = 200;

    /// <summary>Muon: number of quintic steps; default 5.</summary>
    public int MuonSteps { get; init; } = 5;

    internal void Validate()
    {
        if (!Enum.IsDefined(Method)) throw new InvalidParameterException("polar", "svd, eigen, newton-schulz or muon", Method.ToString());
        if (!(RelativeCutoff >= 0 && RelativeCutoff <= 1e-3)) throw new InvalidParameterException("RelativeCutoff", "in [0, 1e-3]", Check.F(RelativeCutoff));
        if (!(Resolution > 0 && Resolution <= 1e-3)) throw new InvalidParameterException("Resolution", "in (0, 1e-3]", Check.F(Resolution));
        Check.InRange(MaxIterations, 1, 10_000, "MaxIterations");
        Check.InRange(MuonSteps, 1, 100, "MuonSteps");
    }
}

/// <summary>The polar factor of a d×m matrix, with the number of iterations it took (0 for the exact backends).</summary>
/// <param name="Polar">polar(G).</param>
/// <param name="Iterations">Newton–Schulz iterations.</param>
public sealed record PolarResult(Matrix<double> Polar, int Iterations);

/// <summary>polar(G) = UVᵀ from the thin SVD G = U diag(σ) Vᵀ, with zero singular values dropped (so polar(0) = 0), by
/// one of four backends (<see cref="PolarMethod"/>).</summary>
public static class PolarFactor
{
    /// <summary>The polar factor of <paramref name="g"/> by <paramref name="method"/> with default options.</summary>
    public static Matrix<double> Compute(Matrix<double> g, PolarMethod method = PolarMethod.Svd) =>
        Compute(g, new PolarOptions { Method = method }).Polar;

    /// <summary>The polar factor of <paramref name="g"/>.</summary>
    /// <exception cref="InvalidParameterException">Invalid options, or G not finite.</exception>
    /// <exception cref="ManifoldSolverException">Newton–Schulz did not converge within its iteration limit.</exception>
    public static PolarResult Compute(Matrix<double> g, PolarOptions options)
    {
        Check.NotNull(g, "g");
        Check.NotNull(options, "options");
        options.Validate();
        var a = g.ToColumnMajorArray();
        Check.Finite(a, "g");
        var ws = new PolarWorkspace(g.RowCount, g.ColumnCount, options);
        var p = new double[a.Length];
        int iterations = ws.Compute(a, p);
        return new PolarResult(DenseMatrix.OfColumnMajor(g.RowCount, g.ColumnCount, p), iterations);
    }

    /// <summary>The Muon coefficients (a, b, c).</summary>
    public static (double A, double B, double C) MuonCoefficients => (3.4445, -4.7750, 2.0315);
}

/// <summary>Buffers of the polar backends for d×m inputs; the iterations work on the smaller Gram side s = min(d, m).</summary>
internal sealed class PolarWorkspace
{
    private readonly int _d, _m, _s;
    private readonly PolarOptions _options;
    private readonly double[] _x, _xn, _a, _b;
    private readonly double[] _u;

    public PolarWorkspace(int d, int m, PolarOptions options)
    {
        _d = d;
        _m = m;
        _s = Math.Min(d, m);
        _options = options;
        _x = new double[d * m];
        _xn = new double[d * m];
        _a = new double[_s * _s];
        _b = new double[_s * _s];
        _u = new double[d];
    }

    /// <summary>Writes polar(G) into <paramref name="p"/>; returns the iterations used.</summary>
    public int Compute(double[] g, double[] p) => _options.Method switch
    {
        PolarMethod.Svd => Svd(g, p),
        PolarMethod.GramEigen => GramEigen(g, p),
        PolarMethod.NewtonSchulz => NewtonSchulz(g, p),
        _ => Muon(g, p),
    };

    private int Svd(double[] g, double[] p)
    {
        int d = _d, m = _m;
        var svd = DenseMatrix.OfColumnMajor(d, m, g).Svd(computeVectors: true);
        var sv = svd.S;
        double max = sv.Count > 0 ? sv.Maximum() : 0;
        double cut = Math.Max(_options.RelativeCutoff, Math.Max(d, m) * 2.220446049250313e-16) * max;
        int r = 0;
        while (r < sv.Count && sv[r] > cut && sv[r] > 0) r++;
        if (r == 0) { Array.Clear(p); return 0; }
        var u = svd.U.ToColumnMajorArray();      // d×d
        var vt = svd.VT.ToColumnMajorArray();    // m×m; rows 0..r−1 are v_iᵀ
        Blas.Gemm(false, false, d, m, r, 1, u, d, vt, m, 0, p, d);
        return 0;
    }

    private int GramEigen(double[] g, double[] p)
    {
        int d = _d, m = _m, s = _s;
        bool rows = d <= m; // Gram side: GGᵀ (d×d) or GᵀG (m×m)
        if (rows) Blas.Gemm(false, true, d, d, m, 1, g, d, g, d, 0, _a, s, lowerOnly: true);
        else Blas.Gemm(true, false, m, m, d, 1, g, d, g, d, 0, _a, s, lowerOnly: true);
        Blas.MirrorLower(_a, s, s);
        var evd = DenseMatrix.OfColumnMajor(s, s, _a).Evd(Symmetricity.Symmetric);
        var lambda = evd.EigenValues;
        var e = evd.EigenVectors.ToColumnMajorArray();
        double max = 0;
        for (int i = 0; i < s; i++) max = Math.Max(max, lambda[i].Real);
        double cut = Math.Max(_options.RelativeCutoff * _options.RelativeCutoff, Math.Max(d, m) * 2.220446049250313e-16) * max;
        var scale = new double[s];
        for (int i = 0; i < s; i++) scale[i] = lambda[i].Real > cut && max > 0 ? 1 / Math.Sqrt(lambda[i].Real) : 0;
        if (rows)
        {
            // F = EᵀG (s×m), rows scaled by λ^{-1/2}; P = E F.
            Blas.Gemm(true, false, s, m, d, 1, e, s, g, d, 0, _x, s);
            for (int j = 0; j < m; j++)
                for (int i = 0; i < s; i++) _x[j * s + i] *= scale[i];
            Blas.Gemm(false, false, d, m, s, 1, e, s, _x, s, 0, p, d);
        }
        else
        {
            // F = G E (d×s), columns scaled; P = F Eᵀ.
            Blas.Gemm(false, false, d, s, m, 1, g, d, e, s, 0, _x, d);
            for (int j = 0; j < s; j++)
                for (int i = 0; i < d; i++) _x[j * d + i] *= scale[j];
            Blas.Gemm(false, true, d, m, s, 1, _x, d, e, s, 0, p, d);
        }
        return 0;
    }

    /// <summary>A = XXᵀ (d ≤ m) or XᵀX, symmetric, into <paramref name="a"/>.</summary>
    private void Gram(double[] x, double[] a)
    {
        int d = _d, m = _m, s = _s;
        if (d <= m) Blas.Gemm(false, true, d, d, m, 1, x, d, x, d, 0, a, s, lowerOnly: true);
        else Blas.Gemm(true, false, m, m, d, 1, x, d, x, d, 0, a, s, lowerOnly: true);
        Blas.MirrorLower(a, s, s);
    }

    /// <summary>y ← α x + β B x (d ≤ m: B on the left, d×d; else on the right, m×m).</summary>
    private void ApplyGram(double alpha, double[] x, double beta, double[] b, double[] y)
    {
        int d = _d, m = _m, s = _s;
        Array.Copy(x, y, x.Length);
        if (d <= m) Blas.Gemm(false, false, d, m, d, beta, b, s, x, d, alpha, y, d);
        else Blas.Gemm(false, false, d, m, m, beta, x, d, b, s, alpha, y, d);
    }

    private static double FrobeniusNorm(double[] x) => Math.Sqrt(Blas.Dot(x, x));

    /// <summary>Scaled Newton–Schulz (Chen and Chow, 2014): with every singular value of X_k in [ℓ_k, 1],
    /// X_{k+1} = ½ α_k X_k (3I − α_k² X_kᵀX_k), α_k = √(3/(1 + ℓ_k + ℓ_k²)), maps [ℓ_k, 1] onto [ℓ_{k+1}, 1] with
    /// ℓ_{k+1} = ½ α_k ℓ_k (3 − α_k² ℓ_k²): small singular values grow by up to 1.5·√3 ≈ 2.6 per iteration instead of 1.5,
    /// and α_k → 1 (the plain, quadratically convergent iteration) as ℓ_k → 1. X_0 = G / s with the guaranteed bound
    /// s = min(‖G‖_F, √(‖G‖_1‖G‖_∞)) ≥ σ_max; ℓ_0 from a Cholesky-based inverse iteration on the Gram matrix (halved for
    /// safety; a singular value below ℓ_0 is not lost, it only converges later), or the resolution when the Gram matrix
    /// is numerically singular. Stops when ℓ_k ≥ 0.999 and ‖X_{k+1} − X_k‖_F ≤ resolution·√min(d, m) (or has stopped
    /// decreasing quadratically below 1e-4·√min(d, m)), then cubes the singular values once (unresolved ones vanish)
    /// and takes one plain step.</summary>
    private int NewtonSchulz(double[] g, double[] p)
    {
        int d = _d, m = _m, s = _s;
        double fro = FrobeniusNorm(g);
        if (!(fro > 0)) { Array.Clear(p); return 0; }
        double norm1 = 0, normInf = 0;
        for (int j = 0; j < m; j++)
        {
            double c = 0;
            for (int i = 0; i < d; i++) c += Math.Abs(g[j * d + i]);
            norm1 = Math.Max(norm1, c);
        }
        Array.Clear(_u);
        for (int j = 0; j < m; j++)
            for (int i = 0; i < d; i++) _u[i] += Math.Abs(g[j * d + i]);
        for (int i = 0; i < d; i++) normInf = Math.Max(normInf, _u[i]);
        double scale = Math.Min(fro, Math.Sqrt(norm1 * normInf));
        var x = _x;
        var xn = _xn;
        for (int i = 0; i < g.Length; i++) x[i] = g[i] / scale;
        Gram(x, _a);
        double lower = Math.Max(_options.Resolution, 0.5 * SmallestSingularValue(_a));
        double threshold = _options.Resolution * Math.Sqrt(s), limit = 2 * Math.Sqrt(s), previous = double.PositiveInfinity;
        for (int k = 1; k <= _options.MaxIterations; k++)
        {
            if (k > 1) Gram(x, _a);
            double alpha = lower < 1 - 1e-12 ? Math.Sqrt(3 / (1 + lower + lower * lower)) : 1;
            ApplyGram(1.5 * alpha, x, -0.5 * alpha * alpha * alpha, _a, xn);
            lower = Math.Min(1, 0.5 * alpha * lower * (3 - alpha * alpha * lower * lower));
            double delta = 0, norm = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double e = xn[i] - x[i];
                delta += e * e;
                norm += xn[i] * xn[i];
            }
            delta = Math.Sqrt(delta);
            Array.Copy(xn, x, x.Length);
            if (!(Math.Sqrt(norm) <= limit))
                throw new ManifoldSolverException("Newton–Schulz polar iteration diverged (non-finite or growing iterate)", double.NaN);
            // Converged once the guaranteed lower bound is near 1 and the step is at the threshold — or has stopped
            // shrinking quadratically while already small: what still moves is rounding, or singular values below the
            // resolution creeping up (×1.5 per step), which must not be inflated to 1.
            if (lower >= 0.999 && (delta <= threshold || (delta <= 1e-4 * Math.Sqrt(s) && delta > previous / 4)))
            {
                // Clean-up: X ← X XᵀX cubes the singular values (unresolved ones, ≤ ~1e-5, vanish; converged ones stay at 1),
                // then one plain step restores the converged ones to 1 at quadratic accuracy.
                Gram(x, _a);
                ApplyGram(0, x, 1, _a, xn);
                Gram(xn, _a);
                ApplyGram(1.5, xn, -0.5, _a, p);
                return k + 2;
            }
            previous = delta;
        }
        throw new ManifoldSolverException(
            $"Newton–Schulz polar iteration did not converge in {_options.MaxIterations} iterations (singular values spread beyond the resolution?)", double.NaN);
    }

    /// <summary>√λ_min of the Gram matrix A (s×s, symmetric): six steps of inverse iteration with its Cholesky factor (an
    /// upper estimate of σ_min); 0 when A is numerically singular.</summary>
    private double SmallestSingularValue(double[] a)
    {
        int s = _s;
        var matrix = DenseMatrix.OfColumnMajor(s, s, a);
        MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double> chol;
        try { chol = matrix.Cholesky(); }
        catch (ArgumentException) { return 0; }
        var v = DenseVector.Create(s, i => 1 + 0.618033988749895 * ((i * 7919) % 101) / 101.0);
        double estimate = 0;
        for (int it = 0; it < 6; it++)
        {
            v = (DenseVector)v.Divide(v.L2Norm());
            var y = chol.Solve(v);
            double rayleigh = v.DotProduct(y); // ≈ 1/λ_min from below
            if (!(rayleigh > 0) || !double.IsFinite(rayleigh)) return 0;
            estimate = 1 / rayleigh;
            v = (DenseVector)y;
        }
        return estimate > 0 ? Math.Sqrt(estimate) : 0;
    }

    private int Muon(double[] g, double[] p)
    {
        double fro = FrobeniusNorm(g);
        if (!(fro > 0)) { Array.Clear(p); return 0; }
        var (ca, cb, cc) = PolarFactor.MuonCoefficients;
        var x = _x;
        for (int i = 0; i < g.Length; i++) x[i] = g[i] / fro;
        int s = _s;
        for (int k = 0; k < _options.MuonSteps; k++)
        {
            Gram(x, _a);
            // B = bA + cA²
            Array.Copy(_a, _b, _a.Length);
            Blas.Gemm(false, false, s, s, s, cc, _a, s, _a, s, cb, _b, s);
            ApplyGram(ca, x, 1, _b, _xn);
            Array.Copy(_xn, x, x.Length);
        }
        Array.Copy(x, p, x.Length);
        return _options.MuonSteps;
    }
}
