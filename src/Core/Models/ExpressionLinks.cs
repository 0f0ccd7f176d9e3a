using PhaseFlow.Foundation;
using PhaseFlow.Symbolic;

namespace PhaseFlow.Core;

public sealed partial class LinkFunction
{
    /// <summary>The link variable z of <see cref="FromExpression"/>.</summary>
    public static Expr Variable { get; } = Expr.Symbol("z");

    [ThreadStatic] private static double[]? _input, _output;

    /// <summary>A smooth link given as an expression in z (e.g. <c>tanh(z)</c>, <c>z*exp(-z^2/4)</c>): its value and first
    /// four derivatives are differentiated symbolically and compiled. It is even when f(−z) − f(z) simplifies to 0, which
    /// is decided for polynomials and exp of even arguments; an even link the simplifier cannot prove even (erf(z)²) is
    /// treated as not even, so the MSE is not made sign-invariant for it: conservative, never wrong.</summary>
    /// <param name="link">The expression, in <see cref="Variable"/> alone.</param>
    /// <param name="name">The parameter name errors give (e.g. <c>student</c>).</param>
    /// <exception cref="InvalidParameterException">The expression names another symbol or is constant.</exception>
    public static LinkFunction FromExpression(Expr link, string name)
    {
        ArgumentNullException.ThrowIfNull(link);
        CheckLink(link, name, "expression", link.ToString());
        var derivatives = new Expr[5];
        derivatives[0] = link;
        for (int k = 1; k < 5; k++) derivatives[k] = derivatives[k - 1].Differentiate(Variable).Expand();
        var mirrored = link.Substitute(new Dictionary<Expr, Expr> { [Variable] = -Variable });
        bool even = (mirrored - link).Expand().Equals(Expr.Zero);
        var f = derivatives.Select(d => Compiled(Compiler.Compile([d], [Variable]))).ToArray();
        return new LinkFunction(link.ToString(), f[0], f[1], f[2], f[3], f[4], even);
    }

    /// <summary>Refuses a link that names a symbol other than z, or is constant: "<paramref name="name"/> must be a(n)
    /// <paramref name="kind"/> in z alone" / "a non-constant <paramref name="kind"/> in z", quoting <paramref name="shown"/>.</summary>
    internal static void CheckLink(Expr link, string name, string kind, string shown)
    {
        var others = link.FreeSymbols().Where(v => !v.Equals(Variable)).ToArray();
        string article = kind[0] is 'a' or 'e' or 'i' or 'o' or 'u' ? "an" : "a";
        if (others.Length > 0)
            throw new InvalidParameterException(name, $"{article} {kind} in z alone", $"{shown} (it names {string.Join(", ", others.Select(o => o.ToString()))})");
        if (link.Differentiate(Variable).Expand().Equals(Expr.Zero))
            throw new InvalidParameterException(name, $"a non-constant {kind} in z", shown);
    }

    /// <summary>Whether <paramref name="link"/> is a polynomial in z (what Wick's theorem takes); if not, why.</summary>
    internal static bool IsPolynomial(Expr link, out string? why)
    {
        try { Gaussian.Expectation(link, Variable, Expr.One); }
        catch (NotPolynomialException e) { why = e.Message; return false; }
        why = null;
        return true;
    }

    // Per-thread buffers: online SGD calls the links per sample, and callers may run on several threads.
    private static Func<double, double> Compiled(CompiledSystem compiled) => z =>
    {
        var x = _input ??= new double[1];
        var y = _output ??= new double[1];
        x[0] = z;
        compiled.Evaluate(x, y);
        return y[0];
    };
}
