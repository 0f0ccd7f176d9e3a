using FsCheck.Xunit;
using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Symbolic;

namespace PhaseFlow.Hierarchy.Tests;

[Properties(Arbitrary = [typeof(Arbitraries)])]
public class SystemTests
{
    private static double Evaluate(Expr e, PhaseRetrievalModel m, double[] w) =>
        e.Evaluate(_ => throw new InvalidOperationException(), (name, k) => name switch
        {
            "s" => m.S(w, k),
            "u" => m.U(w, k),
            "s_star" => m.SStarMoment(k),
            _ => throw new InvalidOperationException(name),
        });

    /// <summary>The hierarchy is exact: ṡ^(k) = 2(Q^k w)ᵀẇ and u̇^(k) = (Q^k w*)ᵀẇ with ẇ = −∇L, for every k ≥ 0.</summary>
    [Property(MaxTest = 30)]
    public void HierarchyEquationsAreTheTimeDerivativesOfTheMoments(FlowCase c)
    {
        var m = c.Model;
        var w = c.W0.Select((x, i) => x + 0.3 * m.Teacher[i]).ToArray();
        var wDot = new double[m.Dimension];
        m.Gradient(w, wDot);
        for (int i = 0; i < wDot.Length; i++) wDot[i] = -wDot[i];
        for (int k = 0; k <= 6; k++)
        {
            double sDot = 0, uDot = 0, scale = 0;
            for (int i = 0; i < w.Length; i++)
            {
                double qk = Math.Pow(m.Lambda[i], k);
                sDot += 2 * qk * w[i] * wDot[i];
                uDot += qk * m.Teacher[i] * wDot[i];
                scale += qk * (Math.Abs(w[i]) + Math.Abs(m.Teacher[i])) * Math.Abs(wDot[i]);
            }
            var (sExpr, uExpr) = HierarchySymbols.Equations(k);
            Assert.Equal(sDot, Evaluate(sExpr, m, w), 1e-12 * (1 + scale));
            Assert.Equal(uDot, Evaluate(uExpr, m, w), 1e-12 * (1 + scale));
        }
    }

    /// <summary>The exact closure reproduces the true x^(K+1) of arbitrary weights from x^(K+1−r..K).</summary>
    [Property(MaxTest = 30)]
    public void ExactClosureIsAnIdentityForEveryWeightVector(FewNodesCase c)
    {
        var m = c.Flow.Model;
        int order = c.Nodes.Length;
        HierarchySystem system;
        try { system = HierarchySystem.Create(order, HierarchyClosure.Exact, HierarchyConstants.FromModel(m)); }
        catch (InvalidParameterException e) when (e.Parameter == "closure") { return; }
        var w = c.Flow.W0;
        double kappa = system.ConditionNumber!.Value, l1 = m.Spectrum.Max;
        // Rounding in Σ c_j x^(j), amplified by κ, relative to the scale λ_1^(K+1)·(‖w‖² + |wᵀw*|).
        double tol = 1e-13 * kappa * Math.Pow(l1, order + 1) * (m.S(w, 0) + Math.Abs(m.U(w, 0)) + 1);
        Assert.Equal(m.S(w, order + 1), Evaluate(system.ClosingS, m, w), tol);
        Assert.Equal(m.U(w, order + 1), Evaluate(system.ClosingU, m, w), tol);
    }

    [Fact]
    public void SymbolicSystemPrintsAsTextAndLatex()
    {
        var system = HierarchySystem.Create(1, HierarchyClosure.Zero);
        Assert.Equal(
            "d/dt s[0] = 8*s[1]*(s_star[1] - 3*s[1]) + 16*u[1]^2\n" +
            "d/dt s[1] = 0\n" +
            "d/dt u[0] = 4*u[1]*(s_star[1] - 3*s[1]) + 8*s_star[1]*u[1]\n" +
            "d/dt u[1] = 8*s_star[2]*u[1]\n" +
            "s[2] = 0\n" +
            "u[2] = 0\n", system.ToText());
        var geometric = HierarchySystem.Create(2, HierarchyClosure.Geometric());
        Assert.Contains(@"\dot{s}^{(2)} = 8 r s^{(2)} \left(s_{*}^{(1)} - 3 s^{(1)}\right) + 16 r u^{(1)} u^{(2)} \\", geometric.ToLatex());
        Assert.Contains(@"\dot{u}^{(2)} = 4 r u^{(2)} \left(s_{*}^{(1)} - 3 s^{(1)}\right) + 8 s_{*}^{(3)} u^{(1)} \\", geometric.ToLatex());
        Assert.EndsWith("u^{(3)} = r u^{(2)}\n", geometric.ToLatex());
        var exact = HierarchySystem.Create(1, HierarchyClosure.Exact);
        Assert.Contains("s[2] = c[0]*s[0] + c[1]*s[1]", exact.ToText());
    }

