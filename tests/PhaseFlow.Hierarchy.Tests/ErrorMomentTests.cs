using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Symbolic;

namespace PhaseFlow.Hierarchy.Tests;

/// <summary>The MSE from the error moments e^(k) = δᵀQ^kδ, d^(k) = δᵀQ^k w*, δ = w − σw* (issue 16, item 4): their
/// equations against the flow of real vectors, their MSE against direct gradient flow down to 1e-20, and s, u untouched.</summary>
public class ErrorMomentTests
{
    private const double Rtol = 1e-8;

    /// <summary>Even models (z², z² + z⁴/4) for both signs, the others for σ = +1: at random w, w* on three distinct
    /// eigenvalues, the closed equations give d/dt of δᵀQ^kδ and δᵀQ^k w* computed from ẇ = Q(αw + βw*) itself.</summary>
    [Theory]
    [InlineData(null, 1)]
    [InlineData(null, -1)]
    [InlineData("z^2 + z^4/4", 1)]
    [InlineData("z^2 + z^4/4", -1)]
    [InlineData("z^3 - 3*z", 1)]
    [InlineData("z + z^2/2", 1)]
    public void EquationsAreTheFlowOfRealVectors(string? link, int sigma)
    {
        SingleIndexLoss? loss = link is null ? null : new PolynomialLoss(link, link);
        double[] nodes = [0.9, 0.4, 0.15];
        var lambda = nodes.SelectMany(v => Enumerable.Repeat(v, 2)).ToArray();
        var spectrum = Spectrum.FromValues(lambda);
        var random = SeededRandom.Create(7);
        for (int trial = 0; trial < 5; trial++)
        {
            var teacher = lambda.Select(_ => random.NextDouble() - 0.5).ToArray();
            var w = lambda.Select(_ => random.NextDouble() - 0.5).ToArray();
            var model = new PhaseRetrievalModel(spectrum, teacher, loss);
            var system = HierarchySystem.Create(nodes.Length, HierarchyClosure.Exact, HierarchyConstants.FromModel(model), loss);
            var moments = ErrorMoments.TryCreate(system, sigma)!;
            Assert.Equal(nodes.Length - 1, moments.Order);
            double s = model.S(w, 1), u = model.U(w, 1), sStar = model.SStar;
            var p = model.PopulationLoss.Derivatives(s, u, sStar);
            double alpha = -2 * p.Ps, beta = -p.Pu;
            var delta = w.Select((x, i) => x - sigma * teacher[i]).ToArray();
            var wDot = w.Select((x, i) => lambda[i] * (alpha * x + beta * teacher[i])).ToArray();
            double Sum(int k, Func<int, double> f) => Enumerable.Range(0, lambda.Length).Sum(i => Math.Pow(lambda[i], k) * f(i));
            double Value(string name, int k) => name switch
            {
                "e" => Sum(k, i => delta[i] * delta[i]),
                "d" => Sum(k, i => delta[i] * teacher[i]),
                _ => model.SStarMoment(k),
            };
            for (int k = 0; k <= moments.Order; k++)
            {
                double eDot = Sum(k, i => 2 * delta[i] * wDot[i]), dDot = Sum(k, i => wDot[i] * teacher[i]);
                double scale = Sum(k, i => Math.Abs(wDot[i]) * (Math.Abs(delta[i]) + Math.Abs(teacher[i])));
                Assert.Equal(eDot, moments.Equations[k].RightHandSide.Evaluate(_ => throw new InvalidOperationException(), Value), 1e-11 * scale);
                Assert.Equal(dDot, moments.Equations[moments.Order + 1 + k].RightHandSide.Evaluate(_ => throw new InvalidOperationException(), Value), 1e-11 * scale);
            }
        }
    }

