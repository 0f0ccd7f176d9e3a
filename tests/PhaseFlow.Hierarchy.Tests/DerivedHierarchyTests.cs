using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Symbolic;

namespace PhaseFlow.Hierarchy.Tests;

/// <summary>The hierarchy derived from a model's loss (issue 16, item 1): phase retrieval's P gives today's hand-written
/// law exactly, and any other P gives −4P_s s^(k+1) − 2P_u u^(k+1), −2P_s u^(k+1) − P_u s*^(k+1) with the model's own
/// derivatives.</summary>
public class DerivedHierarchyTests
{
    [Fact]
    public void PhaseRetrievalsLossDerivesTodaysLaw()
    {
        foreach (SingleIndexLoss loss in new SingleIndexLoss[] { new PolynomialLoss("z^2", "z^2"), new ClosedFormLoss(LinkFunction.Square, LinkFunction.Square) })
            for (int k = 0; k <= 6; k++)
            {
                var (s, u) = HierarchySymbols.Equations(k);
                var (ds, du) = HierarchySymbols.Equations(k, loss.Expression!);
                Assert.Equal(s.Expand(), ds);
                Assert.Equal(u.Expand(), du);
            }
        foreach (var closure in new[] { HierarchyClosure.Zero, HierarchyClosure.Geometric() })
        {
            var today = HierarchySystem.Create(4, closure);
            var derived = HierarchySystem.Create(4, closure, null, new PolynomialLoss("z*z", "z^2"));
            Assert.Equal(today.Equations.Select(e => e.RightHandSide.Expand()), derived.Equations.Select(e => e.RightHandSide.Expand()));
        }
    }

    [Theory]
    [InlineData("z^3 - 3*z", "z^3 - 3*z")]
    [InlineData("z + z^2/2", "z^2")]
    public void OtherModelsFollowTheGeneralLawWithTheirOwnDerivatives(string student, string teacher)
    {
        var loss = new PolynomialLoss(student, teacher);
        var random = SeededRandom.Create(5);
        for (int trial = 0; trial < 20; trial++)
        {
            int k = 1 + trial % 5; // k ≥ 1 keeps s^(k+1) apart from s^(1), where P is taken
            double s1 = 0.1 + random.NextDouble(), sStar1 = 0.2 + random.NextDouble(), u1 = (random.NextDouble() - 0.5) * Math.Sqrt(s1 * sStar1);
            double sNext = random.NextDouble(), uNext = random.NextDouble() - 0.5, sStarNext = random.NextDouble();
            var values = new Dictionary<Expr, double>
            {
                [HierarchySymbols.S(1)] = s1, [HierarchySymbols.U(1)] = u1, [HierarchySymbols.SStar(1)] = sStar1,
                [HierarchySymbols.S(k + 1)] = sNext, [HierarchySymbols.U(k + 1)] = uNext, [HierarchySymbols.SStar(k + 1)] = sStarNext,
            };
            double Eval(Expr e) => e.Evaluate(_ => throw new InvalidOperationException(), (name, index) =>
                values[Expr.Indexed(name, index)]);
            var (ds, du) = HierarchySymbols.Equations(k, loss.Expression);
            var d = loss.Derivatives(s1, u1, sStar1);
            double tol = 1e-12 * (1 + Math.Abs(d.Ps) + Math.Abs(d.Pu));
            Assert.Equal(-4 * d.Ps * sNext - 2 * d.Pu * uNext, Eval(ds), tol);
            Assert.Equal(-2 * d.Ps * uNext - d.Pu * sStarNext, Eval(du), tol);
        }
    }

    [Fact]
    public void QuadratureLossesAndIntegrationOfOtherModelsAreRefused()
    {
        var quadrature = new QuadratureLoss(LinkFunction.Tanh, LinkFunction.Tanh);
        Assert.Equal("loss", Assert.Throws<InvalidParameterException>(() => HierarchySystem.Create(3, HierarchyClosure.Zero, null, quadrature)).Parameter);
        var spectrum = Spectrum.Spiked(20, 1, 3, 0.1);
        var constants = HierarchyConstants.FromModel(new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 1)), maxOrder: 6);
        var he3 = new PolynomialLoss("z^3 - 3*z", "z^3 - 3*z");
        Assert.Equal("loss", Assert.Throws<InvalidParameterException>(() => HierarchySystem.Create(3, HierarchyClosure.Zero, constants, he3)).Parameter);
    }
}
