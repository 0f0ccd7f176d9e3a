using PhaseFlow.Core;
using PhaseFlow.Symbolic;

namespace PhaseFlow.Hierarchy;

/// <summary>The hierarchy of the error moments e^(k) = δᵀQ^kδ and d^(k) = δᵀQ^k w* for δ = w − σw* (σ = ±1), which keep
/// their relative accuracy as w → σw* where s^(0) + s*^(0) − 2σu^(0) is a difference of O(1) numbers.</summary>
/// <remarks>From ẇ = Q(αw + βw*) and w = δ + σw*: δ̇ = Q(αδ + γw*) with γ = σα + β, so
/// ė^(k) = 2α e^(k+1) + 2γ d^(k+1) and ḋ^(k) = α d^(k+1) + γ s*^(k+1). γ vanishes at the teacher, and computed from s and u it
/// would be a difference of O(1) numbers there; here α and γ are P's derivatives with s = s* + 2σd^(1) + e^(1) and
/// u = σs* + d^(1) substituted and expanded, so for polynomial P the constant term of γ cancels exactly and γ is a polynomial
/// in (d^(1), e^(1)) without one. Closed-form and quadrature losses have no such exact cancellation: they are refused (the
/// solver keeps the MSE from s and u for them).
/// Closure: only the exact (minimal-polynomial) closure, the one whose run converges to the teacher, so that relative
/// accuracy near convergence means something (a zero or geometric truncation's MSE there is its truncation error). It is
/// linear in the moment sequence, so it closes e and d with the same coefficients and no constant (the constant
/// s*^(K'+1) − Σ c_j s*^(j) is zero analytically; in floating point it would move the fixed point off e = d = 0). The
/// order is K' = r − 1 whatever the s, u system's K: then e^(0) is inside the closed block and decays with it, where at
/// K ≥ r it would be a bare integral of decaying terms whose early integration errors never decay (measured: −1e-15·d
/// floors on the spiked case at K = 3, r = 3).</remarks>
internal sealed class ErrorMoments
{
    private ErrorMoments(int order, int sigma, Expr coupling, IReadOnlyList<HierarchyEquation> equations)
    {
        Order = order;
        Coupling = coupling;
        Sigma = sigma;
        Equations = equations;
    }

    /// <summary>The order K' = r − 1 (r distinct eigenvalues): e[0..K'], d[0..K'].</summary>
    public int Order { get; }

    /// <summary>e[k] = δᵀQ^kδ.</summary>
    public static Expr E(int k) => Expr.Indexed("e", k);

    /// <summary>d[k] = δᵀQ^k w*.</summary>
    public static Expr D(int k) => Expr.Indexed("d", k);

    /// <summary>γ = σα + β as a polynomial in d[1], e[1] (and s_star[1]), without constant term.</summary>
    public Expr Coupling { get; }

    /// <summary>The sign σ of δ = w − σw*.</summary>
    public int Sigma { get; }

    /// <summary>Equations for e[0..K] then d[0..K].</summary>
    public IReadOnlyList<HierarchyEquation> Equations { get; }

    /// <summary>The error-moment hierarchy of <paramref name="system"/> for sign <paramref name="sigma"/>; null when the
    /// closure is not the exact one, P is not a polynomial (no exact cancellation) or σw* is not a fixed point (γ ≠ 0 at
    /// the teacher: the MSE then stays away from 0 and needs no such care).</summary>
    public static ErrorMoments? TryCreate(HierarchySystem system, int sigma)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (system.ClosureNodes is not { } r || system.Constants is null) return null;
        // α and γ = σα + β in d[1], e[1] (the derivation the spectral nodes share; null for other kinds of P, or when γ
        // has a constant term).
        if (ErrorCoupling.Derive(system.Loss, sigma, HierarchySymbols.S(1), HierarchySymbols.U(1), HierarchySymbols.SStar(1), D(1), E(1)) is not var (a, g))
            return null;

        int order = r - 1;
        // The same coefficients on the e and d sequences.
        var form = system.Closure.Close(order, system.Constants);
        var toE = new Dictionary<Expr, Expr>();
        var toD = new Dictionary<Expr, Expr>();
        for (int k = 0; k <= order; k++) { toE[HierarchySymbols.S(k)] = E(k); toD[HierarchySymbols.U(k)] = D(k); }
        var eNext = form.SNext.Substitute(toE);
        var dNext = form.UNext.Substitute(toD);
        var close = new Dictionary<Expr, Expr> { [E(order + 1)] = eNext, [D(order + 1)] = dNext };
        var eEquations = new List<HierarchyEquation>();
        var dEquations = new List<HierarchyEquation>();
        for (int k = 0; k <= order; k++)
        {
            eEquations.Add(new HierarchyEquation(E(k), (2 * a * E(k + 1) + 2 * g * D(k + 1)).Expand().Substitute(close)));
            dEquations.Add(new HierarchyEquation(D(k), (a * D(k + 1) + g * HierarchySymbols.SStar(k + 1)).Expand().Substitute(close)));
        }
        return new ErrorMoments(order, sigma, g, [.. eEquations, .. dEquations]);
    }
}