    [Fact]
    public void IsotropicOrderOneIsTheTwoDimensionalSystemOfTheSpec()
    {
        // Q = λI: u̇ = 12λu(s* − s), ṡ = 8λ(s* − 3s)s + 16λu².
        var spectrum = Spectrum.Isotropic(7, 0.3);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 3));
        var system = HierarchySystem.Create(1, HierarchyClosure.Exact, HierarchyConstants.FromModel(model));
        Assert.Equal(1, system.ClosureNodes);
        Assert.Equal(1, system.ConditionNumber!.Value, 1e-12);
        double sStar = model.SStar;
        var rng = new Random(4);
        for (int trial = 0; trial < 20; trial++)
        {
            double s = rng.NextDouble(), u = rng.NextDouble() - 0.5;
            double Eval(Expr e) => e.Evaluate(_ => 0, (name, k) => (name, k) switch
            {
                ("s", 1) => s,
                ("u", 1) => u,
                ("s_star", _) => model.SStarMoment(k),
                _ => 0,
            });
            Assert.Equal(8 * 0.3 * (sStar - 3 * s) * s + 16 * 0.3 * u * u, Eval(system.Equations[1].RightHandSide), 1e-14);
            Assert.Equal(12 * 0.3 * u * (sStar - s), Eval(system.Equations[3].RightHandSide), 1e-14);
        }
    }

    [Fact]
    public void IllConditionedExactClosureIsRefusedWithTheReason()
    {
        var spectrum = Spectrum.PowerLaw(16, 2);
        var constants = HierarchyConstants.FromModel(new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 1)));
        var e = Assert.Throws<InvalidParameterException>(() => HierarchySystem.Create(16, HierarchyClosure.Exact, constants));
        Assert.Equal("closure", e.Parameter);
        Assert.Contains("κ", e.Message);
        Assert.Contains("geometric", e.Message);
        // Eight nodes are fine at the default limit, refused at a stricter one.
        var eight = HierarchyConstants.FromModel(new PhaseRetrievalModel(Spectrum.PowerLaw(8, 1), Teacher.Gaussian(Spectrum.PowerLaw(8, 1), 1)));
        var system = HierarchySystem.Create(8, HierarchyClosure.Exact, eight);
        Assert.InRange(system.ConditionNumber!.Value, 1e7, 1e9);
        Assert.Throws<InvalidParameterException>(() => HierarchySystem.Create(8, HierarchyClosure.ExactWithLimit(1e-10), eight));
    }

    [Fact]
    public void ClosureRequirementsAreTypedErrors()
    {
        var spectrum = Spectrum.Spiked(10, 1, 2, 0.1);
        var constants = HierarchyConstants.FromModel(new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 1)));
        Assert.Equal("order", Assert.Throws<InvalidParameterException>(() => HierarchySystem.Create(1, HierarchyClosure.Exact, constants)).Parameter);
        Assert.NotNull(HierarchySystem.Create(2, HierarchyClosure.Exact, constants).ConditionNumber);
        var given = HierarchyConstants.FromMoments([1, 1, 0.5, 0.25, 0.125], 0.5);
        Assert.Equal("closure", Assert.Throws<InvalidParameterException>(() => HierarchySystem.Create(2, HierarchyClosure.Exact, given)).Parameter);
        Assert.Equal("order", Assert.Throws<InvalidParameterException>(() => HierarchySystem.Create(4, HierarchyClosure.Zero, given)).Parameter);
        Assert.Equal("order", Assert.Throws<InvalidParameterException>(() => HierarchySystem.Create(0, HierarchyClosure.Zero)).Parameter);
        Assert.Equal("order", Assert.Throws<InvalidParameterException>(() => HierarchySystem.Create(HierarchySystem.MaxOrder + 1, HierarchyClosure.Zero)).Parameter);
        var foreign = HierarchyClosure.Custom(Expr.Parse("q*s[1]"), Expr.Parse("u[1]"));
        Assert.Equal("closure.sNext", Assert.Throws<InvalidParameterException>(() => HierarchySystem.Create(1, foreign, constants)).Parameter);
        var tooHigh = HierarchyClosure.Custom(Expr.Parse("s[3]"), Expr.Parse("u[1]"));
        Assert.Equal("closure.sNext", Assert.Throws<InvalidParameterException>(() => HierarchySystem.Create(2, tooHigh, constants)).Parameter);
        Assert.Equal("ratio", Assert.Throws<InvalidParameterException>(() => HierarchyClosure.Geometric(-1)).Parameter);
        Assert.Equal("sStarMoments[1]", Assert.Throws<InvalidParameterException>(() => HierarchyConstants.FromMoments([1, 0, 1], 1)).Parameter);
        Assert.Equal("scale", Assert.Throws<InvalidParameterException>(() => HierarchyConstants.FromMoments([1, 1, 1], double.NaN)).Parameter);
    }
}
