using System.Globalization;
using PhaseFlow.Core;
using PhaseFlow.Foundation;

namespace PhaseFlow.Duhamel;

/// <summary>Whether the Phase III theory applies to a model at s*, with the numbers it rests on (spec single-index §5).</summary>
/// <param name="Applies">True when f = g and P_s(s*, s*, s*) &gt; 0.</param>
/// <param name="Ps">P_s(s*, s*, s*): mode i's error decays at 2P_sλ_i, its MSE at 4P_sλ_i.</param>
/// <param name="RateFactor">4P_s(s*, s*, s*), the survival exponent per unit λ·τ (16s* for phase retrieval).</param>
/// <param name="RateDrift">A in the first-order bound Aδ + Bδ‖w*‖/‖e‖: the change of the rate α = −2P_s with s and u
/// (2s*(|P_ss| + |P_su|)/P_s; 3 for phase retrieval).</param>
/// <param name="TeacherDrift">B: the drift (α + β)w* that vanishes at w* ((|2P_ss + P_su| + |2P_su + P_uu|)s*/P_s; 5 for
/// phase retrieval).</param>
/// <param name="Reason">Why the theory does not apply, in the user's terms; null when it does.</param>
public sealed record PhaseThreeApplicability(bool Applies, double Ps, double RateFactor, double RateDrift, double TeacherDrift, string? Reason)
{
    /// <summary>Whether Phase III's linear relaxation applies to <paramref name="loss"/> at <paramref name="sStar"/>: it needs
    /// w* to be the fixed point the run converges to, i.e. f = g (P(s*, s*, s*) = E[(f(z) − g(z))²] = 0, z ~ N(0, s*)), and
    /// the modes to relax there (P_s(s*, s*, s*) &gt; 0). Never throws for a model.</summary>
    /// <exception cref="InvalidParameterException">s* not finite and &gt; 0.</exception>
    public static PhaseThreeApplicability Of(SingleIndexLoss loss, double sStar)
    {
        ArgumentNullException.ThrowIfNull(loss);
        Guard.Positive(sStar, "sStar");
        // Phase retrieval keeps its closed forms (4·P_s = 16s* computed as 6s* − 2s* could differ in the last bit).
        if (loss is PhaseRetrievalLoss) return new(true, 4 * sStar, 16 * sStar, 3, 5, null);
        var p = loss.Derivatives(sStar, sStar, sStar);
        string G(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
        if (!double.IsFinite(p.Value) || !double.IsFinite(p.Ps) || !double.IsFinite(p.Pss) || !double.IsFinite(p.Psu) || !double.IsFinite(p.Puu))
            return new(false, p.Ps, double.NaN, double.NaN, double.NaN,
                $"no Phase III theory: P or its derivatives are not finite at w = w* (s = u = s* = {G(sStar)})");
        // P(s*, s*, s*) vanishes to rounding (Wick, closed forms) or to the quadrature's 1e-10 when f = g; the tolerance is the
        // escape theory's, against the scale of P's derivatives at w*.
        double scale = EscapeTheory.Scale(p, sStar) * sStar;
        if (Math.Abs(p.Value) > EscapeTheory.ZeroTolerance * scale)
            return new(false, p.Ps, double.NaN, double.NaN, double.NaN,
                $"no Phase III theory for f ≠ g: P(s*, s*, s*) = E[(f(z) − g(z))²] = {G(p.Value)} ≠ 0 (s* = {G(sStar)}), so w* is not in general the " +
                "point the run converges to");
        if (!(p.Ps > 0))
            return new(false, p.Ps, double.NaN, double.NaN, double.NaN,
                $"no Phase III relaxation: P_s(s*, s*, s*) = {G(p.Ps)} ≤ 0 (s* = {G(sStar)}), so the modes do not decay at rates 2P_s λ_i near w*");
        double drift = 2 * sStar * (Math.Abs(p.Pss) + Math.Abs(p.Psu)) / p.Ps;
        double teacher = (Math.Abs(2 * p.Pss + p.Psu) + Math.Abs(2 * p.Psu + p.Puu)) * sStar / p.Ps;
        return new(true, p.Ps, 4 * p.Ps, drift, teacher, null);
    }
}

/// <summary>The Phase III theory refused (<see cref="PhaseThreeApplicability.Reason"/> is the message).</summary>
public sealed class PhaseThreeTheoryException : InvalidOperationException
{
    /// <summary>Creates the exception from a refused applicability.</summary>
    public PhaseThreeTheoryException(PhaseThreeApplicability applicability)
        : base((applicability ?? throw new ArgumentNullException(nameof(applicability))).Reason ?? "the Phase III theory applies")
    {
        Applicability = applicability;
    }

