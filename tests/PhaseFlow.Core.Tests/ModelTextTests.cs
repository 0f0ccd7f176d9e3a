using PhaseFlow.Foundation;

namespace PhaseFlow.Core.Tests;

/// <summary>Models from text: the most exact kind for each pair, and every malformed link refused by name.</summary>
public class ModelTextTests
{
    [Theory]
    [InlineData("z^2", "z^2", typeof(PolynomialLoss), "exact (Wick)")]
    [InlineData("z^3 - 3*z", "z + z^2/2", typeof(PolynomialLoss), "exact (Wick)")]
    [InlineData("erf", "erf(z)", typeof(ClosedFormLoss), "closed form")]
    [InlineData("relu", "z^2", typeof(ClosedFormLoss), "closed form")]
    [InlineData("z", "relu(z)", typeof(ClosedFormLoss), "closed form")]
    [InlineData("tanh", "erf", typeof(QuadratureLoss), "Gauss–Hermite quadrature, 128×128 nodes")]
    [InlineData("z*exp(-z^2/4)", "z^2", typeof(QuadratureLoss), "Gauss–Hermite quadrature, 128×128 nodes")]
    public void ChoosesTheMostExactKind(string student, string teacher, Type kind, string method)
    {
        var loss = ModelText.Parse(student, teacher, 0.2);
        Assert.IsType(kind, loss);
        Assert.Equal(method, loss.Method);
        Assert.Equal(0.2, loss.Noise);
    }

    [Fact]
    public void ExpressionLinksMatchTheirClosedFormTwins()
    {
        // erf(z) read as an expression through quadrature (forced by pairing with tanh's twin) against the named link.
        var quadrature = new QuadratureLoss(LinkFunction.FromExpression(PhaseFlow.Symbolic.Expr.Parse("erf(z)"), "student"), LinkFunction.Erf);
        var closed = new ClosedFormLoss(LinkFunction.Erf, LinkFunction.Erf);
        var a = quadrature.Derivatives(0.7, 0.3, 1.1);
        var b = closed.Derivatives(0.7, 0.3, 1.1);
        // The stated accuracy of the default order at s, s* ≤ 2 (docs/models.md): 1e-10.
        Assert.Equal(b.Value, a.Value, 1e-10);
        Assert.Equal(b.Ps, a.Ps, 1e-10);
        Assert.Equal(b.Puu, a.Puu, 1e-10);
        Assert.False(LinkFunction.FromExpression(PhaseFlow.Symbolic.Expr.Parse("tanh(z)"), "f").IsEven);
        Assert.True(LinkFunction.FromExpression(PhaseFlow.Symbolic.Expr.Parse("exp(-z^2)"), "f").IsEven);
    }

    [Theory]
    [InlineData("", "z", "student")]
    [InlineData("z^", "z", "student")]
    [InlineData("z", "y*z", "teacher")]
    [InlineData("z", "5", "teacher")]
    [InlineData("tanh(y)", "z", "student")]
    [InlineData("relu", "tanh", "teacher")]
    [InlineData("z^3", "relu", "student")]
    public void RefusesMalformedLinksNamingWhich(string student, string teacher, string parameter)
    {
        var e = Assert.Throws<InvalidParameterException>(() => ModelText.Parse(student, teacher));
        Assert.Equal(parameter, e.Parameter);
    }
}
