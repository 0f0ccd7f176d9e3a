using PhaseFlow.Foundation;
using PhaseFlow.Symbolic;

namespace PhaseFlow.Core;

/// <summary>A single-index model from text: each link an expression in z (<c>z^3 - 3*z</c>, <c>tanh(z)</c>) or a name
/// (<c>erf</c>, <c>relu</c>, <c>tanh</c>), the most exact kind chosen for the pair.</summary>
public static class ModelText
{
    /// <summary>The link names read besides expressions, and the link each stands for.</summary>
    public static IReadOnlyList<string> LinkNames { get; } = ["erf", "relu", "tanh"];

    /// <summary>Builds the loss of student <paramref name="student"/> and teacher <paramref name="teacher"/>: both polynomial
    /// → <see cref="PolynomialLoss"/> (exact, Wick); both among z, z², erf(z), relu(z) → <see cref="ClosedFormLoss"/>;
    /// otherwise, both smooth → <see cref="QuadratureLoss"/> of order <paramref name="quadratureOrder"/>. relu has a
    /// closed form with z, z², erf and relu only, and no quadrature (its f″ is a Dirac δ).</summary>
    /// <exception cref="InvalidParameterException">A link does not parse, names a symbol other than z, is constant, or is
    /// relu paired with a link that has no closed form with it; the parameter is <c>student</c> or <c>teacher</c>.</exception>
    public static SingleIndexLoss Parse(string student, string teacher, double noise = 0, int quadratureOrder = QuadratureLoss.DefaultOrder)
    {
        var f = Read(student, "student");
        var g = Read(teacher, "teacher");
        if (f is null || g is null)
        {
            var (fl, gl) = (f is null ? LinkFunction.Relu : Named(f), g is null ? LinkFunction.Relu : Named(g));
            if (fl is null || gl is null)
                throw new InvalidParameterException(fl is null ? "student" : "teacher", "z, z^2, erf or relu when the other link is relu (the pairs with a closed form)",
                    fl is null ? student : teacher);
            return new ClosedFormLoss(fl, gl, noise);
        }
        if (LinkFunction.IsPolynomial(f, out _) && LinkFunction.IsPolynomial(g, out _)) return new PolynomialLoss(f, g, noise);
        if (Named(f) is { } nf && Named(g) is { } ng) return new ClosedFormLoss(nf, ng, noise);
        return new QuadratureLoss(LinkFunction.FromExpression(f, "student"), LinkFunction.FromExpression(g, "teacher"), noise, quadratureOrder);
    }

    /// <summary>The expression of a link, or null for relu.</summary>
    private static Expr? Read(string text, string name)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new InvalidParameterException(name, "an expression in z or one of erf, relu, tanh", "an empty text");
        string t = text.Trim();
        if (t is "relu" or "relu(z)") return null;
        if (t is "erf" or "tanh") t += "(z)";
        Expr link;
        try { link = Expr.Parse(t); }
        catch (ExpressionParseException e)
        {
            throw new InvalidParameterException(name, "an expression in z or one of erf, relu, tanh", $"\"{text}\" ({e.Message})");
        }
        // The kinds check this too; checked here first so that the message does not depend on the kind chosen.
        LinkFunction.CheckLink(link, name, "expression", text);
        return link;
    }

    private static readonly (Expr Expression, LinkFunction Link)[] ClosedForm =
    [
        (Expr.Parse("z"), LinkFunction.Linear), (Expr.Parse("z^2"), LinkFunction.Square), (Expr.Parse("erf(z)"), LinkFunction.Erf),
    ];

    private static LinkFunction? Named(Expr link) => ClosedForm.FirstOrDefault(c => c.Expression.Equals(link)).Link;
}
