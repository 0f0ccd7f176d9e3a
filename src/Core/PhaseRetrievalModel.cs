using PhaseFlow.Foundation;

namespace PhaseFlow.Core;

/// <summary>The two order parameters s = wᵀQw and u = wᵀQw*.</summary>
/// <param name="S">s = wᵀQw.</param>
/// <param name="U">u = wᵀQw*.</param>
public readonly record struct SummaryStatistics(double S, double U);

/// <summary>Phase retrieval with inputs x ~ N(0, Q), Q = diag(λ), labels y = (xᵀw*)²: the population loss
/// L(w) = E[((xᵀw)² − (xᵀw*)²)²] = 3s² + 3s*² − 4u² − 2s*s, its gradient and Hessian, the summary statistics and the
/// sign-invariant error. Immutable and thread-safe.</summary>
public sealed class PhaseRetrievalModel
{
    private readonly double[] _lambda;
    private readonly double[] _teacher;
    private readonly double[] _qTeacher; // λ_i w*_i

    /// <summary>Creates the model; the teacher is copied and must have length d, be finite and non-zero.</summary>
    public PhaseRetrievalModel(Spectrum spectrum, ReadOnlySpan<double> teacher)
    {
        ArgumentNullException.ThrowIfNull(spectrum);
        Spectrum = spectrum;
        _teacher = Core.Teacher.FromValues(spectrum, teacher);
        _lambda = spectrum.Eigenvalues.ToArray();
        _qTeacher = new double[_lambda.Length];
        double sStar = 0, norm2 = 0;
        for (int i = 0; i < _lambda.Length; i++)
        {
            _qTeacher[i] = _lambda[i] * _teacher[i];
            sStar += _qTeacher[i] * _teacher[i];
            norm2 += _teacher[i] * _teacher[i];
        }
        // Both feed the loss, the MSE and every tolerance; an overflow here would surface as ∞ in the results.
        if (!(sStar > 0 && double.IsFinite(sStar) && double.IsFinite(norm2)))
            throw new InvalidParameterException("teacher", "a vector with finite s* = w*ᵀQw* > 0 and finite ‖w*‖²",
                $"s* = {InvalidParameterException.Format(sStar)}, ‖w*‖² = {InvalidParameterException.Format(norm2)}");
        SStar = sStar;
        TeacherNormSquared = norm2;
    }

    /// <summary>The input spectrum.</summary>
    public Spectrum Spectrum { get; }

    /// <summary>Dimension d.</summary>
    public int Dimension => _lambda.Length;

    /// <summary>Eigenvalues λ.</summary>
    public ReadOnlySpan<double> Lambda => _lambda;

    /// <summary>Teacher w*.</summary>
    public ReadOnlySpan<double> Teacher => _teacher;

    /// <summary>Qw*, i.e. λ_i w*_i.</summary>
    public ReadOnlySpan<double> QTeacher => _qTeacher;

    // The model is immutable: in-assembly closures (flow right-hand side, Jacobian) read these arrays instead of copying.
    internal double[] LambdaArray => _lambda;
    internal double[] QTeacherArray => _qTeacher;

    /// <summary>s* = w*ᵀQw*.</summary>
    public double SStar { get; }

    /// <summary>‖w*‖².</summary>
    public double TeacherNormSquared { get; }

    /// <summary>The plateau σ*² = ‖w*‖²/d: the MSE of w = 0.</summary>
    public double Plateau => TeacherNormSquared / Dimension;

    /// <summary>s and u at <paramref name="w"/>.</summary>
    public SummaryStatistics Statistics(ReadOnlySpan<double> w)
    {
        CheckLength(w, nameof(w));
        var (s, u) = VectorKernels.QuadraticAndCross(_lambda, _qTeacher, w);
        return new SummaryStatistics(s, u);
    }

    /// <summary>Population loss from the order parameters: 3s² + 3s*² − 4u² − 2s*s.</summary>
    public double Loss(SummaryStatistics stats) =>
        3 * stats.S * stats.S + 3 * SStar * SStar - 4 * stats.U * stats.U - 2 * SStar * stats.S;

