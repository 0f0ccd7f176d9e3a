using PhaseFlow.Foundation;
using PhaseFlow.Tests.Shared;

namespace PhaseFlow.Core.Tests;

/// <summary>One simulator, model and options shared by 64 concurrent solves give each solve bit for bit what it gives alone
/// (issue 13: every solver is an immutable configuration, state is created per Solve).</summary>
public class ThreadSafetyTests
{
    private const int D = 24;

    private static readonly PhaseRetrievalModel Model = CreateModel();

    private static PhaseRetrievalModel CreateModel()
    {
        var spectrum = Spectrum.PowerLaw(D, 1.5);
        return new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 1));
    }

    /// <summary>The numbers of a result: every sample, the final weights and the counters.</summary>
    internal static double[] Fingerprint(SimulationResult r)
    {
        var numbers = new List<double>();
        foreach (var p in r.Trajectory.Samples)
        {
            numbers.AddRange([p.T, p.S, p.U, p.Mse, p.Loss]);
            numbers.AddRange(p.Extra);
        }
        numbers.AddRange(r.FinalWeights);
        numbers.AddRange([r.Statistics.Steps, r.Statistics.RejectedSteps, r.Statistics.FunctionEvaluations]);
        numbers.AddRange([r.Markers.EscapeTime ?? double.NaN, r.Markers.CriticalCrossingTime ?? double.NaN, r.Markers.MaxS]);
        return [.. numbers];
    }

    public static TheoryData<string> Simulators => ["gf-rodas4", "gf-dopri5", "gd", "sgd", "sgd-batch"];

    [Theory]
    [MemberData(nameof(Simulators))]
    public void SharedSimulatorGivesBitIdenticalResultsUnderConcurrency(string name)
    {
        (IDirectSimulator simulator, double horizon) = name switch
        {
            "gf-rodas4" => ((IDirectSimulator)new PopulationGradientFlow(1e-8), 30.0),
            "gf-dopri5" => (new PopulationGradientFlow(1e-8, integrator: GradientFlowIntegrator.DormandPrince54), 30.0),
            "gd" => (new PopulationGradientDescent(0.05), 400.0),
            "sgd" => (new OnlineSgd(0.01, noise: 0.1, seed: 3), 400.0),
            _ => (new OnlineSgd(0.02, batchSize: 4, seed: 5), 200.0),
        };
        // One options object too, with a moment column that reads the shared model during the solve.
        var options = new SimulationOptions
        {
            Output = OutputSchedule.LogSpaced(20, simulator.Unit == TimeUnit.Steps ? 1 : 0.01),
            ExtraColumns = Model.MomentColumns(3),
        };
        Sharing.AssertConcurrentSolvesMatch(name, k =>
            Fingerprint(simulator.Solve(new PhaseRetrievalProblem(Model, Initialization.Sphere(D, 100 + k), horizon), options)));
    }

    [Fact]
    public void SharedProblemGivesBitIdenticalResultsUnderConcurrency()
    {
        var problem = new PhaseRetrievalProblem(Model, Initialization.Sphere(D, 7), 30);
        var options = new SimulationOptions { Output = OutputSchedule.LogSpaced(20, 0.01) };
        // The solves differ by tolerance; the problem and its model are the shared objects.
        Sharing.AssertConcurrentSolvesMatch("shared problem", k =>
            Fingerprint(new PopulationGradientFlow(1e-6 * (1 + k / 16.0)).Solve(problem, options)));
    }

    [Fact]
    public void OptionsCopyTheirLists()
    {
        var columns = Model.MomentColumns(2).ToArray();
        double[] accuracies = [0.1, 0.01];
        var options = new SimulationOptions { ExtraColumns = columns };
        var analysis = new PhaseAnalysisOptions { Accuracies = accuracies };
        columns[0] = columns[1];
        accuracies[0] = -1;
        Assert.NotEqual(options.ExtraColumns[0], options.ExtraColumns[1]);
        Assert.Equal(0.1, analysis.Accuracies[0]);
        Sharing.AssertReadOnlyView("SimulationOptions.ExtraColumns", options.ExtraColumns);
        Sharing.AssertReadOnlyView("PhaseAnalysisOptions.Accuracies", analysis.Accuracies);
    }

    [Fact]
    public void ShareableTypesHaveNoWritableSurface() => Sharing.AssertImmutableSurface(typeof(Spectrum), typeof(PhaseRetrievalModel),
        typeof(PhaseRetrievalProblem), typeof(SimulationOptions), typeof(OutputSchedule), typeof(TrajectoryColumn), typeof(PhaseAnalysisOptions),
        typeof(PopulationGradientFlow), typeof(PopulationGradientDescent), typeof(OnlineSgd));

    [Fact]
    public void PublicStaticsAreReadOnly() => Sharing.AssertNoWritableStatics(typeof(PhaseRetrievalModel).Assembly);
}
