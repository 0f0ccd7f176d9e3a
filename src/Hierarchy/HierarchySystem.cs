using System.Globalization;
using System.Text;
using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Symbolic;

namespace PhaseFlow.Hierarchy;

/// <summary>The symbols of the hierarchy: s[k] = s^(k), u[k] = u^(k), s_star[k] = s*^(k) (printed s_{*}^{(k)} in LaTeX).</summary>
public static class HierarchySymbols
{
    /// <summary>s^(k) = wᵀQ^k w.</summary>
    public static Expr S(int k) => Expr.Indexed("s", k);

    /// <summary>u^(k) = wᵀQ^k w*.</summary>
    public static Expr U(int k) => Expr.Indexed("u", k);

    /// <summary>s*^(k) = w*ᵀQ^k w* (a constant).</summary>
    public static Expr SStar(int k) => Expr.Indexed("s_star", k);

    /// <summary>The right-hand sides of the exact (infinite) hierarchy at order k:
    /// ṡ^(k) = 8(s* − 3s) s^(k+1) + 16 u u^(k+1), u̇^(k) = 4(s* − 3s) u^(k+1) + 8 u s*^(k+1).</summary>
    public static (Expr SDot, Expr UDot) Equations(int k)
    {
        if (k < 0) throw new InvalidParameterException("k", ">= 0", k.ToString(CultureInfo.InvariantCulture));
        var drift = SStar(1) - 3 * S(1);
        return (8 * drift * S(k + 1) + 16 * U(1) * U(k + 1), 4 * drift * U(k + 1) + 8 * U(1) * SStar(k + 1));
    }

    /// <summary>The right-hand sides at order k derived from a model's loss P(s, u, s*) (spec single-index.md §3):
    /// ṡ^(k) = −4P_s s^(k+1) − 2P_u u^(k+1), u̇^(k) = −2P_s u^(k+1) − P_u s*^(k+1), P_s and P_u differentiated
    /// symbolically and taken at s = s^(1), u = u^(1), s* = s*^(1). Phase retrieval's P gives <see cref="Equations(int)"/>
    /// (canonically equal).</summary>
    /// <param name="k">The order, ≥ 0.</param>
    /// <param name="loss">P in the symbols s, u, s_star (<see cref="SingleIndexLoss.Expression"/>).</param>
    public static (Expr SDot, Expr UDot) Equations(int k, Expr loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (k < 0) throw new InvalidParameterException("k", ">= 0", k.ToString(CultureInfo.InvariantCulture));
        var at = new Dictionary<Expr, Expr> { [PolynomialLoss.S] = S(1), [PolynomialLoss.U] = U(1), [PolynomialLoss.SStar] = SStar(1) };
        var ps = loss.Differentiate(PolynomialLoss.S).Substitute(at);
        var pu = loss.Differentiate(PolynomialLoss.U).Substitute(at);
        return ((-4 * ps * S(k + 1) - 2 * pu * U(k + 1)).Expand(), (-2 * ps * U(k + 1) - pu * SStar(k + 1)).Expand());
    }
}

/// <summary>One equation d/dt <see cref="Variable"/> = <see cref="RightHandSide"/>.</summary>
/// <param name="Variable">s[k] or u[k].</param>
/// <param name="RightHandSide">The closed right-hand side.</param>
public sealed record HierarchyEquation(Expr Variable, Expr RightHandSide)
{
    /// <summary>"d/dt s[k] = …".</summary>
    public override string ToString() => $"d/dt {Variable} = {RightHandSide}";

    /// <summary>"\dot{s}^{(k)} = …".</summary>
    public string ToLatex()
    {
        string v = Variable.ToLatex();
        int brace = v.IndexOf("^{", StringComparison.Ordinal);
        return $@"\dot{{{v[..brace]}}}{v[brace..]} = {RightHandSide.ToLatex()}";
    }
}

/// <summary>The hierarchy truncated at order K and closed: 2(K + 1) equations for s^(0..K) and u^(0..K) (order 0,
/// ‖w‖² and wᵀw*, obeys the same law and gives the MSE). Symbolic, so it prints; compiled, so it integrates.</summary>
public sealed class HierarchySystem
{
    /// <summary>Largest truncation order.</summary>
    public const int MaxOrder = 200;

    private HierarchySystem(int order, HierarchyClosure closure, HierarchyConstants? constants, ClosureForm form,
        IReadOnlyList<HierarchyEquation> equations)
    {
        Order = order;
        Closure = closure;
        Constants = constants;
        ClosingS = form.SNext;
        ClosingU = form.UNext;
        ConditionNumber = form.ConditionNumber;
        ClosureNodes = form.Nodes;
        Equations = equations;
    }

    /// <summary>Builds the system of order <paramref name="order"/> closed by <paramref name="closure"/>. Without
    /// constants it is symbolic (for printing); integration needs them.</summary>
    /// <exception cref="InvalidParameterException">The order is out of range, the constants do not reach order K + 1, the
    /// closure needs what the constants lack, or a custom closure uses other symbols.</exception>
    public static HierarchySystem Create(int order, HierarchyClosure closure, HierarchyConstants? constants = null) =>
        Create(order, closure, constants, null);