    /// <summary>Population loss L(w).</summary>
    public double Loss(ReadOnlySpan<double> w) => Loss(Statistics(w));

    /// <summary>∇L(w) = (12s − 4s*) Qw − 8u Qw*, written into <paramref name="gradient"/>.</summary>
    public void Gradient(ReadOnlySpan<double> w, Span<double> gradient)
    {
        CheckLength(gradient, nameof(gradient));
        var st = Statistics(w);
        double alpha = 12 * st.S - 4 * SStar, beta = -8 * st.U;
        for (int i = 0; i < w.Length; i++) gradient[i] = _lambda[i] * (alpha * w[i]) + beta * _qTeacher[i];
    }

    /// <summary>∇²L(w) v = 24 (Qw)(Qw·v) + (12s − 4s*) Qv − 8 (Qw*)(Qw*·v), written into <paramref name="result"/>.</summary>
    public void HessianVectorProduct(ReadOnlySpan<double> w, ReadOnlySpan<double> v, Span<double> result)
    {
        CheckLength(v, nameof(v));
        CheckLength(result, nameof(result));
        var st = Statistics(w);
        double qwv = 0, qtv = 0;
        for (int i = 0; i < w.Length; i++)
        {
            qwv += _lambda[i] * w[i] * v[i];
            qtv += _qTeacher[i] * v[i];
        }
        double alpha = 12 * st.S - 4 * SStar;
        for (int i = 0; i < w.Length; i++)
            result[i] = 24 * _lambda[i] * w[i] * qwv + alpha * _lambda[i] * v[i] - 8 * _qTeacher[i] * qtv;
    }

    /// <summary>s^(k) = wᵀQ^k w, k ≥ 0 (k = 0: ‖w‖²).</summary>
    public double S(ReadOnlySpan<double> w, int k) => Moment(w, w, k);

    /// <summary>u^(k) = wᵀQ^k w*, k ≥ 0.</summary>
    public double U(ReadOnlySpan<double> w, int k) => Moment(w, _teacher, k);

    /// <summary>Trajectory columns s^(k) = wᵀQ^k w and u^(k) = wᵀQ^k w* for k = 2..<paramref name="maxOrder"/>.</summary>
    public IReadOnlyList<TrajectoryColumn> MomentColumns(int maxOrder)
    {
        Guard.InRange(maxOrder, 2, 64, "maxOrder");
        var columns = new List<TrajectoryColumn>();
        for (int k = 2; k <= maxOrder; k++)
        {
            int order = k;
            columns.Add(new TrajectoryColumn($"s{order}", w => S(w, order)));
            columns.Add(new TrajectoryColumn($"u{order}", w => U(w, order)));
        }
        return columns;
    }

    /// <summary>s*^(k) = w*ᵀQ^k w*, k ≥ 0.</summary>
    public double SStarMoment(int k) => Moment(_teacher, _teacher, k);

    /// <summary>Sign-invariant error (1/d) min(‖w − w*‖², ‖w + w*‖²).</summary>
    public double Mse(ReadOnlySpan<double> w)
    {
        CheckLength(w, nameof(w));
        double minus = 0, plus = 0;
        for (int i = 0; i < w.Length; i++)
        {
            double a = w[i] - _teacher[i], b = w[i] + _teacher[i];
            minus += a * a;
            plus += b * b;
        }
        return Math.Min(minus, plus) / w.Length;
    }

    private double Moment(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int k)
    {
        CheckLength(x, "w");
        if (k < 0) throw new InvalidParameterException("k", ">= 0", k.ToString(System.Globalization.CultureInfo.InvariantCulture));
        double sum = 0;
        for (int i = 0; i < x.Length; i++) sum += Math.Pow(_lambda[i], k) * x[i] * y[i];
        return sum;
    }

    private void CheckLength(ReadOnlySpan<double> v, string name)
    {
        if (v.Length != _lambda.Length) throw new InvalidParameterException(name, $"of length d = {_lambda.Length}", $"length {v.Length}");
    }
}