    /// <summary>The verdict and the numbers behind it.</summary>
    public PhaseThreeApplicability Applicability { get; }
}

/// <summary>Phase III, spectral-tail learning (spec single-index §5) for f = g: once s ≈ u ≈ s* the flow is
/// ẇ ≈ −2P_s*·Q(w − w*) (P_s* = P_s(s*, s*, s*); phase retrieval: −8s*Q(w − w*)), so each error coordinate decays as
/// e_i(T_2 + τ) = e_i(T_2) e^{−2P_s*λ_iτ} and MSE(T_2 + τ) ≈ MSE(T_2)·Ŝ_d(τ) with Ŝ_d(τ) = Σ_i π_i e^{−4P_s*λ_iτ},
/// π_i = e_i(T_2)²/Σ_j e_j(T_2)². Built from the state of a run at T_2. The dropped terms (α − α*)e + (α + β)w*
/// (δ = 1 − s/s*, 1 − u/s*; phase retrieval: 12δs Qw − 8δu Qw*) move the ratio MSE/MSE(T_2) by about
/// Bδ‖w*‖/‖e(T_2)‖ + Aδ (first order in δ; A, B from P's second derivatives at w*, 3 and 5 for phase retrieval: see
/// <see cref="PhaseThreeApplicability"/>), which is what the tests allow.</summary>
public sealed class PhaseThreePrediction
{
    private readonly double[] _lambda;
    private readonly double[] _weights;

    private PhaseThreePrediction(double[] lambda, double[] weights, double t2, double mse, double sStar, PhaseThreeApplicability theory)
    {
        _lambda = lambda;
        SStar = sStar;
        _weights = weights;
        T2 = t2;
        MseAtT2 = mse;
        Theory = theory;
    }

    /// <summary>The prediction from the weights w(T_2) of a run; for an even student the error is taken against ±w*,
    /// whichever is nearer (the MSE is sign invariant), otherwise against w*.</summary>
    /// <param name="model">The model of the run (f = g with P_s(s*, s*, s*) &gt; 0).</param>
    /// <param name="w">w(T_2).</param>
    /// <param name="t2">T_2 (only carried along, for reporting).</param>
    /// <exception cref="InvalidParameterException">w of the wrong length or not finite, or w = ±w* exactly.</exception>
    /// <exception cref="PhaseThreeTheoryException">The model has no Phase III theory (<see cref="PhaseThreeApplicability.Of"/>).</exception>
    public static PhaseThreePrediction FromState(PhaseRetrievalModel model, ReadOnlySpan<double> w, double t2)
    {
        ArgumentNullException.ThrowIfNull(model);
        var theory = PhaseThreeApplicability.Of(model.PopulationLoss, model.SStar);
        if (!theory.Applies) throw new PhaseThreeTheoryException(theory);
        if (w.Length != model.Dimension)
            throw new InvalidParameterException(nameof(w), $"of length d = {model.Dimension}", $"length {w.Length}");
        var teacher = model.Teacher;
        bool even = model.PopulationLoss.SignInvariant;
        double minus = 0, plus = 0;
        for (int i = 0; i < w.Length; i++)
        {
            if (!double.IsFinite(w[i]))
                throw new InvalidParameterException($"w[{i}]", "finite", w[i].ToString("R", CultureInfo.InvariantCulture));
            minus += (w[i] - teacher[i]) * (w[i] - teacher[i]);
            plus += (w[i] + teacher[i]) * (w[i] + teacher[i]);
        }
        double sign = !even || minus <= plus ? 1 : -1, total = even ? Math.Min(minus, plus) : minus;
        if (!(total > 0))
            throw new InvalidParameterException(nameof(w), even ? "≠ ±w* (a zero error has nothing left to learn)" : "≠ w* (a zero error has nothing left to learn)",
                even ? "w = ±w*" : "w = w*");
        var weights = new double[w.Length];
        for (int i = 0; i < w.Length; i++)
        {
            double e = w[i] - sign * teacher[i];
            weights[i] = e * e / total;
        }
        return new PhaseThreePrediction(model.Lambda.ToArray(), weights, t2, total / w.Length, model.SStar, theory);
    }

