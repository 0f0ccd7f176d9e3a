using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Symbolic;

namespace PhaseFlow.Hierarchy.Tests;

public class SolverTests
{
    private static FlowCase Spiked(double horizon = 300) =>
        new(new PhaseRetrievalModel(Spectrum.Spiked(40, 1, 2.5, 0.1), Teacher.Gaussian(Spectrum.Spiked(40, 1, 2.5, 0.1), 5)),
            Initialization.Sphere(40, 6, 0.2), horizon, 5);

    private static HierarchyOptions Options(double horizon) =>
        new() { Output = OutputSchedule.LogSpaced(30, horizon * 1e-4, includeInitial: true) };

    [Fact]
    public void ACustomClosureEqualToTheExactOneGivesTheSameTrajectory()
    {
        var spectrum = Spectrum.Isotropic(12, 0.4);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 2));
        var direct = new PhaseRetrievalProblem(model, Initialization.Sphere(12, 3, 0.3), 50);
        var constants = HierarchyConstants.FromModel(model);
        var custom = HierarchyClosure.Custom(Expr.Number(0.4) * HierarchySymbols.S(1), Expr.Parse("0.4*u[1]"), "isotropic");
        var a = HierarchySolver.Solve(HierarchyProblem.FromDirect(HierarchySystem.Create(1, custom, constants), direct), Options(50));
        var b = HierarchySolver.Solve(HierarchyProblem.FromDirect(HierarchySystem.Create(1, HierarchyClosure.Exact, constants), direct), Options(50));
        Assert.Contains("isotropic closure", a.Statistics.Method);
        for (int i = 0; i < a.Trajectory.Samples.Count; i++)
        {
            Assert.Equal(b.Trajectory.Samples[i].S, a.Trajectory.Samples[i].S, 1e-13);
            Assert.Equal(b.Trajectory.Samples[i].U, a.Trajectory.Samples[i].U, 1e-13);
        }
    }

    [Fact]
    public void ConstantsGivenDirectlyGiveTheSameTrajectoryAsTheModel()
    {
        var c = Spiked();
        var fromModel = HierarchyConstants.FromModel(c.Model);
        var given = HierarchyConstants.FromMoments(Enumerable.Range(0, 6).Select(k => c.Model.SStarMoment(k)).ToArray(), c.Model.Spectrum.Max,
            c.Model.Dimension, c.Model.Spectrum.DistinctEigenvalues().Select(p => p.Value).ToArray());
        var a = HierarchySolver.Solve(HierarchyProblem.FromDirect(HierarchySystem.Create(3, HierarchyClosure.Exact, fromModel), c.Problem), Options(c.Horizon));
        var b = HierarchySolver.Solve(HierarchyProblem.FromDirect(HierarchySystem.Create(3, HierarchyClosure.Exact, given), c.Problem), Options(c.Horizon));
        for (int i = 0; i < a.Trajectory.Samples.Count; i++)
        {
            Assert.Equal(a.Trajectory.Samples[i].S, b.Trajectory.Samples[i].S, 1e-12);
            Assert.Equal(a.Trajectory.Samples[i].Mse, b.Trajectory.Samples[i].Mse, 1e-12);
        }
        // Without d there is no MSE.
        var noD = HierarchyConstants.FromMoments([1, 1, 0.5, 0.25], 0.5);
        var r = HierarchySolver.Solve(HierarchyProblem.FromDirect(HierarchySystem.Create(2, HierarchyClosure.Zero, noD), (c with { Horizon = 1 }).Problem), Options(1));
        Assert.All(r.Trajectory.Samples, p => Assert.True(double.IsNaN(p.Mse)));
    }

    [Fact]
    public void EveryIntegratorGivesTheSameTrajectoryToTolerance()
    {
        var c = Spiked();
        var system = HierarchySystem.Create(3, HierarchyClosure.Exact, HierarchyConstants.FromModel(c.Model));
        var problem = HierarchyProblem.FromDirect(system, c.Problem);
        var runs = Enum.GetValues<HierarchyIntegrator>()
            .Select(i => HierarchySolver.Solve(problem, Options(c.Horizon) with { Integrator = i })).ToArray();
        foreach (var run in runs.Skip(1))
            for (int i = 0; i < run.Trajectory.Samples.Count; i++)
            {
                // 100·rtol: the escape phase amplifies each method's local errors (see AgreementTests).
                Assert.Equal(runs[0].Trajectory.Samples[i].S, run.Trajectory.Samples[i].S, 1e-8);
                Assert.Equal(runs[0].Trajectory.Samples[i].U, run.Trajectory.Samples[i].U, 1e-8);
            }
    }

    [Fact]
    public void MomentColumnsAndTheObserverCarryTheHigherMoments()
    {
        var c = Spiked();
        var schedule = OutputSchedule.At(0, 1, 10, 300);
        var direct = new PopulationGradientFlow(1e-11, 1e-15).Solve(c.Problem,
            new SimulationOptions { Output = schedule, ExtraColumns = c.Model.MomentColumns(4) });
        var observed = new List<double[]>();
        var system = HierarchySystem.Create(4, HierarchyClosure.Exact, HierarchyConstants.FromModel(c.Model));
        var reduced = HierarchySolver.Solve(HierarchyProblem.FromDirect(system, c.Problem),
            new HierarchyOptions { Output = schedule, RecordMoments = true, Observer = new Collect(observed) });
        Assert.Equal(direct.Trajectory.Columns, reduced.Trajectory.Columns);
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 6; j++) Assert.Equal(direct.Trajectory.Samples[i].Extra[j], reduced.Trajectory.Samples[i].Extra[j], 1e-8);
            Assert.Equal(10, observed[i].Length);
            Assert.Equal(reduced.Trajectory.Samples[i].S, observed[i][1]);
            Assert.Equal(reduced.Trajectory.Samples[i].U, observed[i][6]);
        }
        Assert.Equal(reduced.FinalS[4], reduced.Trajectory.Samples[^1].Extra[4], 1e-15);
    }

    private sealed class Collect(List<double[]> into) : ITrajectoryObserver
    {
        public void OnSample(TrajectorySample sample, ReadOnlySpan<double> w) => into.Add(w.ToArray());
    }

    [Fact]
    public void ABlowingUpTruncationSaysWhereAndKeepsWhatItRecorded()
    {
        var spectrum = Spectrum.PowerLaw(500, 2);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 1));
        var direct = new PhaseRetrievalProblem(model, Initialization.Sphere(500, 2, 0.1), 100);
        var system = HierarchySystem.Create(2, HierarchyClosure.Zero, HierarchyConstants.FromModel(model));
        // The guard is for runs that integrate on past the validity check.
        var e = Assert.Throws<SimulationFailedException>(() => HierarchySolver.Solve(HierarchyProblem.FromDirect(system, direct),
            Options(100) with { CheckValidity = false }));
        Assert.Equal(SimulationFailure.Diverged, e.Failure);
        Assert.InRange(e.Time, 0.5, 100);
        Assert.Contains("blew up at t =", e.Message);
        Assert.NotEmpty(e.Partial.Samples);
        Assert.All(e.Partial.Samples, p => Assert.True(p.T <= e.Time));
        // With the check (the default) the same run stops, without an exception, where it first became impossible.
        var checkedRun = HierarchySolver.Solve(HierarchyProblem.FromDirect(system, direct), Options(100));
        Assert.NotNull(checkedRun.InvalidFrom);
        Assert.True(checkedRun.InvalidFrom!.Time < e.Time, $"{checkedRun.InvalidFrom.Time} vs blow-up at {e.Time}");
    }

    [Fact]
    public void AnOutOfRangeTruncationIsFlaggedByTheCauchySchwarzBound()
    {
        var spectrum = Spectrum.PowerLaw(500, 2);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 1));
        var direct = new PhaseRetrievalProblem(model, Initialization.Sphere(500, 2, 0.1), 1);
        var zeroProblem = HierarchyProblem.FromDirect(HierarchySystem.Create(1, HierarchyClosure.Zero, HierarchyConstants.FromModel(model)), direct);
        var zero = HierarchySolver.Solve(zeroProblem, Options(1) with { CheckValidity = false });
        Assert.True(zero.MaxAlignment > 1, $"{zero.MaxAlignment}");
        // The validity check stops it before any sample with |u| > √(s·s*) is recorded.
        var stopped = HierarchySolver.Solve(zeroProblem, Options(1));
        Assert.NotNull(stopped.InvalidFrom);
        Assert.True(stopped.MaxAlignment <= 1 + 1e-9, $"{stopped.MaxAlignment}");
        var good = HierarchySolver.Solve(HierarchyProblem.FromDirect(HierarchySystem.Create(8, HierarchyClosure.Geometric(), HierarchyConstants.FromModel(model)), direct), Options(1));
        Assert.True(good.MaxAlignment <= 1);
    }

    [Fact]
    public void InvalidProblemsAndOptionsAreTypedErrors()
    {
        var c = Spiked();
        var system = HierarchySystem.Create(3, HierarchyClosure.Exact, HierarchyConstants.FromModel(c.Model));
        Assert.Equal("system", Assert.Throws<InvalidParameterException>(() =>
            new HierarchyProblem(HierarchySystem.Create(3, HierarchyClosure.Zero), [1, 1, 1, 1], [0, 0, 0, 0], 1)).Parameter);
        Assert.Equal("initialS", Assert.Throws<InvalidParameterException>(() => new HierarchyProblem(system, [1, 1, 1], [0, 0, 0, 0], 1)).Parameter);
        Assert.Equal("initialU[2]", Assert.Throws<InvalidParameterException>(() => new HierarchyProblem(system, [1, 1, 1, 1], [0, 0, double.NaN, 0], 1)).Parameter);
        Assert.Equal("horizon", Assert.Throws<InvalidParameterException>(() => new HierarchyProblem(system, [1, 1, 1, 1], [0, 0, 0, 0], 0)).Parameter);
        var problem = HierarchyProblem.FromDirect(system, c.Problem);
        Assert.Equal("rtol", Assert.Throws<InvalidParameterException>(() => HierarchySolver.Solve(problem, new HierarchyOptions { RelativeTolerance = 0 })).Parameter);
        Assert.Equal("atol", Assert.Throws<InvalidParameterException>(() => HierarchySolver.Solve(problem, new HierarchyOptions { AbsoluteTolerance = -1 })).Parameter);
        Assert.Equal("escapeThreshold", Assert.Throws<InvalidParameterException>(() => HierarchySolver.Solve(problem, new HierarchyOptions { EscapeThreshold = 1 })).Parameter);
        Assert.Throws<OperationCanceledException>(() => HierarchySolver.Solve(problem, new HierarchyOptions(), null, new CancellationToken(true)));
    }
}
