using PhaseFlow.Experiments.Reproduce;

namespace PhaseFlow.Experiments.Tests;

/// <summary><c>phaseflow reproduce specgd</c> at the quick size: GD against SpecGD on the spiked manifold.</summary>
public class ReproduceSpecGdTests
{
    private static readonly string[] Tables =
        ["specgd-trajectories", "specgd-max-ratio", "specgd-bulk", "specgd-finish", "specgd-full", "specgd-stability"];

    private static readonly string[] Figures =
        ["specgd-ratio", "specgd-gd-abc", "specgd-specgd-abc", "specgd-loss", "specgd-max-ratio", "specgd-finish", "specgd-full"];

    [Fact]
    public void SpecGdIsRegisteredLast()
    {
        Assert.Equal("specgd", ReproduceRunner.Experiments[^1].Id);
        Assert.Equal("specgd", ReproduceRunner.Find("SpecGD")?.Id);
    }

    [Fact]
    public void QuickRunWritesDataFiguresAndAgreeingComparisons()
    {
        using var dir = new TempDir();
        // Tables of at least 2 rows, SVGs above 5000 characters, PNGs above 10 kB.
        var report = ReproduceAssert.RunQuick("specgd", dir, new OutputSizes(2, 5_000, 10_000));
        Assert.Contains("d = 100", report.Setup);
        Assert.Equal(Tables, report.Tables.Select(t => t.Name));
        Assert.Equal(Figures, report.Figures.Select(f => f.Name));

        // Every claim of the study has its row, and every tested prediction agrees.
        string[] quantities =
        [
            "GD max b/a (step)", "SpecGD max |b/a − 1| in Stage I", "SpecGD κ = 1 vs κ = 10", "κ with max b/a > 1", "GD spike saturation b²",
            "SpecGF finish time", "GD Stage II: exponent", "GD Stage II: c·√(Kt)", "full-matrix SpecGD vs the reduced map", "GD divergence threshold",
        ];
        foreach (string q in quantities) Assert.Contains(report.Comparisons, c => c.Quantity.StartsWith(q, StringComparison.Ordinal));
        Assert.True(report.Comparisons.Count(c => c.Agrees is not null) >= 15);
        var reference = report.Comparisons.Single(c => c.Quantity == "GD max b/a (step)");
        Assert.Contains("(step 13)", reference.Measured);
    }
}
