using PhaseFlow.Experiments.Reproduce;

namespace PhaseFlow.Experiments.Tests;

/// <summary>The online-SGD experiments (fig1, fig5) at the quick size: their files, their comparison rows, and every tested
/// prediction agreeing.</summary>
public class ReproduceSgdTests
{
    [Fact]
    public void Fig1WritesTheMseFigureAndEveryPredictionAgrees()
    {
        var report = RunQuick("fig1", ["fig1"]);
        Assert.Equal(5, Count(report, "T_1 (|u| = 1/2), SGD"));
        Assert.Equal(5, Count(report, "MSE at t_end, SGD"));
        Assert.Equal(2, Count(report, "Phase III exponent: log(1 − MSE/MSE(T_2)) vs log(t − T_2)"));
        Assert.Equal(1, Count(report, "T_1 ordering (seed means)"));
        Assert.Equal(1, Count(report, "fast escape, slow convergence"));
        Assert.Contains(report.Comparisons, c => c.Case.StartsWith("isotropic", StringComparison.Ordinal));
        var markers = report.Figures.Single().Markers!;
        Assert.Contains(markers, m => m.Label == "T_1 isotropic");
        Assert.Contains(markers, m => m.Label == "T_2 a = 2");
    }

    [Fact]
    public void Fig5WritesTheOrderParameterFiguresAndEveryPredictionAgrees()
    {
        var report = RunQuick("fig5", ["fig5-a0.5", "fig5-a1", "fig5-a1.5", "fig5-mse"]);
        foreach (string quantity in new[]
                 {
                     "T_1 (|u| = 1/2), SGD", "s = 1/3 crossing, SGD", "T_1' (s = 1/3 + 0.1), SGD", "s at t_end, SGD", "|u| at t_end, SGD",
                     "sd of |u| at t_end over seeds",
                 })
            Assert.Equal(3, Count(report, quantity));
        Assert.Contains("variance 0.05", report.Setup);
    }

    private static int Count(ExperimentReport report, string quantity) => report.Comparisons.Count(c => c.Quantity == quantity);

    /// <summary>Runs one experiment at the quick size and checks its files (one table of more than 1000 rows, SVGs above
    /// 20 000 characters, PNGs above 20 kB) and that every tested prediction agrees.</summary>
    private static ExperimentReport RunQuick(string id, string[] figures)
    {
        using var dir = new TempDir();
        var report = ReproduceAssert.RunQuick(id, dir, new OutputSizes(1000, 20_000, 20_000));
        Assert.Equal(["a", "seed", "t", "s", "u", "mse"], Assert.Single(report.Tables).Columns);
        Assert.Equal(figures, report.Figures.Select(f => f.Name).ToArray());
        return report;
    }
}
