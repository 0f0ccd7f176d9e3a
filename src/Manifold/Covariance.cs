using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using PhaseFlow.Foundation;

namespace PhaseFlow.Manifold;

/// <summary>The input covariance Σ of the full-matrix model, kept in a structured form so that ΣW and Σ^{1/2} cost
/// O(d·m) instead of a dense product: a diagonal, or the spiked Σ = σ_θ θ̂θ̂ᵀ + σ_v vvᵀ + σ_⊥ P_⊥ with arbitrary orthonormal
/// θ̂, v. <see cref="ToDense"/> gives the dense matrix (the tests' reference path). Immutable.</summary>
public abstract class Covariance
{
    private protected Covariance(int dimension) => Dimension = dimension;

    /// <summary>Largest dimension of a full-matrix model.</summary>
    public const int MaxDimension = 8192;

    /// <summary>d.</summary>
    public int Dimension { get; }

    /// <summary>Σ = diag(σ_1..σ_d).</summary>
    /// <param name="sigma">σ_i, finite and &gt; 0; 1 ≤ d ≤ <see cref="MaxDimension"/>.</param>
    public static Covariance Diagonal(ReadOnlySpan<double> sigma)
    {
        Check.InRange(sigma.Length, 1, MaxDimension, "sigma.length");
        for (int i = 0; i < sigma.Length; i++) Check.Positive(sigma[i], $"sigma[{i}]");
        return new DiagonalCovariance(sigma.ToArray());
    }

    /// <summary>Σ = σ_θ θ̂θ̂ᵀ + σ_v vvᵀ + σ_⊥ (I − θ̂θ̂ᵀ − vvᵀ). Both directions are normalised; they must be orthogonal
    /// (|θ̂·v| ≤ 1e-10).</summary>
    /// <param name="signal">θ̂ (any non-zero length-d vector, normalised here); d ≥ 3.</param>
    /// <param name="spike">v ⊥ θ̂.</param>
    /// <param name="sigmaSignal">σ_θ &gt; 0.</param>
    /// <param name="sigmaSpike">σ_v &gt; 0.</param>
    /// <param name="sigmaBulk">σ_⊥ &gt; 0.</param>
    public static Covariance Spiked(ReadOnlySpan<double> signal, ReadOnlySpan<double> spike, double sigmaSignal, double sigmaSpike, double sigmaBulk)
    {
        Check.InRange(signal.Length, 3, MaxDimension, "signal.length");
        if (spike.Length != signal.Length) throw new InvalidParameterException("spike", $"of length d = {signal.Length}", $"length {spike.Length}");
        var t = Unit(signal, "signal");
        var v = Unit(spike, "spike");
        double overlap = Blas.Dot(t, v);
        if (Math.Abs(overlap) > 1e-10) throw new InvalidParameterException("spike", "orthogonal to the signal (|θ̂·v| ≤ 1e-10)", Check.F(overlap));
        return new SpikedCovariance(t, v, Check.Positive(sigmaSignal, "sigmaSignal"), Check.Positive(sigmaSpike, "sigmaSpike"),
            Check.Positive(sigmaBulk, "sigmaBulk"));
    }

    private static double[] Unit(ReadOnlySpan<double> x, string name)
    {
        Check.Finite(x, name);
        double norm = Math.Sqrt(Blas.Dot(x, x));
        if (!(norm > 0)) throw new InvalidParameterException(name, "a non-zero vector", "all zeros");
        var u = x.ToArray();
        for (int i = 0; i < u.Length; i++) u[i] /= norm;
        return u;
    }

    /// <summary>The dense d×d matrix.</summary>
    public abstract Matrix<double> ToDense();

    /// <summary>Σx for one vector.</summary>
    public double[] Apply(ReadOnlySpan<double> x)
    {
        if (x.Length != Dimension) throw new InvalidParameterException("x", $"of length d = {Dimension}", $"length {x.Length}");
        var w = x.ToArray();
        var y = new double[Dimension];
        Apply(w, 1, y);
        return y;
    }

    /// <summary>Y = ΣW for W d×m (column-major).</summary>
    internal abstract void Apply(double[] w, int m, double[] y);

