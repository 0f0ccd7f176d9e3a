using PhaseFlow.Foundation;

namespace PhaseFlow.Core;

public abstract partial class SingleIndexLoss
{
    /// <summary>How P is computed, for reports: "hand-written", "closed form", "exact (Wick)" or the quadrature and its order.</summary>
    public virtual string Method => GetType().Name;

    /// <summary>P(s, u, s*) as an expression in s, u and s_star when the kind has one (polynomial links); otherwise null.</summary>
    public virtual PhaseFlow.Symbolic.Expr? Expression => null;

    /// <summary>P_s, P_u, P_ss, P_su, P_uu as expressions (in <see cref="LossDerivatives"/>' order), differentiated
    /// symbolically from <see cref="Expression"/>; null when there is none.</summary>
    public virtual IReadOnlyList<PhaseFlow.Symbolic.Expr>? DerivativeExpressions => Expression is { } p ? Differentiate(p, expand: false) : null;

    /// <summary>The five derivatives of <paramref name="p"/> in s and u, each expanded after differentiating when
    /// <paramref name="expand"/> (polynomials; other expressions keep their form).</summary>
    protected static PhaseFlow.Symbolic.Expr[] Differentiate(PhaseFlow.Symbolic.Expr p, bool expand)
    {
        ArgumentNullException.ThrowIfNull(p);
        PhaseFlow.Symbolic.Expr D(PhaseFlow.Symbolic.Expr e, PhaseFlow.Symbolic.Expr v) => expand ? e.Differentiate(v).Expand() : e.Differentiate(v);
        var ps = D(p, PolynomialLoss.S);
        var pu = D(p, PolynomialLoss.U);
        return [ps, pu, D(ps, PolynomialLoss.S), D(ps, PolynomialLoss.U), D(pu, PolynomialLoss.U)];
    }

    /// <summary>The relative slack of the Cauchy–Schwarz check u² ≤ s·s*: overlaps computed from vectors break it by
    /// rounding only, a few ulps of s·s*.</summary>
    public const double CauchySchwarzSlack = 1e-12;

    /// <summary>Refuses overlaps no pair of vectors has: s must be finite and ≥ 0, s* finite and &gt; 0, u finite with
    /// u² ≤ s·s*·(1 + <see cref="CauchySchwarzSlack"/>). The model kinds call it on every evaluation.</summary>
    /// <param name="s">wᵀQw.</param>
    /// <param name="u">wᵀQw*.</param>
    /// <param name="sStar">w*ᵀQw*.</param>
    /// <exception cref="InvalidParameterException">Naming the parameter and its allowed range.</exception>
    public static void CheckOverlaps(double s, double u, double sStar)
    {
        Guard.NonNegative(s, "s");
        Guard.Positive(sStar, "sStar");
        double bound = Math.Sqrt(s * sStar);
        if (!double.IsFinite(u) || u * u > s * sStar * (1 + CauchySchwarzSlack))
            throw new InvalidParameterException("u",
                $"finite with u^2 <= s*sStar (Cauchy-Schwarz), i.e. in [-{InvalidParameterException.Format(bound)}, {InvalidParameterException.Format(bound)}]",
                InvalidParameterException.Format(u));
    }

    /// <summary>The correlation u/√(s s*) clamped to [−1, 1] (0 when s = 0, where u = 0 is the only overlap allowed).</summary>
    internal static double Correlation(double s, double u, double sStar) =>
        s == 0 ? 0 : Math.Clamp(u / Math.Sqrt(s * sStar), -1, 1);
}
