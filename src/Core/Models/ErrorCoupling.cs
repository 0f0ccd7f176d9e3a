using PhaseFlow.Foundation;
using PhaseFlow.Symbolic;

namespace PhaseFlow.Core;

/// <summary>The gradient flow written for the error δ = w − σw* (σ = ±1) near the teacher: from ẇ = Q(αw + βw*) with
/// α = −2P_s and β = −P_u, δ̇ = Q(αδ + γw*) with γ = σα + β. α and γ are taken at s = s* + 2σd + e, u = σs* + d, where
/// d = δᵀQw* and e = δᵀQδ, and expanded, so that for a polynomial P the constant term of γ (its value at the teacher,
/// zero when σw* is a fixed point) cancels exactly and γ keeps its relative accuracy as δ → 0, where computed from s and u
/// it would be a difference of O(1) numbers. The hierarchy's error moments and the spectral nodes' error amplitudes both
/// integrate δ with it (issue 16, item 4).</summary>
public sealed class ErrorCoupling
{
    /// <summary>d = δᵀQw* in <see cref="Alpha"/> and <see cref="Gamma"/>.</summary>
    public static Expr D { get; } = Expr.Symbol("d");

    /// <summary>e = δᵀQδ in <see cref="Alpha"/> and <see cref="Gamma"/>.</summary>
    public static Expr E { get; } = Expr.Symbol("e");

    private readonly CompiledSystem _compiled;

    [ThreadStatic] private static double[]? _input, _output;

    private ErrorCoupling(int sigma, Expr alpha, Expr gamma)
    {
        Sigma = sigma;
        Alpha = alpha;
        Gamma = gamma;
        Expr[] variables = [D, E, PolynomialLoss.SStar];
        _compiled = Compiler.Compile([alpha, gamma, alpha.Differentiate(D).Expand(), alpha.Differentiate(E).Expand(),
            gamma.Differentiate(D).Expand(), gamma.Differentiate(E).Expand()], variables);
    }

    /// <summary>The sign σ of δ = w − σw*.</summary>
    public int Sigma { get; }

    /// <summary>α = −2P_s, expanded in <see cref="D"/>, <see cref="E"/> and s_star (<see cref="PolynomialLoss.SStar"/>).</summary>
    public Expr Alpha { get; }

    /// <summary>γ = σα + β, expanded likewise, without constant term.</summary>
    public Expr Gamma { get; }

    /// <summary>The coupling of <paramref name="loss"/> for sign <paramref name="sigma"/>; null when P has no exact
    /// expansion (closed-form and quadrature losses) or σw* is not a fixed point (γ ≠ 0 at the teacher: the error then
    /// stays away from 0 and needs no such care).</summary>
    /// <param name="loss">Phase retrieval (its hand-written law) or a polynomial loss.</param>
    /// <param name="sigma">±1.</param>
    /// <exception cref="InvalidParameterException"><paramref name="sigma"/> is not ±1.</exception>
    public static ErrorCoupling? TryCreate(SingleIndexLoss loss, int sigma)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (Derive(loss, sigma, PolynomialLoss.S, PolynomialLoss.U, PolynomialLoss.SStar, D, E) is not var (alpha, gamma)) return null;
        return new ErrorCoupling(sigma, alpha, gamma);
    }

    /// <summary>α and γ = σα + β in the given symbols: α and β are written in <paramref name="s"/>, <paramref name="u"/>,
    /// <paramref name="sStar"/>, then s = s* + 2σd + e and u = σs* + d are substituted and the results expanded. Null as
    /// for <see cref="TryCreate"/>.</summary>
    /// <param name="loss">Null or <see cref="PhaseRetrievalLoss"/> for phase retrieval's hand-written α = 4(s* − 3s),
    /// β = 8u; a <see cref="PolynomialLoss"/> for P's derivatives.</param>
    /// <param name="sigma">±1.</param>
    /// <param name="s">The symbol for s = wᵀQw.</param>
    /// <param name="u">The symbol for u = wᵀQw*.</param>
    /// <param name="sStar">The symbol for s* = w*ᵀQw*.</param>
    /// <param name="d">The symbol for d = δᵀQw*.</param>
    /// <param name="e">The symbol for e = δᵀQδ.</param>
    /// <exception cref="InvalidParameterException"><paramref name="sigma"/> is not ±1.</exception>
    public static (Expr Alpha, Expr Gamma)? Derive(SingleIndexLoss? loss, int sigma, Expr s, Expr u, Expr sStar, Expr d, Expr e)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(u);
        ArgumentNullException.ThrowIfNull(sStar);
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(e);
        if (sigma is not (1 or -1)) throw new InvalidParameterException("sigma", "+1 or -1", sigma.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Expr alpha, beta;
        if (loss is null or PhaseRetrievalLoss)
        {
            alpha = 4 * (sStar - 3 * s);
            beta = 8 * u;
        }
        else if (loss is PolynomialLoss polynomial)
        {
            var at = new Dictionary<Expr, Expr> { [PolynomialLoss.S] = s, [PolynomialLoss.U] = u, [PolynomialLoss.SStar] = sStar };
            alpha = -2 * polynomial.Expression.Differentiate(PolynomialLoss.S).Substitute(at);
            beta = -polynomial.Expression.Differentiate(PolynomialLoss.U).Substitute(at);
        }
        else return null;
        var sg = Expr.Number(sigma);
        var overlaps = new Dictionary<Expr, Expr> { [s] = sStar + 2 * sg * d + e, [u] = sg * sStar + d };
        var a = alpha.Substitute(overlaps).Expand();
        var g = (sg * alpha + beta).Substitute(overlaps).Expand();
        if (!g.Substitute(new Dictionary<Expr, Expr> { [e] = Expr.Zero, [d] = Expr.Zero }).Expand().Equals(Expr.Zero)) return null;
        return (a, g);
    }

    /// <summary>α, γ and their derivatives in d and e at (d, e, s*): allocation-free and thread-safe.</summary>
    public ErrorCouplingValue Evaluate(double d, double e, double sStar)
    {
        var x = _input ??= new double[3];
        (x[0], x[1], x[2]) = (d, e, sStar);
        var y = _output ??= new double[6];
        _compiled.Evaluate(x, y);
        return new ErrorCouplingValue(y[0], y[1], y[2], y[3], y[4], y[5]);
    }
}

/// <summary>α and γ of an <see cref="ErrorCoupling"/> with their first derivatives at one point.</summary>
/// <param name="Alpha">α = −2P_s.</param>
/// <param name="Gamma">γ = σα + β.</param>
/// <param name="AlphaD">∂α/∂d.</param>
/// <param name="AlphaE">∂α/∂e.</param>
/// <param name="GammaD">∂γ/∂d.</param>
/// <param name="GammaE">∂γ/∂e.</param>
public readonly record struct ErrorCouplingValue(double Alpha, double Gamma, double AlphaD, double AlphaE, double GammaD, double GammaE);
