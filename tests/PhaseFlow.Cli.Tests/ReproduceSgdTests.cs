using System.Text.Json;
using PhaseFlow.Cli.Reproduce;

namespace PhaseFlow.Cli.Tests;

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

    /// <summary>Runs one experiment at the quick size through the runner, writes it, and checks what every experiment must
    /// produce: a non-trivial CSV, each figure as SVG and PNG, the report's table and only agreeing tested predictions.</summary>
    private static ExperimentReport RunQuick(string id, string[] figures)
    {
        var reports = ReproduceRunner.Run(ReproduceRunner.Select(id), ReproduceSize.Quick);
        var report = Assert.Single(reports);
        using var dir = new TempDir();
        ReproduceRunner.Write(dir.Path, reports, ReproduceSize.Quick);

        string folder = Path.Combine(dir.Path, id);
        var csv = File.ReadAllLines(Path.Combine(folder, id + ".csv"));
        Assert.Equal("a,seed,t,s,u,mse", csv[0]);
        Assert.True(csv.Length > 1000, $"{id}.csv has {csv.Length} lines");
        Assert.Equal(figures, report.Figures.Select(f => f.Name).ToArray());
        foreach (string figure in figures)
        {
            string svg = File.ReadAllText(Path.Combine(folder, figure + ".svg"));
            Assert.Contains("<svg", svg);
            Assert.True(svg.Length > 20_000, $"{figure}.svg has {svg.Length} characters");
            var png = File.ReadAllBytes(Path.Combine(folder, figure + ".png"));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
            Assert.True(png.Length > 20_000, $"{figure}.png has {png.Length} bytes");
        }

        string markdown = File.ReadAllText(Path.Combine(dir.Path, "report.md"));
        Assert.Contains($"## {id}: ", markdown);
        Assert.Contains("| quantity | case | measured | predicted | agrees | note |", markdown);
        foreach (var c in report.Comparisons) Assert.Contains($"| {Reproduce(c.Quantity)} | {Reproduce(c.Case)} |", markdown);
        Assert.DoesNotContain("**no**", markdown);
        var tested = report.Comparisons.Where(c => c.Agrees is not null).ToArray();
        Assert.NotEmpty(tested);
        Assert.All(tested, c => Assert.True(c.Agrees, $"{c.Quantity}, {c.Case}: measured {c.Measured}, predicted {c.Predicted}; {c.Note}"));

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "report.json")));
        var experiment = Assert.Single(json.RootElement.GetProperty("experiments").EnumerateArray());
        Assert.Equal(id, experiment.GetProperty("id").GetString());
        Assert.Equal(report.Comparisons.Count, experiment.GetProperty("comparisons").GetArrayLength());
        return report;
    }

    /// <summary>A table cell as the report writes it.</summary>
    private static string Reproduce(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
