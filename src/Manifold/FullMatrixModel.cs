using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using PhaseFlow.Foundation;

namespace PhaseFlow.Manifold;

/// <summary>The full-matrix model on W ∈ R^{d×m}: f_W(x) = α xᵀWWᵀx, teacher y = (θ*ᵀx)², x ~ N(0, Σ), loss
/// L(W) = c_L E[(f_W(x) − y)²] = c_L[(tr ΣM)² + 2 tr(ΣMΣM)] with M = αWWᵀ − θ*θ*ᵀ, and gradient
/// ∇L = 4c_Lα[tr(ΣM)Σ + 2ΣMΣ]W. The teacher need not be an eigenvector of Σ (then there is no manifold and
/// <see cref="Frame"/> is null). Immutable.</summary>
public sealed class FullMatrixModel
{
    private readonly double[] _teacher;
    private readonly double[] _sigmaTeacher; // Σθ*

    /// <summary>Creates the model.</summary>
    /// <param name="covariance">Σ.</param>
    /// <param name="teacher">θ*, finite, non-zero, of length d.</param>
    /// <param name="alpha">α &gt; 0.</param>
    /// <param name="lossScale">c_L &gt; 0.</param>
    public FullMatrixModel(Covariance covariance, ReadOnlySpan<double> teacher, double alpha = 1, double lossScale = 1)
        : this(covariance, teacher, alpha, lossScale, null)
    {
    }

    private FullMatrixModel(Covariance covariance, ReadOnlySpan<double> teacher, double alpha, double lossScale, ManifoldFrame? frame)
    {
        Covariance = Check.NotNull(covariance, "covariance");
        if (teacher.Length != covariance.Dimension)
            throw new InvalidParameterException("teacher", $"of length d = {covariance.Dimension}", $"length {teacher.Length}");
        Check.Finite(teacher, "teacher");
        _teacher = teacher.ToArray();
        Rho = Blas.Dot(_teacher, _teacher);
        if (!(Rho > 0)) throw new InvalidParameterException("teacher", "a non-zero vector", "all zeros");
        Alpha = Check.Positive(alpha, "alpha");
        LossScale = Check.Positive(lossScale, "lossScale");
        _sigmaTeacher = covariance.Apply(_teacher);
        TeacherVariance = Blas.Dot(_teacher, _sigmaTeacher);
        Frame = frame ?? DetectFrame();
    }