    /// <summary>s* = w*ᵀQw* of the model.</summary>
    public double SStar { get; }

    /// <summary>The model's Phase III constants (the survival rates are <see cref="PhaseThreeApplicability.RateFactor"/>·λ_i,
    /// 16s*λ_i for phase retrieval).</summary>
    public PhaseThreeApplicability Theory { get; }

    /// <summary>T_2, the start of the prediction.</summary>
    public double T2 { get; }

    /// <summary>MSE(T_2).</summary>
    public double MseAtT2 { get; }

    /// <summary>π_i = e_i(T_2)²/Σ_j e_j(T_2)².</summary>
    public ReadOnlySpan<double> Weights => _weights;

    /// <summary>Ŝ_d(τ) = Σ_i π_i e^{−4P_s*λ_iτ} (phase retrieval: e^{−16s*λ_iτ}), τ ≥ 0.</summary>
    public double Survival(double tau)
    {
        PowerLawTail.CheckTau(tau);
        double sum = 0, rate = Theory.RateFactor * tau;
        for (int i = 0; i < _lambda.Length; i++) sum += _weights[i] * Math.Exp(-rate * _lambda[i]);
        return sum;
    }

    /// <summary>The predicted MSE(T_2 + τ) = MSE(T_2)·Ŝ_d(τ).</summary>
    public double Mse(double tau) => MseAtT2 * Survival(tau);

    /// <summary>The uniform benchmark S_d(τ) = (1/d) Σ_i e^{−16λ_iτ} of any spectrum, as 1 − (1/d)Σ(1 − e^{−16λ_iτ}) so
    /// that the small decrement keeps its digits.</summary>
    /// <param name="lambda">The eigenvalues λ_i.</param>
    /// <param name="tau">τ ≥ 0.</param>
    public static double UniformSurvival(ReadOnlySpan<double> lambda, double tau)
    {
        PowerLawTail.CheckTau(tau);
        if (lambda.Length == 0) throw new InvalidParameterException(nameof(lambda), "non-empty", "empty");
        double sum = 0;
        for (int i = lambda.Length - 1; i >= 0; i--) sum -= AccurateMath.Expm1(-16 * lambda[i] * tau);
        return 1 - sum / lambda.Length;
    }
}

/// <summary>Direct gradient flow after T_2 against <see cref="PhaseThreePrediction"/>.</summary>
/// <param name="Prediction">Ŝ_d from w(T_2).</param>
/// <param name="After">The direct run from w(T_2) (time τ = t − T_2).</param>
/// <param name="MaxDeviation">max over the samples of |MSE(T_2 + τ)/MSE(T_2) − Ŝ_d(τ)|.</param>
/// <param name="Delta">δ = max |1 − s/s*|, |1 − |u|/s*| over the samples after T_2.</param>
/// <param name="Bound">Bδ‖w*‖/‖e(T_2)‖ + Aδ (5 and 3 for phase retrieval): the first-order effect of the dropped terms.</param>
public sealed record PhaseThreeComparison(PhaseThreePrediction Prediction, Trajectory After, double MaxDeviation, double Delta, double Bound)
{
    /// <summary>Runs direct GF until 1 − |u|/s* = <paramref name="accuracy"/> (T_2), again to T_2 for w(T_2), then from
    /// w(T_2) for τ ∈ [0, <paramref name="tauEnd"/>], and compares.</summary>
    /// <param name="problem">Model and w(0); its horizon bounds the search for T_2.</param>
    /// <param name="accuracy">ε in (0, 1).</param>
    /// <param name="tauEnd">The length of the comparison, &gt; 0.</param>
    /// <param name="samples">Log-spaced sample times after T_2 (from τ = 1e-2), at least 3.</param>
    /// <param name="relativeTolerance">The direct runs' rtol (atol is 1e-4 of it).</param>
    /// <exception cref="InvalidParameterException">Bad arguments, or u never reaching 1 − ε within the horizon.</exception>
    /// <exception cref="PhaseThreeTheoryException">The model has no Phase III theory.</exception>
    public static PhaseThreeComparison Run(PhaseRetrievalProblem problem, double accuracy, double tauEnd, int samples = 50, double relativeTolerance = 1e-10)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (!(accuracy > 0 && accuracy < 1))
            throw new InvalidParameterException(nameof(accuracy), "in (0, 1)", accuracy.ToString("R", CultureInfo.InvariantCulture));
        CheckComparison(tauEnd, samples);
        var model = problem.Model;
        var theory = PhaseThreeApplicability.Of(model.PopulationLoss, model.SStar);
        if (!theory.Applies) throw new PhaseThreeTheoryException(theory);
        var flow = new PopulationGradientFlow(relativeTolerance, relativeTolerance * 1e-4);
        var find = flow.Solve(problem, new SimulationOptions { EscapeThreshold = 1 - accuracy, Output = OutputSchedule.At(problem.Horizon) });
        double t2 = find.Markers.EscapeTime
            ?? throw new InvalidParameterException(nameof(accuracy), $"reached by u within the horizon {problem.Horizon:G4}", $"1 − |u|/s* = {1 - Math.Abs(find.Trajectory.Samples[^1].U) / model.SStar:G3} at the end");
        var w2 = flow.Solve(new PhaseRetrievalProblem(model, problem.InitialWeights, t2), new SimulationOptions { Output = OutputSchedule.At(t2) }).FinalWeights.ToArray();
        return Compare(flow, model, w2, t2, tauEnd, samples);
    }

