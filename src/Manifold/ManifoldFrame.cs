using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using PhaseFlow.Foundation;

namespace PhaseFlow.Manifold;

/// <summary>The orthogonal projectors P_g of a full-matrix model whose teacher is an eigenvector of Σ: the signal, and
/// the eigenspaces of the other variances (spike and bulk for the spiked model). The manifold through Q_0 is
/// 𝓜(Q_0) = { Σ_g x_g P_g Q_0 }; the union over Q_0 is { W : WWᵀ ∈ span{P_g} }. Immutable.</summary>
public sealed class ManifoldFrame
{
    private readonly int[]? _groupOf;          // coordinate frames: group of each standard-basis direction
    private readonly double[]? _signal, _spike; // spiked frames: θ̂ and v (groups 0, 1; bulk = complement, group 2)
    private readonly double[] _multiplicity;
    private readonly IReadOnlyList<string> _names;
    // Handed out instead of the array, which a cast would make writable for every run sharing the frame.
    private readonly IReadOnlyList<double> _multiplicityView;

    private ManifoldFrame(int dimension, int[]? groupOf, double[]? signal, double[]? spike, double[] multiplicity, string[] names, int signalGroup, int spikeGroup)
    {
        Dimension = dimension;
        _groupOf = groupOf;
        _signal = signal;
        _spike = spike;
        _multiplicity = multiplicity;
        _names = Array.AsReadOnly(names);
        _multiplicityView = Array.AsReadOnly(multiplicity);
        SignalGroup = signalGroup;
        SpikeGroup = spikeGroup;
    }

    internal static ManifoldFrame FromCoordinates(int[] groupOf, int groups, int signalGroup, int spikeGroup, string[] names)
    {
        var n = new double[groups];
        foreach (int g in groupOf) n[g]++;
        return new ManifoldFrame(groupOf.Length, groupOf, null, null, n, names, signalGroup, spikeGroup);
    }

    internal static ManifoldFrame FromSpiked(double[] signal, double[] spike) =>
        new(signal.Length, null, signal, spike, [1, 1, signal.Length - 2], ["a", "b", "c"], 0, 1);

    /// <summary>d.</summary>
    public int Dimension { get; }

    /// <summary>Number of groups.</summary>
    public int GroupCount => _multiplicity.Length;

    /// <summary>Dimension of each group's subspace.</summary>
    public IReadOnlyList<double> Multiplicity => _multiplicityView;

    /// <summary>Names of the groups (a, b, c for spiked models).</summary>
    public IReadOnlyList<string> GroupNames => _names;

    /// <summary>The signal group (the teacher's direction).</summary>
    public int SignalGroup { get; }

    /// <summary>The spike group (largest other variance), −1 if none.</summary>
    public int SpikeGroup { get; }

    /// <summary>W = Σ_g x_g P_g Q_0: the point of 𝓜(Q_0) with coordinates <paramref name="x"/>.</summary>
    public Matrix<double> Embed(ReadOnlySpan<double> x, Matrix<double> q0)
    {
        CheckGroups(x, "x");
        var q = Columns(q0, "q0", out int m);
        var w = new double[Dimension * m];
        Embed(x, q, m, w);
        return DenseMatrix.OfColumnMajor(Dimension, m, w);
    }

    /// <summary>The signed coordinates x_g = ⟨P_g W, P_g Q_0⟩ / n_g of the nearest point of 𝓜(Q_0) (Q_0 with orthonormal
    /// rows), and the relative distance ‖W − Σ x_g P_g Q_0‖_F / ‖W‖_F.</summary>
    public double[] Coordinates(Matrix<double> w, Matrix<double> q0, out double distance)
    {
        var wa = Columns(w, "w", out int m);
        var qa = Columns(q0, "q0", out int mq);
        if (mq != m) throw new InvalidParameterException("q0", $"of size {Dimension}×{m} like W", $"{q0.RowCount}×{q0.ColumnCount}");
        var x = new double[GroupCount];
        distance = Coordinates(wa, qa, m, x, new double[wa.Length]);
        return x;
    }

    /// <summary>Unsigned coordinates √(‖P_g W‖_F² / n_g), defined for any W.</summary>
    public double[] Magnitudes(Matrix<double> w)
    {
        var wa = Columns(w, "w", out int m);
        var x = new double[GroupCount];
        GroupSquares(wa, m, x);
        for (int g = 0; g < x.Length; g++) x[g] = Math.Sqrt(x[g] / _multiplicity[g]);
        return x;
    }

    /// <summary>The intrinsic distance ‖WWᵀ − Π(WWᵀ)‖_F / ‖WWᵀ‖_F, Π the projection onto span{P_g}: zero exactly on the
    /// union of the manifolds 𝓜(Q_0) over all Q_0.</summary>
    public double GramDistance(Matrix<double> w)
    {
        var wa = Columns(w, "w", out int m);
        return GramDistance(wa, m, new double[Dimension * Dimension]);
    }

    internal void Embed(ReadOnlySpan<double> x, double[] q, int m, double[] w)
    {
        int d = Dimension;
        if (_groupOf is { } groupOf)
        {
            for (int j = 0; j < m; j++)
                for (int i = 0; i < d; i++) w[j * d + i] = x[groupOf[i]] * q[j * d + i];
            return;
        }
        // x_c Q + (x_a − x_c) θ̂(θ̂ᵀQ) + (x_b − x_c) v(vᵀQ)
        for (int j = 0; j < m; j++)
        {
            var col = q.AsSpan(j * d, d);
            double pa = (x[0] - x[2]) * Blas.Dot(_signal, col), pb = (x[1] - x[2]) * Blas.Dot(_spike, col);
            var o = w.AsSpan(j * d, d);
            for (int i = 0; i < d; i++) o[i] = x[2] * col[i] + pa * _signal![i] + pb * _spike![i];
        }
    }