    [Fact]
    public void PhaseRetrievalsCouplingVanishesExactlyAtTheTeacher()
    {
        // σα + β = σ·4(s* − 3s) + 8u with s = s* + 2σd + e, u = σs* + d: −16d − 12σe, no constant left to cancel in floating point.
        var system = HierarchySystem.Create(1, HierarchyClosure.Exact, HierarchyConstants.FromMoments([2, 1, 0.5], 0.5, 4, [0.5]));
        foreach (int sigma in new[] { 1, -1 })
        {
            var moments = ErrorMoments.TryCreate(system, sigma)!;
            Assert.Equal((-16 * ErrorMoments.D(1) - 12 * sigma * ErrorMoments.E(1)).Expand(), moments.Coupling);
            // d/dt d[0] = α d[1] + γ s_star[1]: at d = e = 0 (the teacher) every term vanishes exactly, whatever s*.
            foreach (double sStar in new[] { 1, 0.3, 7.7 })
                foreach (var equation in moments.Equations)
                    Assert.Equal(0.0, equation.RightHandSide.Evaluate(_ => throw new InvalidOperationException(), (name, _) => name == "s_star" ? sStar : 0));
        }
    }

    /// <summary>Spiked spectra (3 distinct eigenvalues) at K = 3 with the exact closure, where e^(0) would be a bare
    /// integral: the MSE never negative, and within (accepted steps of the direct run and of both hierarchy passes)·rtol,
    /// relative, of direct GF's down to 1e-20. Direct GF at rtol 1e-13 computes ‖w ∓ w*‖² from w.</summary>
    [Theory]
    [InlineData(null, 200, 1.0, 0.1)]
    [InlineData("z^3 - 3*z", 50, 0.8, 0.6)]
    [InlineData("z^2 + z^4/4", 50, 1.0, 0.6)]
    [InlineData("z + z^2/2", 50, 1.0, 0.6)]
    public void MseKeepsItsRelativeAccuracyNearConvergence(string? link, int d, double teacherScale, double start)
    {
        SingleIndexLoss? loss = link is null ? null : new PolynomialLoss(link, link);
        var spectrum = Spectrum.Spiked(d, 1, 3, 0.05);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 91).Select(x => x * teacherScale).ToArray(), loss);
        var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(d, 92, start), 200);
        var schedule = OutputSchedule.LogSpaced(30, 0.02, includeInitial: true);
        var direct = new PopulationGradientFlow(1e-13, 1e-30).Solve(problem, new SimulationOptions { Output = schedule });
        var system = HierarchySystem.Create(3, HierarchyClosure.Exact, HierarchyConstants.FromModel(model), loss);
        var reduced = HierarchySolver.Solve(HierarchyProblem.FromDirect(system, problem),
            new HierarchyOptions { Output = schedule, RelativeTolerance = Rtol, AbsoluteTolerance = 1e-14 });
        Assert.True(reduced.IsValid, reduced.InvalidFrom?.Message);
        Assert.NotNull(reduced.ErrorMomentsFrom);
        // Unchecked (no clamp), e^(0) is negative only below the pass's absolute tolerance ε²·s*/λ_1, as rounding noise
        // (measured ~1e-49 against a floor of ~1e-34 here): the clamp never hides an error above it.
        var raw = HierarchySolver.Solve(HierarchyProblem.FromDirect(system, problem),
            new HierarchyOptions { Output = schedule, RelativeTolerance = Rtol, AbsoluteTolerance = 1e-14, CheckValidity = false });
        double floor = 4.93e-32 * model.SStar / model.Spectrum.Max / model.Dimension;
        Assert.All(raw.Trajectory.Samples, x => Assert.True(x.Mse >= -floor, $"t = {x.T}: unchecked MSE {x.Mse}"));
        double tol = (direct.Statistics.Steps + reduced.Statistics.Steps + reduced.ErrorMomentStatistics!.Steps) * Rtol;
        int compared = 0;
        for (int i = 0; i < direct.Trajectory.Samples.Count; i++)
        {
            double h = reduced.Trajectory.Samples[i].Mse, g = direct.Trajectory.Samples[i].Mse;
            Assert.True(h >= 0, $"t = {direct.Trajectory.Samples[i].T}: MSE {h}");
            if (g < 1e-20) continue;
            compared++;
            Assert.True(Math.Abs(h - g) <= tol * g, $"t = {direct.Trajectory.Samples[i].T}: MSE {h:E6} vs direct {g:E6}, relative tolerance {tol:E2}");
        }
        // The run went below 1e-20 inside the horizon, and most samples were compared.
        Assert.True(direct.Trajectory.Samples[^1].Mse < 1e-20 && compared > 10, $"final MSE {direct.Trajectory.Samples[^1].Mse:E2}, {compared} compared");
    }

    [Fact]
    public void SAndUAreThoseOfTheRunWithoutErrorMoments()
    {
        var spectrum = Spectrum.Spiked(200, 1, 3, 0.05);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 3));
        var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(200, 4, 0.1), 100);
        var system = HierarchySystem.Create(3, HierarchyClosure.Exact, HierarchyConstants.FromModel(model));
        var observed = new List<TrajectorySample>();
        var options = new HierarchyOptions { Output = OutputSchedule.LogSpaced(25, 0.01), RecordMoments = true };
        var with = HierarchySolver.Solve(HierarchyProblem.FromDirect(system, problem), options with { Observer = new Collect(observed) });
        var without = HierarchySolver.Solve(HierarchyProblem.FromDirect(system, problem), options with { TrackErrorMoments = false });
        Assert.Null(without.ErrorMomentsFrom);
        Assert.Null(without.ErrorMomentStatistics);
        double from = with.ErrorMomentsFrom!.Value;
        Assert.Equal(without.Statistics, with.Statistics);
        Assert.Equal(without.FinalS, with.FinalS);
        Assert.Equal(without.FinalU, with.FinalU);
        for (int i = 0; i < with.Trajectory.Samples.Count; i++)
        {
            var (a, b) = (with.Trajectory.Samples[i], without.Trajectory.Samples[i]);
            Assert.Equal((b.T, b.S, b.U, b.Loss), (a.T, a.S, a.U, a.Loss));
            Assert.Equal(b.Extra, a.Extra);
            if (a.T <= from) Assert.Equal(b.Mse, a.Mse);
            // The observer sees the samples as the trajectory holds them.
            Assert.Equal(a, observed[i]);
        }
        Assert.Contains(with.Trajectory.Samples, x => x.T > from && x.Mse != without.Trajectory.Samples.First(y => y.T == x.T).Mse);
    }

    [Fact]
    public void OnlyTheExactClosureOfAPolynomialModelWithTheTeacherAsFixedPointTracksThem()
    {
        var spectrum = Spectrum.Spiked(30, 1, 3, 0.05);
        HierarchyResult Run(HierarchyClosure closure, SingleIndexLoss? loss, int order = 3, double horizon = 100)
        {
            var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 5), loss);
            var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(30, 6, 0.6), horizon);
            var system = HierarchySystem.Create(order, closure, HierarchyConstants.FromModel(model), loss);
            return HierarchySolver.Solve(HierarchyProblem.FromDirect(system, problem), new HierarchyOptions { CheckValidity = false });
        }
        Assert.NotNull(Run(HierarchyClosure.Exact, null).ErrorMomentsFrom);
        Assert.Null(Run(HierarchyClosure.Geometric(), null, 8, 1).ErrorMomentsFrom);
        Assert.Null(Run(HierarchyClosure.Exact, new ClosedFormLoss(LinkFunction.Erf, LinkFunction.Erf)).ErrorMomentsFrom);
        // z² cannot learn He₃: w* is no fixed point, the MSE stays away from 0.
        Assert.Null(Run(HierarchyClosure.Exact, new PolynomialLoss("z^2", "z^3 - 3*z")).ErrorMomentsFrom);
    }

    private sealed class Collect(List<TrajectorySample> into) : ITrajectoryObserver
    {
        public void OnSample(TrajectorySample sample, ReadOnlySpan<double> w) => into.Add(sample);
    }
}
