using PhaseFlow.Experiments.Reproduce;

namespace PhaseFlow.Experiments.Tests;

/// <summary>Experiments through the library: agreement with the reduction and determinism.</summary>
public class ReproduceRunnerTests
{
    /// <summary>fig2 at the quick size: every table ≥ 10 rows, every PNG > 5 kB.</summary>
    private static readonly OutputSizes Quick = new(10, 0, 5000);

    [Fact]
    public void Fig2QuickAgreesWithTheReduction()
    {
        using var dir = new TempDir();
        var report = ReproduceAssert.RunQuick("fig2", dir, Quick);
        Assert.Contains(report.Comparisons, c => c.Quantity.StartsWith("T_1", StringComparison.Ordinal) && c.Agrees == true);
    }

    /// <summary>A seed fixes every draw: two runs give the same tables.</summary>
    [Fact]
    public void ExperimentsAreDeterministic()
    {
        var first = ReproduceRunner.Run([ReproduceRunner.Find("fig3")!], ReproduceSize.Quick)[0];
        var second = ReproduceRunner.Run([ReproduceRunner.Find("fig3")!], ReproduceSize.Quick)[0];
        Assert.Equal(first.Tables[0].Rows.SelectMany(r => r), second.Tables[0].Rows.SelectMany(r => r));
        Assert.Equal(first.Comparisons.Select(c => c.Measured), second.Comparisons.Select(c => c.Measured));
    }
}
