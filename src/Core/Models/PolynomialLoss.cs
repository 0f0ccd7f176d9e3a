using PhaseFlow.Foundation;
using PhaseFlow.Symbolic;

namespace PhaseFlow.Core;

/// <summary>Polynomial links f and g, given as expressions in z: P(s, u, s*) = E[f(z₁)²] − 2E[f(z₁)g(z₂)] + E[g(z₂)²] is
/// derived exactly by Isserlis/Wick (<see cref="Gaussian.Expectation(Expr, Expr, Expr, Expr, Expr, Expr)"/>), a polynomial
/// in s, u, s* with rational coefficients; its derivatives are taken symbolically and everything is compiled to delegates
/// (spec single-index.md §1). Immutable and thread-safe.</summary>
public sealed class PolynomialLoss : SingleIndexLoss
{
    /// <summary>The link variable z.</summary>
    public static Expr Z { get; } = Expr.Symbol("z");

    /// <summary>The overlap s = wᵀQw in <see cref="Expression"/>.</summary>
    public static Expr S { get; } = Expr.Symbol("s");

    /// <summary>The overlap u = wᵀQw*.</summary>
    public static Expr U { get; } = Expr.Symbol("u");

    /// <summary>s* = w*ᵀQw*, written s_star.</summary>
    public static Expr SStar { get; } = Expr.Symbol("s_star");

    private readonly CompiledSystem _compiled;

    [ThreadStatic] private static double[]? _input, _output;

    /// <summary>Derives P for the links <paramref name="student"/> f(z) and <paramref name="teacher"/> g(z).</summary>
    /// <param name="student">f, a polynomial in <see cref="Z"/> with no other symbol.</param>
    /// <param name="teacher">g, likewise.</param>
    /// <param name="noise">The label noise's standard deviation σ ≥ 0.</param>
    /// <exception cref="InvalidParameterException">A link is not a polynomial in z alone, or is constant.</exception>
    public PolynomialLoss(Expr student, Expr teacher, double noise = 0)
        : base(Link(student, "student"), Link(teacher, "teacher"), noise)
    {
        StudentExpression = student;
        TeacherExpression = teacher;
        Expr z1 = Expr.Symbol("z1"), z2 = Expr.Symbol("z2");
        var f = student.Substitute(new Dictionary<Expr, Expr> { [Z] = z1 });
        var g = teacher.Substitute(new Dictionary<Expr, Expr> { [Z] = z2 });
        Expression = (Gaussian.Expectation(f * f, z1, z2, S, U, SStar)
                      - 2 * Gaussian.Expectation(f * g, z1, z2, S, U, SStar)
                      + Gaussian.Expectation(g * g, z1, z2, S, U, SStar)).Expand();
        Derivative = Differentiate(Expression, expand: true);
        _compiled = Compiler.Compile([Expression, .. Derivative], [S, U, SStar]);
    }

    /// <summary>Parses the links, e.g. <c>new PolynomialLoss("z^3 - 3*z", "z^3 - 3*z")</c>.</summary>
    /// <exception cref="InvalidParameterException">A link does not parse, or is not a non-constant polynomial in z.</exception>
    public PolynomialLoss(string student, string teacher, double noise = 0)
        : this(Parse(student, "student"), Parse(teacher, "teacher"), noise) { }

    /// <summary>True when both links are z²: the model is phase retrieval, whose hand-written <see cref="PhaseRetrievalLoss"/>
    /// gives the same values to a few ulps and is what the reductions take.</summary>
    public bool IsPhaseRetrieval => StudentExpression.Expand().Equals(SquareLink) && TeacherExpression.Expand().Equals(SquareLink);

    private static readonly Expr SquareLink = Expr.Pow(Z, 2);

    /// <summary>f as given.</summary>
    public Expr StudentExpression { get; }

    /// <summary>g as given.</summary>
    public Expr TeacherExpression { get; }

    /// <summary>P(s, u, s*), expanded, in the symbols <see cref="S"/>, <see cref="U"/>, <see cref="SStar"/> (without σ²).</summary>
    public override Expr Expression { get; }

    /// <inheritdoc />
    public override string Method => "exact (Wick)";

    /// <summary>P_s, P_u, P_ss, P_su, P_uu, expanded.</summary>
    public IReadOnlyList<Expr> Derivative { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Expr> DerivativeExpressions => Derivative;

    /// <inheritdoc />
    public override double Value(double s, double u, double sStar) => Evaluate(s, u, sStar)[0];

    /// <inheritdoc />
    public override LossDerivatives Derivatives(double s, double u, double sStar)
    {
        var y = Evaluate(s, u, sStar);
        return new LossDerivatives(y[0], y[1], y[2], y[3], y[4], y[5]);
    }

    private double[] Evaluate(double s, double u, double sStar)
    {
        CheckOverlaps(s, u, sStar);
        var x = _input ??= new double[3];
        var y = _output ??= new double[6];
        (x[0], x[1], x[2]) = (s, u, sStar);
        _compiled.Evaluate(x, y);
        return y;
    }

    private static Expr Parse(string text, string name)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new InvalidParameterException(name, "a polynomial in z", "an empty text");
        try { return Expr.Parse(text); }
        catch (ExpressionParseException e) { throw new InvalidParameterException(name, "a polynomial in z", $"\"{text}\" ({e.Message})"); }
    }

    /// <summary>The link compiled (<see cref="LinkFunction.FromExpression"/>); refuses what is not a non-constant
    /// polynomial in z.</summary>
    private static LinkFunction Link(Expr link, string name)
    {
        ArgumentNullException.ThrowIfNull(link, name);
        LinkFunction.CheckLink(link, name, "polynomial", link.ToString());
        if (!LinkFunction.IsPolynomial(link, out string? why))
            throw new InvalidParameterException(name, "a polynomial in z", $"{link} ({why})");
        return LinkFunction.FromExpression(link, name);
    }
}
