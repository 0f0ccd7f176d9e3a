using PhaseFlow.Foundation;

namespace PhaseFlow.Core;

/// <summary>The two order parameters s = wᵀQw and u = wᵀQw*.</summary>
/// <param name="S">s = wᵀQw.</param>
/// <param name="U">u = wᵀQw*.</param>
public readonly record struct SummaryStatistics(double S, double U);

/// <summary>A single-index model with inputs x ~ N(0, Q), Q = diag(λ), teacher w* and a <see cref="SingleIndexLoss"/>:
/// labels y = g(xᵀw*) + ξ learnt by f(xᵀw), population loss L(w) = P(s, u, s*) + σ² (spec single-index.md §1–2). By default
/// the loss is phase retrieval, f = g = z² (<see cref="PhaseRetrievalLoss"/>: L = 3s² + 3s*² − 4u² − 2s*s), which gives the
/// type its name; every direct simulator runs any loss. Provides the loss, its gradient and Hessian, the summary statistics and
/// the parameter error. Immutable and thread-safe.</summary>
/// <remarks>The reductions (hierarchy, Volterra/Duhamel, Phase III, SGD noise theory) are still written for phase retrieval:
/// they refuse a model whose loss is not <see cref="PhaseRetrievalLoss"/> through <see cref="RequirePhaseRetrieval"/>.</remarks>
public sealed class PhaseRetrievalModel
{
    private readonly double[] _lambda;
    private readonly double[] _teacher;
    private readonly double[] _qTeacher; // λ_i w*_i

    /// <summary>Creates the model; the teacher is copied and must have length d, be finite and non-zero.</summary>
    /// <param name="spectrum">The eigenvalues of Q.</param>
    /// <param name="teacher">w*.</param>
    /// <param name="loss">The single-index loss; null (the default) for noiseless phase retrieval, <see cref="PhaseRetrievalLoss"/>.</param>
    public PhaseRetrievalModel(Spectrum spectrum, ReadOnlySpan<double> teacher, SingleIndexLoss? loss = null)
    {
        ArgumentNullException.ThrowIfNull(spectrum);
        Spectrum = spectrum;
        PopulationLoss = loss ?? DefaultLoss;
        IsPhaseRetrieval = PopulationLoss is PhaseRetrievalLoss;
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

    private static readonly PhaseRetrievalLoss DefaultLoss = new();

    /// <summary>The single-index loss P(s, u, s*) + σ² the model is trained on.</summary>
    public SingleIndexLoss PopulationLoss { get; }

    /// <summary>True when the loss is phase retrieval (<see cref="PhaseRetrievalLoss"/>, any label noise): the case every
    /// reduction is written for, and for which the simulators keep the critical crossing as s ≥ s*/3.</summary>
    public bool IsPhaseRetrieval { get; }

    /// <summary>Throws <see cref="InvalidParameterException"/> unless the loss is phase retrieval: for the parts of PhaseFlow
    /// (named by <paramref name="what"/>) that are not yet derived for other single-index models.</summary>
    public void RequirePhaseRetrieval(string what)
    {
        if (!IsPhaseRetrieval)
            throw new InvalidParameterException("model", $"phase retrieval (f = g = z²) for {what}, which is not yet derived for other single-index models",
                PopulationLoss.ToString());
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

    /// <summary>Population loss from the order parameters: P(s, u, s*) + σ² (phase retrieval: 3s² + 3s*² − 4u² − 2s*s).</summary>
    public double Loss(SummaryStatistics stats) => PopulationLoss.Loss(stats.S, stats.U, SStar);

    /// <summary>Population loss L(w).</summary>
    public double Loss(ReadOnlySpan<double> w) => Loss(Statistics(w));

    /// <summary>P and its first and second derivatives at (s, u, s*).</summary>
    public LossDerivatives Derivatives(SummaryStatistics stats) => PopulationLoss.Derivatives(stats.S, stats.U, SStar);

    /// <summary>∇L(w) = 2P_s Qw + P_u Qw* (phase retrieval: (12s − 4s*) Qw − 8u Qw*), written into <paramref name="gradient"/>.</summary>
    public void Gradient(ReadOnlySpan<double> w, Span<double> gradient)
    {
        CheckLength(gradient, nameof(gradient));
        var p = Derivatives(Statistics(w));
        double alpha = 2 * p.Ps, beta = p.Pu;
        for (int i = 0; i < w.Length; i++) gradient[i] = _lambda[i] * (alpha * w[i]) + beta * _qTeacher[i];
    }

    /// <summary>∇²L(w) v = 2P_s Qv + [2Qw, Qw*] H [2Qw, Qw*]ᵀ v, H = [[P_ss, P_su], [P_su, P_uu]] (phase retrieval:
    /// 24 (Qw)(Qw·v) + (12s − 4s*) Qv − 8 (Qw*)(Qw*·v)), written into <paramref name="result"/>.</summary>
    public void HessianVectorProduct(ReadOnlySpan<double> w, ReadOnlySpan<double> v, Span<double> result)
    {
        CheckLength(v, nameof(v));
        CheckLength(result, nameof(result));
        var p = Derivatives(Statistics(w));
        double qwv = 0, qtv = 0;
        for (int i = 0; i < w.Length; i++)
        {
            qwv += _lambda[i] * w[i] * v[i];
            qtv += _qTeacher[i] * v[i];
        }
        // The terms in this order (zero second derivatives adding exact zeros) keep phase retrieval's arithmetic as it was.
        double alpha = 2 * p.Ps, ww = 4 * p.Pss, ws = 2 * p.Psu, tt = p.Puu;
        for (int i = 0; i < w.Length; i++)
            result[i] = ww * _lambda[i] * w[i] * qwv + ws * _lambda[i] * w[i] * qtv + alpha * _lambda[i] * v[i]
                + ws * _qTeacher[i] * qwv + tt * _qTeacher[i] * qtv;
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

    /// <summary>The parameter error: (1/d) min(‖w − w*‖², ‖w + w*‖²) when w and −w are equivalent
    /// (<see cref="SingleIndexLoss.SignInvariant"/>, e.g. phase retrieval), else (1/d) ‖w − w*‖².</summary>
    public double Mse(ReadOnlySpan<double> w)
    {
        CheckLength(w, nameof(w));
        double minus = 0, plus = 0;
        if (!PopulationLoss.SignInvariant)
        {
            for (int i = 0; i < w.Length; i++)
            {
                double a = w[i] - _teacher[i];
                minus += a * a;
            }
            return minus / w.Length;
        }
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