    /// <summary>Builds the system of order <paramref name="order"/> for the model whose loss is
    /// <paramref name="loss"/>: phase retrieval (or null) gives today's hand-written law, any other loss with an
    /// expression (polynomial links, closed forms) the law derived from it; with constants it integrates.</summary>
    /// <exception cref="InvalidParameterException">As the other overload; or the loss has no expression (quadrature kinds).</exception>
    public static HierarchySystem Create(int order, HierarchyClosure closure, HierarchyConstants? constants, SingleIndexLoss? loss)
    {
        ArgumentNullException.ThrowIfNull(closure);
        Expr? derived = null;
        if (loss is not null and not PhaseRetrievalLoss)
            derived = loss.Expression ?? throw new InvalidParameterException("loss", "a loss with an expression (polynomial or closed-form links)", loss.Method);
        if (order < 1 || order > MaxOrder)
            throw new InvalidParameterException("order", $"an integer in [1, {MaxOrder}]", order.ToString(CultureInfo.InvariantCulture));
        if (constants is not null && constants.MaxOrder < order + 1)
            throw new InvalidParameterException("order", $"<= {constants.MaxOrder - 1} (s*^(k) is given up to k = {constants.MaxOrder})",
                order.ToString(CultureInfo.InvariantCulture));
        var form = closure.Close(order, constants);
        CheckClosureSymbols(form, order, symbolic: constants is null);
        var close = new Dictionary<Expr, Expr>
        {
            [HierarchySymbols.S(order + 1)] = form.SNext,
            [HierarchySymbols.U(order + 1)] = form.UNext,
        };
        var sEquations = new List<HierarchyEquation>();
        var uEquations = new List<HierarchyEquation>();
        for (int k = 0; k <= order; k++)
        {
            var (sDot, uDot) = derived is null ? HierarchySymbols.Equations(k) : HierarchySymbols.Equations(k, derived);
            sEquations.Add(new HierarchyEquation(HierarchySymbols.S(k), sDot.Substitute(close)));
            uEquations.Add(new HierarchyEquation(HierarchySymbols.U(k), uDot.Substitute(close)));
        }
        return new HierarchySystem(order, closure, constants, form, [.. sEquations, .. uEquations]) { Loss = derived is null ? null : loss };
    }

    /// <summary>Truncation order K.</summary>
    public int Order { get; }

    /// <summary>The model's loss the system was derived from; null for phase retrieval's hand-written law.</summary>
    public SingleIndexLoss? Loss { get; private init; }

    /// <summary>The closure.</summary>
    public HierarchyClosure Closure { get; }

    /// <summary>The constants (null for a symbolic system).</summary>
    public HierarchyConstants? Constants { get; }

    /// <summary>Equations for s[0..K] then u[0..K], with s_star[k] left symbolic.</summary>
    public IReadOnlyList<HierarchyEquation> Equations { get; }

    /// <summary>s^(K+1) as the closure gives it.</summary>
    public Expr ClosingS { get; }

    /// <summary>u^(K+1) as the closure gives it.</summary>
    public Expr ClosingU { get; }

    /// <summary>Exact closure: 2-norm condition number of the Vandermonde matrix of the scaled eigenvalues μ_i/λ_1, the
    /// factor by which integration errors can be amplified; null for other closures.</summary>
    public double? ConditionNumber { get; }

    /// <summary>Exact closure: the number r of distinct eigenvalues it closes over.</summary>
    public int? ClosureNodes { get; }

    /// <summary>The state variables in integration order: s[0..K], u[0..K].</summary>
    public IReadOnlyList<Expr> Variables => Equations.Select(e => e.Variable).ToArray();

    /// <summary>The equations and the closure as text, one per line.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        foreach (var e in Equations) sb.Append(e).Append('\n');
        sb.Append($"{HierarchySymbols.S(Order + 1)} = {ClosingS}\n");
        sb.Append($"{HierarchySymbols.U(Order + 1)} = {ClosingU}\n");
        return sb.ToString();
    }

    /// <summary>The equations and the closure as LaTeX lines (ready for an <c>align</c> environment).</summary>
    public string ToLatex()
    {
        var sb = new StringBuilder();
        foreach (var e in Equations) sb.Append(e.ToLatex()).Append(" \\\\\n");
        sb.Append($"{HierarchySymbols.S(Order + 1).ToLatex()} = {ClosingS.ToLatex()} \\\\\n");
        sb.Append($"{HierarchySymbols.U(Order + 1).ToLatex()} = {ClosingU.ToLatex()}\n");
        return sb.ToString();
    }

    private static void CheckClosureSymbols(ClosureForm form, int order, bool symbolic)
    {
        foreach (var (expr, which) in new[] { (form.SNext, "sNext"), (form.UNext, "uNext") })
            foreach (var symbol in expr.FreeSymbols())
            {
                if (symbol is IndexedExpr { Index: NumberExpr n } ix && n.IsExact && n.Exact.IsInteger)
                {
                    int k = (int)n.Exact.Numerator;
                    if ((ix.Name is "s" or "u" && k >= 0 && k <= order) || (ix.Name == "s_star" && k >= 0) || (symbolic && ix.Name == "c")) continue;
                }
                else if (symbolic && symbol is SymbolExpr { Name: "r" }) continue;
                throw new InvalidParameterException($"closure.{which}", $"an expression in s[0..{order}], u[0..{order}] and s_star[k]", symbol.ToString());
            }
    }
}
