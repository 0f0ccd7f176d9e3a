using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using PhaseFlow.Core;
using PhaseFlow.Foundation;
using Xunit.Abstractions;

namespace PhaseFlow.Hierarchy.Tests;

/// <summary>A random polynomial model on a random spectrum of few distinct eigenvalues.</summary>
public sealed record RandomLinkCase(string Student, string Teacher, double[] Nodes, int[] Multiplicities, int Seed, double Radius)
{
    public override string ToString() =>
        $"f = {Student}, g = {Teacher}, nodes [{string.Join(", ", Nodes.Select(x => x.ToString(CultureInfo.InvariantCulture)))}] × [{string.Join(", ", Multiplicities)}], seed {Seed}, |w0| = {Radius}";
}

public static class RandomLinkArbitraries
{
    /// <summary>A polynomial of degree 1–4 with coefficients in {−1, −½, 0, ½, 1} (leading one nonzero), as text.</summary>
    private static Gen<string> Polynomial() =>
        from degree in Gen.Choose(1, 4)
        from coefficients in Gen.Choose(-2, 2).ArrayOf(degree + 1)
        from leading in Gen.Elements(-2, -1, 1, 2)
        let c = coefficients.Take(degree).Append(leading).ToArray()
        select string.Join(" + ", c.Select((k, p) => (k, p)).Where(t => t.k != 0)
            .Select(t => $"({(t.k / 2.0).ToString(CultureInfo.InvariantCulture)})*z^{t.p}"));

    /// <summary>1–5 distinct eigenvalues on a grid of 0.05 in [0.05, 1], each repeated 1–3 times.</summary>
    public static Arbitrary<RandomLinkCase> Case() =>
        (from f in Polynomial()
         from g in Polynomial()
         from count in Gen.Choose(1, 5)
         from grid in Gen.Choose(1, 20).ArrayOf(count)
         let nodes = grid.Distinct().OrderDescending().Select(x => x / 20.0).ToArray()
         from multiplicities in Gen.Choose(1, 3).ArrayOf(nodes.Length)
         from seed in Gen.Choose(0, 100_000)
         from radius in Gen.Choose(1, 8).Select(x => x / 10.0)
         select new RandomLinkCase(f, g, nodes, multiplicities, seed, radius)).ToArbitrary();
}

/// <summary>Issue 16's property: for random polynomial links of degree ≤ 4 and random spectra with ≤ 5 distinct eigenvalues,
/// the hierarchy derived from the model's P, closed exactly at order r on r distinct eigenvalues, follows direct gradient
/// flow of the same model to (steps of both)·rtol·s* (plus the rounding of the closure, κ·ε·s*, as for phase retrieval).</summary>
public class RandomLinkTests(ITestOutputHelper output)
{
    private const double Rtol = 1e-10, Atol = 1e-14;

    [Property(MaxTest = 15, Arbitrary = [typeof(RandomLinkArbitraries)])]
    public void DerivedExactHierarchyFollowsDirectFlow(RandomLinkCase c)
    {
        var loss = ModelText.Parse(c.Student, c.Teacher);
        Assert.IsType<PolynomialLoss>(loss);
        var values = c.Nodes.SelectMany((v, i) => Enumerable.Repeat(v, c.Multiplicities[i])).ToArray();
        var spectrum = Spectrum.FromValues(values);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, c.Seed), loss);
        int r = c.Nodes.Length;
        var scaled = c.Nodes.Select(x => x / c.Nodes.Max()).ToArray();
        double kappa = Matrix<double>.Build.Dense(r, r, (i, j) => Math.Pow(scaled[i], j)).ConditionNumber();
        // Time scale of the slowest mode under the model's own drift at the start, at most 200.
        var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(values.Length, c.Seed + 1, c.Radius), Math.Min(200, 5 / c.Nodes.Min()));
        var schedule = OutputSchedule.LogSpaced(30, problem.Horizon * 1e-4, includeInitial: true);
        var direct = new PopulationGradientFlow(Rtol / 10, Atol / 10).Solve(problem, new SimulationOptions { Output = schedule });
        var system = HierarchySystem.Create(r, HierarchyClosure.Exact, HierarchyConstants.FromModel(model), loss);
        var reduced = HierarchySolver.Solve(HierarchyProblem.FromDirect(system, problem),
            new HierarchyOptions { Output = schedule, RelativeTolerance = Rtol, AbsoluteTolerance = Atol });
        Assert.True(reduced.IsValid, reduced.InvalidFrom?.Message);
        var (s, u, _) = direct.Trajectory.MaxDeviation(reduced.Trajectory);
        double tol = FlowAgreement.Tolerance(model, direct.Statistics.Steps, reduced.Statistics.Steps, Rtol) + kappa * 2.220446049250313e-16 * Math.Max(1, model.SStar);
        var (first, last) = (direct.Trajectory.Samples[0], direct.Trajectory.Samples[^1]);
        output.WriteLine($"{c}: max |Δs| = {s:E2}, |Δu| = {u:E2}, tolerance {tol:E2}; s {first.S:G3} → {last.S:G3}, u {first.U:G3} → {last.U:G3}; " +
                         $"steps {direct.Statistics.Steps} direct, {reduced.Statistics.Steps} hierarchy");
        Assert.True(s <= tol && u <= tol, $"{c}: max |Δs| = {s:E2}, |Δu| = {u:E2}, tolerance {tol:E2}");
    }
}
