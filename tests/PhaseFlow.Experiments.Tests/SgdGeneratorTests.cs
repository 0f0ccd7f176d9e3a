using PhaseFlow.Core;
using PhaseFlow.Experiments.Reproduce.Experiments;
using PhaseFlow.Experiments.Validation;
using PhaseFlow.Foundation;

namespace PhaseFlow.Experiments.Tests;

/// <summary>The generator's validation rows, and SGD seeds run in parallel giving the same runs on one thread or many.</summary>
public class SgdGeneratorTests
{
    [Fact]
    public void GeneratorValidationRowsPass()
    {
        var rows = ValidationSuite.Checks.Single(c => c.Name.StartsWith("normal generator", StringComparison.Ordinal)).Run(false);
        Assert.Equal(3, rows.Count);
        foreach (var row in rows) Assert.True(row.Pass, $"{row.Check}: {row.Error:E2} > {row.Tolerance:E2} ({row.Detail})");
    }

    [Fact]
    public void SeedsInParallelDoNotDependOnTheThreadCount()
    {
        var spectrum = Spectrum.PowerLaw(40, 1.5);
        var problem = new PhaseRetrievalProblem(new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 1)), Initialization.Sphere(40, 2), 3000);
        double[][] Runs(int threads) => SgdRuns.InParallel([3, 1, 2, 1, 1, 2], (i, p) =>
            new OnlineSgd(5e-3, 0.1, i % 2 + 1, SgdRuns.Seed(i)).Solve(problem, new SimulationOptions { Output = OutputSchedule.At(3000) }, p).FinalWeights.ToArray(),
            null, CancellationToken.None, threads);
        var one = Runs(1);
        Assert.Equal(one, Runs(2));
        Assert.Equal(one, Runs(4));
        Assert.NotEqual(one[0], one[2]);
    }
}