    /// <summary>Fills x with the signed coordinates and returns the relative distance; <paramref name="scratch"/> has W's size.</summary>
    internal double Coordinates(double[] w, double[] q, int m, Span<double> x, double[] scratch)
    {
        int d = Dimension;
        GroupInner(w, q, m, x);
        for (int g = 0; g < x.Length; g++) x[g] /= _multiplicity[g];
        Embed(x, q, m, scratch);
        double r = 0, n = 0;
        for (int i = 0; i < w.Length; i++)
        {
            double e = w[i] - scratch[i];
            r += e * e;
            n += w[i] * w[i];
        }
        return Math.Sqrt(r / n);
    }

    /// <summary>‖P_g W‖_F² per group.</summary>
    internal void GroupSquares(double[] w, int m, Span<double> squares)
    {
        int d = Dimension;
        squares.Clear();
        if (_groupOf is { } groupOf)
        {
            for (int j = 0; j < m; j++)
                for (int i = 0; i < d; i++) squares[groupOf[i]] += w[j * d + i] * w[j * d + i];
            return;
        }
        double total = 0, ta = 0, tb = 0;
        for (int j = 0; j < m; j++)
        {
            var wc = w.AsSpan(j * d, d);
            total += Blas.Dot(wc, wc);
            double a = Blas.Dot(_signal, wc), b = Blas.Dot(_spike, wc);
            ta += a * a;
            tb += b * b;
        }
        squares[0] = ta;
        squares[1] = tb;
        squares[2] = Math.Max(0, total - ta - tb);
    }

    /// <summary>⟨P_g G, P_g W⟩ per group: the sign of g_g x_g on the manifold (the direction of each group's update).</summary>
    internal void GroupInner(double[] g, double[] w, int m, Span<double> inner)
    {
        int d = Dimension;
        inner.Clear();
        if (_groupOf is { } groupOf)
        {
            for (int j = 0; j < m; j++)
                for (int i = 0; i < d; i++) inner[groupOf[i]] += g[j * d + i] * w[j * d + i];
            return;
        }
        double total = 0, ta = 0, tb = 0;
        for (int j = 0; j < m; j++)
        {
            var gc = g.AsSpan(j * d, d);
            var wc = w.AsSpan(j * d, d);
            total += Blas.Dot(gc, wc);
            ta += Blas.Dot(_signal, gc) * Blas.Dot(_signal, wc);
            tb += Blas.Dot(_spike, gc) * Blas.Dot(_spike, wc);
        }
        inner[0] = ta;
        inner[1] = tb;
        inner[2] = total - ta - tb;
    }

    internal double GramDistance(double[] w, int m, double[] gram)
    {
        int d = Dimension;
        Blas.Gemm(false, true, d, d, m, 1, w, d, w, d, 0, gram, d, lowerOnly: true);
        Blas.MirrorLower(gram, d, d);
        double norm = 0;
        for (int i = 0; i < gram.Length; i++) norm += gram[i] * gram[i];
        if (_groupOf is { } groupOf)
        {
            var mean = new double[GroupCount];
            for (int i = 0; i < d; i++) mean[groupOf[i]] += gram[i * d + i];
            for (int g = 0; g < mean.Length; g++) mean[g] /= _multiplicity[g];
            double r = 0;
            for (int j = 0; j < d; j++)
                for (int i = 0; i < d; i++)
                {
                    double e = i == j ? gram[i * d + i] - mean[groupOf[i]] : gram[j * d + i];
                    r += e * e;
                }
            return Math.Sqrt(r / norm);
        }
        var st = new double[d];
        var sv = new double[d];
        for (int j = 0; j < d; j++)
        {
            var col = gram.AsSpan(j * d, d);
            st[j] = Blas.Dot(_signal, col);
            sv[j] = Blas.Dot(_spike, col);
        }
        double sa = Blas.Dot(_signal, st), sb = Blas.Dot(_spike, sv), trace = 0;
        for (int i = 0; i < d; i++) trace += gram[i * d + i];
        double sc = (trace - sa - sb) / (d - 2);
        double res = 0;
        for (int j = 0; j < d; j++)
            for (int i = 0; i < d; i++)
            {
                double p = (i == j ? sc : 0) + (sa - sc) * _signal![i] * _signal[j] + (sb - sc) * _spike![i] * _spike[j];
                double e = gram[j * d + i] - p;
                res += e * e;
            }
        return Math.Sqrt(res / norm);
    }

    private void CheckGroups(ReadOnlySpan<double> x, string name)
    {
        if (x.Length != GroupCount) throw new InvalidParameterException(name, $"of length {GroupCount} (one value per group)", $"length {x.Length}");
    }

    private double[] Columns(Matrix<double> a, string name, out int m)
    {
        Check.NotNull(a, name);
        if (a.RowCount != Dimension) throw new InvalidParameterException(name, $"with d = {Dimension} rows", $"{a.RowCount} rows");
        m = a.ColumnCount;
        return a.ToColumnMajorArray();
    }
}