    /// <summary>Compares the prediction from <paramref name="w2"/> = w(T_2) with direct GF from it for τ ∈ [0,
    /// <paramref name="tauEnd"/>] (a start already near w*, without the search for T_2).</summary>
    /// <param name="model">The model (f = g, P_s(s*, s*, s*) &gt; 0).</param>
    /// <param name="w2">w(T_2).</param>
    /// <param name="t2">T_2 (carried along).</param>
    /// <param name="tauEnd">The length of the comparison, &gt; 0.01.</param>
    /// <param name="samples">Log-spaced sample times (from τ = 1e-2), at least 3.</param>
    /// <param name="relativeTolerance">The direct run's rtol (atol is 1e-4 of it).</param>
    /// <exception cref="InvalidParameterException">Bad arguments.</exception>
    /// <exception cref="PhaseThreeTheoryException">The model has no Phase III theory.</exception>
    public static PhaseThreeComparison FromState(PhaseRetrievalModel model, double[] w2, double t2, double tauEnd, int samples = 50, double relativeTolerance = 1e-10)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(w2);
        CheckComparison(tauEnd, samples);
        return Compare(new PopulationGradientFlow(relativeTolerance, relativeTolerance * 1e-4), model, w2, t2, tauEnd, samples);
    }

    private static void CheckComparison(double tauEnd, int samples)
    {
        if (!(tauEnd > 0.01 && double.IsFinite(tauEnd)))
            throw new InvalidParameterException(nameof(tauEnd), "finite and > 0.01", tauEnd.ToString("R", CultureInfo.InvariantCulture));
        if (samples < 3) throw new InvalidParameterException(nameof(samples), ">= 3", samples.ToString(CultureInfo.InvariantCulture));
    }

    private static PhaseThreeComparison Compare(PopulationGradientFlow flow, PhaseRetrievalModel model, double[] w2, double t2, double tauEnd, int samples)
    {
        var prediction = PhaseThreePrediction.FromState(model, w2, t2);
        var after = flow.Solve(new PhaseRetrievalProblem(model, w2, tauEnd), new SimulationOptions { Output = OutputSchedule.LogSpaced(samples, 1e-2, includeInitial: true) }).Trajectory;
        double delta = after.Samples.Max(p => Math.Max(Math.Abs(1 - p.S / model.SStar), Math.Abs(1 - Math.Abs(p.U) / model.SStar)));
        var theory = prediction.Theory;
        double bound = theory.TeacherDrift * delta * Math.Sqrt(model.TeacherNormSquared / (prediction.MseAtT2 * model.Dimension)) + theory.RateDrift * delta;
        double worst = after.Samples.Max(p => Math.Abs(p.Mse / prediction.MseAtT2 - prediction.Survival(p.T)));
        return new PhaseThreeComparison(prediction, after, worst, delta, bound);
    }
}

/// <summary>Which asymptotic regime of S_d a time τ is in.</summary>
public enum TailRegime
{
    /// <summary>x_d ≲ 1: S_d ≈ 1 − 16τ/d (the top eigenvalue has not been learnt yet).</summary>
    Early,

