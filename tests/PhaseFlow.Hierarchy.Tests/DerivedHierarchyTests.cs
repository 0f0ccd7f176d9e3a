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
    public void QuadratureLossesAreRefused()
    {
        var quadrature = new QuadratureLoss(LinkFunction.Tanh, LinkFunction.Tanh);
        Assert.Equal("loss", Assert.Throws<InvalidParameterException>(() => HierarchySystem.Create(3, HierarchyClosure.Zero, null, quadrature)).Parameter);
    }
}

/// <summary>The derived hierarchy integrated (issue 16, item 1): with the exact closure at order r on r distinct
/// eigenvalues it is exact, so it must follow direct gradient flow of the same model to the integrators' reach, the rule
/// today's phase-retrieval agreement uses ((steps of both)·rtol·s*).</summary>
public class DerivedHierarchyAgreementTests
{
    private const double Rtol = 1e-10, Atol = 1e-14;

    [Theory]
    [InlineData("z^3 - 3*z", "z^3 - 3*z", 0.8, 11)]
    [InlineData("z + z^2/2", "z + z^2/2", 1.0, 12)]
    [InlineData("erf", "erf", 1.0, 13)]
    [InlineData("z^2", "z^3 - 3*z", 0.9, 14)]
    public void ExactClosureFollowsDirectFlowOfTheSameModel(string student, string teacher, double teacherScale, int seed)
    {
        var loss = ModelText.Parse(student, teacher);
        double[] nodes = [0.9, 0.35, 0.08];
        var values = nodes.SelectMany(v => Enumerable.Repeat(v, 4)).ToArray();
        var spectrum = Spectrum.FromValues(values);
        var w = Teacher.Gaussian(spectrum, seed).Select(x => x * teacherScale).ToArray();
        var model = new PhaseRetrievalModel(spectrum, w, loss);
        var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(values.Length, seed + 1, 0.6), 20 / nodes.Min());
        var schedule = OutputSchedule.LogSpaced(40, problem.Horizon * 1e-4, includeInitial: true);
        var direct = new PopulationGradientFlow(Rtol / 10, Atol / 10).Solve(problem, new SimulationOptions { Output = schedule });
        var system = HierarchySystem.Create(nodes.Length, HierarchyClosure.Exact, HierarchyConstants.FromModel(model), loss);
        var reduced = HierarchySolver.Solve(HierarchyProblem.FromDirect(system, problem),
            new HierarchyOptions { Output = schedule, RelativeTolerance = Rtol, AbsoluteTolerance = Atol });
        Assert.True(reduced.IsValid, reduced.InvalidFrom?.Message);
        var (s, u, mse) = direct.Trajectory.MaxDeviation(reduced.Trajectory);
        double tol = FlowAgreement.Tolerance(model, direct.Statistics.Steps, reduced.Statistics.Steps, Rtol);
        Assert.True(s <= tol && u <= tol && mse <= tol, $"{loss}: max |Δs| = {s:E2}, |Δu| = {u:E2}, |ΔMSE| = {mse:E2}, tolerance {tol:E2}");
        // The run moved (u changed by a fair part of s*; z² cannot learn an odd teacher and u decays), and the losses agree.
        Assert.True(Math.Abs(direct.Trajectory.Samples[^1].U - direct.Trajectory.Samples[0].U) > 0.05 * model.SStar,
            $"{loss}: u went from {direct.Trajectory.Samples[0].U} to {direct.Trajectory.Samples[^1].U}");
        for (int i = 0; i < direct.Trajectory.Samples.Count; i++)
            Assert.Equal(direct.Trajectory.Samples[i].Loss, reduced.Trajectory.Samples[i].Loss, 10 * tol * (1 + Math.Abs(direct.Trajectory.Samples[i].Loss)));
        Assert.Equal(direct.Markers.CriticalCrossingTime.HasValue, reduced.Markers.CriticalCrossingTime.HasValue);
    }
}
