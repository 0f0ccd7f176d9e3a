
namespace PhaseFlow.Symbolic.Tests;

public class ExprTests
{
    private static readonly Expr X = Expr.Symbol("x"), Y = Expr.Symbol("y");

    [Fact]
    public void LikeTermsAndPowersAreCollected()
    {
        Assert.Equal(2 * X, X + X);
        Assert.Equal(Expr.Pow(X, 2), X * X);
        Assert.Equal(Expr.Zero, X - X);
        Assert.Equal(Expr.One, X / X);
        Assert.Equal("x^2*y", (Y * X * X).ToString());
        Assert.Equal(X + Y, Y + X);
    }

    [Fact]
    public void RationalsStayExact()
    {
        Assert.Equal(Expr.Number(new Rational(1, 2)), Expr.Number(new Rational(1, 3)) + Expr.Number(new Rational(1, 6)));
        Assert.Equal("1/3*x", (X / 3).ToString());
        Assert.Equal("0.5*x", (0.5 * X).ToString());
    }

    [Fact]
    public void ExpandMultipliesOut()
    {
        Assert.Equal(Expr.Parse("x^2 + 2*x*y + y^2"), Expr.Pow(X + Y, 2).Expand());
        Assert.Equal(Expr.Parse("x^3 - 1"), ((X - 1) * (X * X + X + 1)).Expand());
    }

    [Fact]
    public void HierarchyEquationPrintsAsTextAndLatex()
    {
        // ṡ^(k) = 8(s* − 3s) s^(k+1) + 16 u u^(k+1), with s = s^(1), u = u^(1).
        var k = Expr.Symbol("k");
        var sStar = Expr.Symbol("s_star");
        var s = Expr.Indexed("s", 1);
        var u = Expr.Indexed("u", 1);
        var rhs = 8 * (sStar - 3 * s) * Expr.Indexed("s", k + 1) + 16 * u * Expr.Indexed("u", k + 1);
        Assert.Equal("8*s[1 + k]*(s_star - 3*s[1]) + 16*u[1]*u[1 + k]", rhs.ToString());
        Assert.Equal(@"8 s^{(1 + k)} \left(s_{*} - 3 s^{(1)}\right) + 16 u^{(1)} u^{(1 + k)}", rhs.ToLatex());
        Assert.Equal(rhs, Expr.Parse(rhs.ToString()));
        // A power of an indexed symbol is grouped: u^{(1)}^{2} would be a double superscript.
        Assert.Equal(@"x^{2} + 16 {u^{(1)}}^{2}", (16 * Expr.Pow(u, 2) + Expr.Pow(Expr.Symbol("x"), 2)).ToLatex());
    }

    [Fact]
    public void DerivativesFollowTheRules()
    {
        Assert.Equal(Expr.Parse("2*x*y + 3"), Expr.Parse("x^2*y + 3*x").Differentiate(X));
        Assert.Equal(Expr.Parse("-x^-2"), Expr.Parse("1/x").Differentiate(X));
        Assert.Equal(Expr.Parse("2*exp(2*x)"), Expr.Exp(2 * X).Differentiate(X));
        Assert.Equal(Expr.Zero, Expr.Sign(X).Differentiate(X));
        Assert.Equal(Expr.One, Expr.Parse("s[k+1]").Differentiate(Expr.Indexed("s", Expr.Symbol("k") + 1)));
        Assert.Throws<ArgumentException>(() => X.Differentiate(X + 1));
    }

    [Fact]
    public void SubstitutionAndEvaluation()
    {
        var e = Expr.Parse("x*y + s[2]");
        var replaced = e.Substitute(new Dictionary<Expr, Expr> { [X] = Y + 1 });
        Assert.Equal(Expr.Parse("y^2 + y + s[2]"), replaced.Expand());
        Assert.Equal(2 * 3 + 5.0, e.Evaluate(n => n == "x" ? 2 : 3, (_, k) => k == 2 ? 5 : double.NaN));
        Assert.Equal([Expr.Symbol("x"), Expr.Symbol("y"), Expr.Indexed("s", 2)], e.FreeSymbols());
    }

    [Theory]
    [InlineData("x +", 4)]
    [InlineData("x ^ y", 5)]
    [InlineData("(x + 1", 7)]
    [InlineData("x $ y", 3)]
    [InlineData("s[1", 4)]
    public void ParseErrorsSayWhere(string text, int position)
    {
        var e = Assert.Throws<ExpressionParseException>(() => Expr.Parse(text));
        Assert.Contains($"at position {position}", e.Message);
    }

    [Fact]
    public void InvalidNamesAndDivisionByZeroAreRejected()
    {
        Assert.Throws<ArgumentException>(() => Expr.Symbol("2x"));
        Assert.Throws<ArgumentException>(() => Expr.Symbol("exp"));
        Assert.Throws<DivideByZeroException>(() => Expr.Number(0) / Expr.Number(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Expr.Number(double.NaN));
    }
}

public class CalculusTests
{
    [Fact]
    public void JacobianOfTheIsotropicReductionIsExact()
    {
        // u̇ = 12λu(s* − s), ṡ = 8λ(s* − 3s)s + 16λu².
        var u = Expr.Symbol("u");
        var s = Expr.Symbol("s");
        var lambda = Expr.Symbol("lambda");
        var sStar = Expr.Symbol("s_star");
        Expr[] system = [12 * lambda * u * (sStar - s), 8 * lambda * (sStar - 3 * s) * s + 16 * lambda * u * u];
        var j = Calculus.Jacobian(system, [u, s]);
        Assert.Equal(Expr.Parse("12*lambda*(s_star - s)"), j[0, 0]);
        Assert.Equal(Expr.Parse("-12*lambda*u"), j[0, 1]);
        Assert.Equal(Expr.Parse("32*lambda*u"), j[1, 0]);
        Assert.Equal(Expr.Parse("8*lambda*(s_star - 3*s) - 24*lambda*s").Expand(), j[1, 1].Expand());
        Assert.Equal([j[0, 0], j[0, 1]], Calculus.Gradient(system[0], [u, s]));
    }
}