    /// <summary>1 ≪ x_d ≪ d: S_d ≈ 1 − Γ(1 − 1/a) x_d/d, the MSE decrement grows like τ^{1/a}.</summary>
    Mesoscopic,

    /// <summary>x_d ≳ d: S_d ≤ exp(−16τ d^{−a}/H_{d,a}); learning the whole spectrum needs τ ≳ d^a.</summary>
    Late,
}

/// <summary>The uniform benchmark S_d(τ) = (1/d) Σ_{i≤d} e^{−16λ_iτ} for the power law λ_i = i^{−a}/H_{d,a}, with its three
/// asymptotic regimes in x_d = (16τ/H_{d,a})^{1/a} (spec §5). Dimension-free: d up to 10^15 costs the same as d = 10^4
/// (the first 4096 terms summed, the rest by the midpoint Euler–Maclaurin formula).</summary>
public sealed class PowerLawTail
{
    private const long DirectTerms = 4096;

    /// <summary>Creates the benchmark.</summary>
    /// <param name="exponent">a &gt; 1 (the mesoscopic regime needs Γ(1 − 1/a)).</param>
    /// <param name="dimension">d ≥ 1, at most 10^15.</param>
    public PowerLawTail(double exponent, double dimension)
    {
        if (!(exponent > 1 && exponent <= 20))
            throw new InvalidParameterException("exponent", "in (1, 20]", exponent.ToString("R", CultureInfo.InvariantCulture));
        if (!(dimension >= 1 && dimension <= 1e15 && Math.Floor(dimension) == dimension))
            throw new InvalidParameterException("dimension", "an integer in [1, 1e15]", dimension.ToString("R", CultureInfo.InvariantCulture));
        Exponent = exponent;
        Dimension = dimension;
        Normalization = PowerSums.Sum(1, (long)dimension, exponent);
    }

    /// <summary>a.</summary>
    public double Exponent { get; }

    /// <summary>d.</summary>
    public double Dimension { get; }

    /// <summary>H_{d,a} = Σ_{i≤d} i^{−a}.</summary>
    public double Normalization { get; }

    /// <summary>x_d(τ) = (16τ/H_{d,a})^{1/a}: the index up to which the spectrum has been learnt by time τ.</summary>
    public double LearntIndex(double tau)
    {
        CheckTau(tau);
        return Math.Pow(16 * tau / Normalization, 1 / Exponent);
    }

    /// <summary>The inverse of <see cref="LearntIndex"/>: τ = H_{d,a} x^a/16, the time at which x_d = <paramref name="index"/>.</summary>
    public double TimeOfIndex(double index)
    {
        if (!(index >= 0) || !double.IsFinite(index))
            throw new InvalidParameterException(nameof(index), "finite and ≥ 0", index.ToString("R", CultureInfo.InvariantCulture));
        return Normalization * Math.Pow(index, Exponent) / 16;
    }

    /// <summary>τ where x_d = 1 (end of the early regime): H_{d,a}/16.</summary>
    public double EarlyEnd => TimeOfIndex(1);

    /// <summary>τ where x_d = d (start of the late regime): H_{d,a} d^a/16.</summary>
    public double LateStart => TimeOfIndex(Dimension);

    /// <summary>The regime of τ: early for x_d &lt; 1, late for x_d &gt; d, mesoscopic between.</summary>
    public TailRegime Regime(double tau)
    {
        double x = LearntIndex(tau);
        return x < 1 ? TailRegime.Early : x > Dimension ? TailRegime.Late : TailRegime.Mesoscopic;
    }

    /// <summary>S_d(τ), to a few ulps of 1 − S_d while S_d ≥ 1/2 and to a few ulps of S_d itself below.</summary>
    public double Survival(double tau)
    {
        double decrement = Decrement(tau);
        if (decrement <= Dimension / 2) return 1 - decrement / Dimension;
        // 1 − decrement/d would cancel: sum e^{−16λ_iτ} itself (its slope is minus the decrement's).
        double c = 16 * tau / Normalization, a = Exponent;
        return Sum(x => Math.Exp(-c * Math.Pow(x, -a)), x => a * c * Math.Pow(x, -a - 1) * Math.Exp(-c * Math.Pow(x, -a))) / Dimension;
    }

