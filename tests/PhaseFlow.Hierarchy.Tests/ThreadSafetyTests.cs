using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Symbolic;
using PhaseFlow.Tests.Shared;

namespace PhaseFlow.Hierarchy.Tests;

/// <summary>One closed system (its constants and closure) and one options object shared by 64 concurrent solves give each
/// solve bit for bit what it gives alone (issue 13): the compiled right-hand side, its scratch and the validity check are
/// created per Solve.</summary>
public class ThreadSafetyTests
{
    private const int D = 40;

    private static readonly PhaseRetrievalModel Model = CreateModel();

    private static PhaseRetrievalModel CreateModel()
    {
        var spectrum = Spectrum.Spiked(D, 1, 2.5, 0.1);
        return new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 5));
    }

    private static double[] Fingerprint(HierarchyResult r)
    {
        var numbers = new List<double>();
        foreach (var p in r.Trajectory.Samples)
        {
            numbers.AddRange([p.T, p.S, p.U, p.Mse, p.Loss]);
            numbers.AddRange(p.Extra);
        }
        numbers.AddRange(r.FinalS);
        numbers.AddRange(r.FinalU);
        numbers.AddRange([r.EndTime, r.MaxAlignment, r.InvalidFrom?.Time ?? double.NaN, r.Statistics.Steps, r.Statistics.RejectedSteps,
            r.Statistics.FunctionEvaluations, r.Markers.EscapeTime ?? double.NaN]);
        return [.. numbers];
    }

    public static TheoryData<string, int, HierarchyIntegrator> Systems => new()
    {
        { "exact", 2, HierarchyIntegrator.Rodas4 }, { "exact", 4, HierarchyIntegrator.Rodas4 }, { "zero", 3, HierarchyIntegrator.DormandPrince54 },
        { "geometric", 3, HierarchyIntegrator.Rodas4 }, { "custom", 2, HierarchyIntegrator.DormandPrince853 },
    };

    [Theory]
    [MemberData(nameof(Systems))]
    public void SharedSystemGivesBitIdenticalResultsUnderConcurrency(string closure, int order, HierarchyIntegrator integrator)
    {
        var close = closure switch
        {
            "exact" => HierarchyClosure.Exact,
            "zero" => HierarchyClosure.Zero,
            "geometric" => HierarchyClosure.Geometric(),
            _ => HierarchyClosure.Custom(Expr.Parse("2.5*s[2]"), Expr.Parse("2.5*u[2]"), "spike"),
        };
        var system = HierarchySystem.Create(order, close, HierarchyConstants.FromModel(Model));
        var options = new HierarchyOptions
        {
            Integrator = integrator, RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-12, RecordMoments = true,
            Output = OutputSchedule.LogSpaced(20, 0.01, includeInitial: true),
        };
        Sharing.AssertConcurrentSolvesMatch($"{closure} K = {order}, {integrator}", k =>
        {
            var direct = new PhaseRetrievalProblem(Model, Initialization.Sphere(D, 100 + k, 0.2), 40);
            return Fingerprint(HierarchySolver.Solve(HierarchyProblem.FromDirect(system, direct), options));
        });
    }

    [Fact]
    public void SharedProblemGivesBitIdenticalResultsUnderConcurrency()
    {
        var system = HierarchySystem.Create(3, HierarchyClosure.Exact, HierarchyConstants.FromModel(Model));
        var problem = HierarchyProblem.FromDirect(system, new PhaseRetrievalProblem(Model, Initialization.Sphere(D, 6, 0.2), 60));
        Sharing.AssertConcurrentSolvesMatch("shared problem", k =>
            Fingerprint(HierarchySolver.Solve(problem, new HierarchyOptions { RelativeTolerance = 1e-9 * (1 + k), Output = OutputSchedule.LogSpaced(20, 0.01) })));
    }

    [Fact]
    public void InitialMomentsCannotBeWrittenThroughTheirViews()
    {
        var system = HierarchySystem.Create(2, HierarchyClosure.Exact, HierarchyConstants.FromModel(Model));
        var problem = HierarchyProblem.FromDirect(system, new PhaseRetrievalProblem(Model, Initialization.Sphere(D, 6, 0.2), 60));
        Sharing.AssertReadOnlyView("HierarchyProblem.InitialS", problem.InitialS);
        Sharing.AssertReadOnlyView("HierarchyProblem.InitialU", problem.InitialU);
        Sharing.AssertReadOnlyView("HierarchySystem.Equations", system.Equations);
        Sharing.AssertReadOnlyView("HierarchyConstants.DistinctEigenvalues", system.Constants!.DistinctEigenvalues);
    }

    [Fact]
    public void ShareableTypesHaveNoWritableSurface() => Sharing.AssertImmutableSurface(typeof(HierarchyConstants), typeof(HierarchyClosure),
        typeof(HierarchySystem), typeof(HierarchyEquation), typeof(HierarchyProblem), typeof(HierarchyOptions));

    [Fact]
    public void PublicStaticsAreReadOnly() => Sharing.AssertNoWritableStatics(typeof(HierarchySolver).Assembly);
}