    /// <summary>X = Z Σ^{1/2} for Z n×d (column-major): rows of X are Gaussian samples N(0, Σ) when rows of Z are N(0, I).</summary>
    internal abstract void SqrtRows(double[] z, int n, double[] x);

    /// <summary>The largest variance.</summary>
    public abstract double MaxVariance { get; }

    private sealed class DiagonalCovariance(double[] sigma) : Covariance(sigma.Length)
    {
        public double[] Sigma { get; } = sigma;

        public override double MaxVariance => Sigma.Max();

        public override Matrix<double> ToDense() => DenseMatrix.OfDiagonalArray(Sigma);

        internal override void Apply(double[] w, int m, double[] y)
        {
            int d = Dimension;
            for (int j = 0; j < m; j++)
            {
                int o = j * d;
                for (int i = 0; i < d; i++) y[o + i] = Sigma[i] * w[o + i];
            }
        }

        internal override void SqrtRows(double[] z, int n, double[] x)
        {
            for (int j = 0; j < Dimension; j++)
            {
                double s = Math.Sqrt(Sigma[j]);
                int o = j * n;
                for (int i = 0; i < n; i++) x[o + i] = s * z[o + i];
            }
        }
    }

    private sealed class SpikedCovariance(double[] signal, double[] spike, double sigmaSignal, double sigmaSpike, double sigmaBulk)
        : Covariance(signal.Length)
    {
        public override double MaxVariance => Math.Max(sigmaSignal, Math.Max(sigmaSpike, sigmaBulk));

        public override Matrix<double> ToDense()
        {
            int d = Dimension;
            var s = DenseMatrix.CreateDiagonal(d, d, sigmaBulk);
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++)
                    s[i, j] += (sigmaSignal - sigmaBulk) * signal[i] * signal[j] + (sigmaSpike - sigmaBulk) * spike[i] * spike[j];
            return s;
        }

        /// <summary>Y = c W + (s_θ − c) θ̂(θ̂ᵀW) + (s_v − c) v(vᵀW): two rank-one updates.</summary>
        private void Structured(double[] w, int m, double[] y, double st, double sv, double sb)
        {
            int d = Dimension;
            for (int j = 0; j < m; j++)
            {
                var col = w.AsSpan(j * d, d);
                double pt = (st - sb) * Blas.Dot(signal, col), pv = (sv - sb) * Blas.Dot(spike, col);
                var o = y.AsSpan(j * d, d);
                for (int i = 0; i < d; i++) o[i] = sb * col[i] + pt * signal[i] + pv * spike[i];
            }
        }

        internal override void Apply(double[] w, int m, double[] y) => Structured(w, m, y, sigmaSignal, sigmaSpike, sigmaBulk);

        internal override void SqrtRows(double[] z, int n, double[] x)
        {
            // X = Z Σ^{1/2} = s_⊥ Z + (s_θ − s_⊥)(Zθ̂)θ̂ᵀ + (s_v − s_⊥)(Zv)vᵀ with s = √σ.
            int d = Dimension;
            double st = Math.Sqrt(sigmaSignal), sv = Math.Sqrt(sigmaSpike), sb = Math.Sqrt(sigmaBulk);
            var zt = new double[n];
            var zv = new double[n];
            for (int j = 0; j < d; j++)
                for (int i = 0; i < n; i++)
                {
                    zt[i] += z[j * n + i] * signal[j];
                    zv[i] += z[j * n + i] * spike[j];
                }
            for (int j = 0; j < d; j++)
                for (int i = 0; i < n; i++)
                    x[j * n + i] = sb * z[j * n + i] + (st - sb) * zt[i] * signal[j] + (sv - sb) * zv[i] * spike[j];
        }

        public double[] Signal => signal;
        public double[] Spike => spike;
    }

    internal (double[] Signal, double[] Spike)? SpikedDirections => this is SpikedCovariance s ? (s.Signal, s.Spike) : null;

    internal double[]? DiagonalValues => this is DiagonalCovariance s ? s.Sigma : null;
}