    /// <summary>d·(1 − S_d(τ)) = Σ_{i≤d} (1 − e^{−16λ_iτ}), computed without cancellation.</summary>
    public double Decrement(double tau)
    {
        CheckTau(tau);
        double c = 16 * tau / Normalization, a = Exponent;
        return Sum(x => -AccurateMath.Expm1(-c * Math.Pow(x, -a)), x => -a * c * Math.Pow(x, -a - 1) * Math.Exp(-c * Math.Pow(x, -a)));
    }

    /// <summary>Σ_{i≤d} g(i) for a smooth monotone g: the first 4096 terms exactly, the rest by the midpoint
    /// Euler–Maclaurin formula Σ_{i=m}^{d} g(i) = ∫_{m−1/2}^{d+1/2} g − (g'(d+1/2) − g'(m−1/2))/24 + …, whose next term is
    /// O(a³/m³) relative.</summary>
    private double Sum(Func<double, double> g, Func<double, double> slope)
    {
        long d = (long)Dimension, direct = Math.Min(d, DirectTerms);
        double sum = 0;
        for (long i = direct; i >= 1; i--) sum += g(i);
        if (d > direct)
        {
            double lo = direct + 0.5, hi = d + 0.5;
            sum += LogScaleIntegral(x => g(x) * x, Math.Log(lo), Math.Log(hi)) - (slope(hi) - slope(lo)) / 24;
        }
        return sum;
    }

    /// <summary>The early-regime approximation 1 − 16τ/d (Σλ_i = 1); its error is at most 128τ²Σλ_i²/d.</summary>
    public double Early(double tau)
    {
        CheckTau(tau);
        return 1 - 16 * tau / Dimension;
    }

    /// <summary>The mesoscopic approximation 1 − Γ(1 − 1/a) x_d/d (the sum replaced by ∫_0^∞ (1 − e^{−c x^{−a}}) dx).</summary>
    public double Mesoscopic(double tau) => 1 - MathNet.Numerics.SpecialFunctions.Gamma(1 - 1 / Exponent) * LearntIndex(tau) / Dimension;

    /// <summary>The late-regime bound exp(−16τ d^{−a}/H_{d,a}) = exp(−16λ_dτ) ≥ S_d(τ) (every λ_i ≥ λ_d).</summary>
    public double LateBound(double tau)
    {
        CheckTau(tau);
        return Math.Exp(-16 * tau * Math.Pow(Dimension, -Exponent) / Normalization);
    }

    // ∫ f(e^y) dy on panels of width ≤ 1/4 with 20-point Gauss–Legendre: the integrand changes on the scale 1/a in y, so
    // this is at rounding level for a ≤ 20 (an adaptive Gauss–Kronrod at 1e-13 kept subdividing without end).
    private static readonly MathNet.Numerics.Integration.GaussLegendreRule Rule = new(-1, 1, 20);

    private static double LogScaleIntegral(Func<double, double> f, double from, double to)
    {
        int panels = Math.Max(1, (int)Math.Ceiling((to - from) * 4));
        double width = (to - from) / panels, sum = 0;
        for (int p = 0; p < panels; p++)
        {
            double mid = from + (p + 0.5) * width, half = width / 2, panel = 0;
            for (int k = 0; k < Rule.Order; k++) panel += Rule.GetWeight(k) * f(Math.Exp(mid + half * Rule.GetAbscissa(k)));
            sum += panel * half;
        }
        return sum;
    }

    internal static void CheckTau(double tau)
    {
        if (!(tau >= 0 && double.IsFinite(tau)))
            throw new InvalidParameterException("tau", "finite and >= 0", tau.ToString("R", CultureInfo.InvariantCulture));
    }
}

/// <summary>Elementary functions where the libraries at hand lose digits.</summary>
internal static class AccurateMath
{
    /// <summary>e^x − 1 to a few ulps for every x (Kahan's trick: (e^x − 1)·x/log(e^x) cancels the rounding of e^x).
    /// MathNet's SpecialFunctions.Expm1 is off by up to 6e-8 relative near x = −0.05 (measured), and .NET's double.ExpM1
    /// is e^x − 1 itself.</summary>
    public static double Expm1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1.0) return x;
        double um1 = u - 1.0;
        if (um1 == -1.0) return -1.0;
        return double.IsPositiveInfinity(u) ? u : um1 * x / Math.Log(u);
    }
}