    /// <summary>The full-matrix counterpart of a reduced model: Σ diagonal in the standard basis with the groups laid out
    /// one after the other (the signal group's coordinate, then the spike's, then the bulk's for the spiked model),
    /// θ* = √ρ e_(signal), and the frame of these groups.</summary>
    /// <exception cref="InvalidParameterException">d is above <see cref="Covariance.MaxDimension"/>.</exception>
    public static FullMatrixModel FromManifold(ManifoldModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(model.Dimension <= Covariance.MaxDimension))
            throw new InvalidParameterException("d", $"at most {Covariance.MaxDimension} for a full-matrix model", Check.F(model.Dimension));
        int d = (int)model.Dimension;
        var sigma = new double[d];
        var groupOf = new int[d];
        var teacher = new double[d];
        int row = 0;
        for (int g = 0; g < model.GroupCount; g++)
            for (int r = 0; r < (int)model.Multiplicity[g]; r++, row++)
            {
                sigma[row] = model.Sigma[g];
                groupOf[row] = g;
                if (g == model.SignalGroup) teacher[row] = Math.Sqrt(model.Rho);
            }
        var frame = ManifoldFrame.FromCoordinates(groupOf, model.GroupCount, model.SignalGroup, model.SpikeGroup, model.GroupNames.ToArray());
        return new FullMatrixModel(Covariance.Diagonal(sigma), teacher, model.Alpha, model.LossScale, frame);
    }

    /// <summary>Σ.</summary>
    public Covariance Covariance { get; }

    /// <summary>θ*.</summary>
    public ReadOnlySpan<double> Teacher => _teacher;

    /// <summary>α.</summary>
    public double Alpha { get; }

    /// <summary>c_L.</summary>
    public double LossScale { get; }

    /// <summary>ρ = ‖θ*‖².</summary>
    public double Rho { get; }

    /// <summary>θ*ᵀΣθ*.</summary>
    public double TeacherVariance { get; }

    /// <summary>d.</summary>
    public int Dimension => Covariance.Dimension;

    /// <summary>The manifold's projectors when θ* is an eigenvector of Σ; null otherwise.</summary>
    public ManifoldFrame? Frame { get; }

    internal double[] TeacherArray => _teacher;
    internal double[] SigmaTeacherArray => _sigmaTeacher;

    private ManifoldFrame? DetectFrame()
    {
        int d = Dimension;
        if (Covariance.SpikedDirections is { } s)
        {
            double c = Blas.Dot(s.Signal, _teacher);
            return Math.Abs(Math.Abs(c) - Math.Sqrt(Rho)) <= 1e-12 * Math.Sqrt(Rho) ? ManifoldFrame.FromSpiked(s.Signal, s.Spike) : null;
        }
        if (Covariance.DiagonalValues is not { } sigma) return null;
        int k = -1;
        for (int i = 0; i < d; i++)
        {
            if (_teacher[i] == 0) continue;
            if (k >= 0) return null;
            k = i;
        }
        // Groups: the teacher's coordinate, then one group per distinct variance among the others.
        var groupOf = new int[d];
        var index = new Dictionary<double, int>();
        var names = new List<string> { "a" };
        groupOf[k] = 0;
        for (int i = 0; i < d; i++)
        {
            if (i == k) continue;
            if (!index.TryGetValue(sigma[i], out int g))
            {
                g = index.Count + 1;
                index[sigma[i]] = g;
                names.Add("x" + (g + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            groupOf[i] = g;
        }
        int spike = index.Count == 0 ? -1 : index.MaxBy(p => p.Key).Value;
        return ManifoldFrame.FromCoordinates(groupOf, index.Count + 1, 0, spike, names.ToArray());
    }

    /// <summary>Population loss L(W), by the structured route.</summary>
    public double Loss(Matrix<double> w)
    {
        var (wa, m) = Columns(w);
        return new GradientWorkspace(this, m).Population(wa, null);
    }

    /// <summary>Population gradient ∇L(W), by the structured route: Y = ΣW (O(dm)), then
    /// 4c_Lα[T·Y + 2α Y(WᵀY) − 2(Σθ*)(Wᵀ Σθ*)ᵀ] with the m×m product WᵀY (or, when d &lt; m, ΣWWᵀΣ·W with the d×d Gram
    /// matrix): two GEMMs of d·m·min(d, m), no dense d×d covariance product.</summary>
    public Matrix<double> Gradient(Matrix<double> w)
    {
        var (wa, m) = Columns(w);
        var g = new double[wa.Length];
        new GradientWorkspace(this, m).Population(wa, g);
        return DenseMatrix.OfColumnMajor(Dimension, m, g);
    }

    /// <summary>The dense reference: forms Σ and M = αWWᵀ − θ*θ*ᵀ as d×d matrices and evaluates
    /// (L, ∇L) = (c_L[(tr ΣM)² + 2 tr(ΣMΣM)], 4c_Lα[tr(ΣM)Σ + 2ΣMΣ]W) literally (MathNet products; for tests).</summary>
    public (double Loss, Matrix<double> Gradient) DenseLossAndGradient(Matrix<double> w)
    {
        Columns(w);
        var sigma = Covariance.ToDense();
        var t = DenseVector.OfArray(_teacher);
        var mm = Alpha * w * w.Transpose() - t.OuterProduct(t);
        var sm = sigma * mm;
        double trace = sm.Trace();
        double loss = LossScale * (trace * trace + 2 * (sm * sm).Trace());
        var grad = 4 * LossScale * Alpha * (trace * sigma + 2 * sm * sigma) * w;
        return (loss, grad);
    }

    /// <summary>The gradient of the empirical loss c_L (1/n) Σ_s (f_W(x_s) − y_s)² over n fresh samples x_s ~ N(0, Σ) drawn
    /// from <paramref name="seed"/>: (4c_Lα/n) Σ_s (f_W(x_s) − y_s) x_s x_sᵀ W. Its expectation is ∇L.</summary>
    /// <param name="w">W.</param>
    /// <param name="samples">n in [1, 10^7], with n·d ≤ 2^27.</param>
    /// <param name="seed">Seed of every draw.</param>
    public Matrix<double> SampleGradient(Matrix<double> w, int samples, int seed)
    {
        var (wa, m) = Columns(w);
        var set = new SampleSet(this, samples, seed);
        set.Draw();
        var g = new double[wa.Length];
        new GradientWorkspace(this, m).Empirical(wa, g, set);
        return DenseMatrix.OfColumnMajor(Dimension, m, g);
    }

    private (double[] W, int M) Columns(Matrix<double> w)
    {
        Check.NotNull(w, "w");
        if (w.RowCount != Dimension) throw new InvalidParameterException("w", $"with d = {Dimension} rows", $"{w.RowCount} rows");
        if (w.ColumnCount < 1 || w.ColumnCount > Covariance.MaxDimension)
            throw new InvalidParameterException("m", $"an integer in [1, {Covariance.MaxDimension}]", w.ColumnCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var a = w.ToColumnMajorArray();
        Check.Finite(a, "w");
        return (a, w.ColumnCount);
    }
}

/// <summary>n Gaussian inputs x_s ~ N(0, Σ) as an n×d column-major matrix, drawn from a seeded stream.</summary>
internal sealed class SampleSet
{
    private readonly FullMatrixModel _model;
    private readonly System.Random _random;
    private readonly double[] _z;

    public SampleSet(FullMatrixModel model, int count, int seed)
    {
        Check.InRange(count, 1, 10_000_000, "samples");
        if ((long)count * model.Dimension > 1L << 27)
            throw new InvalidParameterException("samples", $"at most 2^27 / d = {(1L << 27) / model.Dimension} for d = {model.Dimension}", Check.F(count));
        _model = model;
        Count = count;
        _random = SeededRandom.Create(seed);
        _z = new double[count * model.Dimension];
        X = new double[_z.Length];
    }

    public int Count { get; }

    /// <summary>The samples, n×d column-major.</summary>
    public double[] X { get; }

    /// <summary>Draws a fresh set (continuing the seeded stream).</summary>
    public void Draw()
    {
        SeededRandom.FillStandardNormal(_random, _z);
        _model.Covariance.SqrtRows(_z, Count, X);
    }
}

/// <summary>Preallocated buffers of the gradients for W of size d×m: nothing is allocated per evaluation.</summary>
internal sealed class GradientWorkspace
{
    private readonly FullMatrixModel _model;
    private readonly int _d, _m;
    private readonly double[] _y, _z, _r;
    private readonly double[]? _k, _p, _s, _s2;
    private double[]? _xw, _xt, _f;

    public GradientWorkspace(FullMatrixModel model, int m)
    {
        _model = model;
        _d = model.Dimension;
        _m = m;
        _y = new double[_d * m];
        _z = new double[_d * m];
        _r = new double[m];
        if (m <= _d) _k = new double[m * m];
        else
        {
            _p = new double[_d * _d];
            _s = new double[_d * _d];
            _s2 = new double[_d * _d];
        }
    }

    /// <summary>Writes ∇L(W) into <paramref name="grad"/> (when not null) and returns L(W).</summary>
    public double Population(double[] w, double[]? grad)
    {
        var model = _model;
        int d = _d, m = _m;
        double alpha = model.Alpha, cl = model.LossScale, tau = model.TeacherVariance;
        var u = model.SigmaTeacherArray;
        model.Covariance.Apply(w, m, _y);
        double t = alpha * Blas.Dot(w, _y) - tau;
        double rr = 0;
        for (int j = 0; j < m; j++)
        {
            _r[j] = Blas.Dot(w.AsSpan(j * d, d), u);
            rr += _r[j] * _r[j];
        }
        double kk;
        if (_k is { } k)
        {
            // K = WᵀΣW (m×m, symmetric), Z = Y K.
            Blas.Gemm(true, false, m, m, d, 1, w, d, _y, d, 0, k, m, lowerOnly: true);
            Blas.MirrorLower(k, m, m);
            kk = Blas.Dot(k, k);
            if (grad is not null) Blas.Gemm(false, false, d, m, m, 1, _y, d, k, m, 0, _z, d);
        }
        else
        {
            // P = WWᵀ (d×d), S = ΣPΣ, Z = S W; ‖WᵀΣW‖² = ⟨P, S⟩.
            var p = _p!;
            var s = _s!;
            Blas.Gemm(false, true, d, d, m, 1, w, d, w, d, 0, p, d, lowerOnly: true);
            Blas.MirrorLower(p, d, d);
            var s2 = _s2!;
            model.Covariance.Apply(p, d, s);              // ΣP
            for (int j = 0; j < d; j++)                    // (ΣP)ᵀ = PΣ
                for (int i = 0; i < d; i++) s2[i + j * d] = s[j + i * d];
            model.Covariance.Apply(s2, d, s);             // ΣPΣ
            kk = Blas.Dot(p, s);
            if (grad is not null) Blas.Gemm(false, false, d, m, d, 1, s, d, w, d, 0, _z, d);
        }
        double loss = cl * (t * t + 2 * (alpha * alpha * kk - 2 * alpha * rr + tau * tau));
        if (grad is null) return loss;
        double c = 4 * cl * alpha;
        for (int j = 0; j < m; j++)
        {
            int o = j * d;
            double rj = _r[j];
            for (int i = 0; i < d; i++) grad[o + i] = c * (t * _y[o + i] + 2 * alpha * _z[o + i] - 2 * u[i] * rj);
        }
        return loss;
    }

    /// <summary>Writes the empirical gradient over <paramref name="samples"/> into <paramref name="grad"/>.</summary>
    public void Empirical(double[] w, double[] grad, SampleSet samples)
    {
        int d = _d, m = _m, n = samples.Count;
        double alpha = _model.Alpha, cl = _model.LossScale;
        var x = samples.X;
        if (_xw is null || _xw.Length != n * m) _xw = new double[n * m];
        if (_xt is null || _xt.Length != n) _xt = new double[n];
        var xw = _xw;
        var xt = _xt;
        Blas.Gemm(false, false, n, m, d, 1, x, n, w, d, 0, xw, n);
        var teacher = _model.TeacherArray;
        Array.Clear(xt);
        for (int j = 0; j < d; j++)
        {
            double tj = teacher[j];
            if (tj == 0) continue;
            var col = x.AsSpan(j * n, n);
            for (int s = 0; s < n; s++) xt[s] += col[s] * tj;
        }
        if (_f is null || _f.Length != n) _f = new double[n];
        var f = _f;
        Array.Clear(f);
        for (int j = 0; j < m; j++)
        {
            var col = xw.AsSpan(j * n, n);
            for (int s = 0; s < n; s++) f[s] += col[s] * col[s];
        }
        for (int s = 0; s < n; s++) f[s] = alpha * f[s] - xt[s] * xt[s]; // residual f_W(x_s) − y_s
        for (int j = 0; j < m; j++)
        {
            var col = xw.AsSpan(j * n, n);
            for (int s = 0; s < n; s++) col[s] *= f[s];
        }
        Blas.Gemm(true, false, d, m, n, 4 * cl * alpha / n, x, n, xw, n, 0, grad, d);
    }
}
