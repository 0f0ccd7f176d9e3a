using System.Text.Json;
using PhaseFlow.Cli.Reproduce;

namespace PhaseFlow.Cli.Tests;

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
        Assert.Single(ReproduceRunner.Select("SpecGD"));
    }

    [Fact]
    public void QuickRunWritesDataFiguresAndAgreeingComparisons()
    {
        using var dir = new TempDir();
        var reports = ReproduceRunner.Run(ReproduceRunner.Select("specgd"), ReproduceSize.Quick);
        ReproduceRunner.Write(dir.Path, reports, ReproduceSize.Quick);
        var report = Assert.Single(reports);
        Assert.Equal("specgd", report.Id);
        Assert.Contains("d = 100", report.Setup);

        string folder = Path.Combine(dir.Path, "specgd");
        foreach (string table in Tables)
        {
            var lines = File.ReadAllLines(Path.Combine(folder, table + ".csv"));
            Assert.True(lines.Length >= 3, $"{table}.csv has {lines.Length} lines");
            int columns = lines[0].Split(',').Length;
            Assert.All(lines.Skip(1), l => Assert.Equal(columns, l.Split(',').Length));
        }
        foreach (string figure in Figures)
        {
            string svg = File.ReadAllText(Path.Combine(folder, figure + ".svg"));
            Assert.Contains("<svg", svg);
            Assert.EndsWith("</svg>", svg.TrimEnd());
            Assert.True(svg.Length > 5_000, $"{figure}.svg is {svg.Length} characters");
            var png = File.ReadAllBytes(Path.Combine(folder, figure + ".png"));
            Assert.True(png.Length > 10_000, $"{figure}.png is {png.Length} bytes");
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);
        }
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp", SearchOption.AllDirectories));

        // Every claim of the study has its row, and every tested prediction agrees.
        string[] quantities =
        [
            "GD max b/a (step)", "SpecGD max |b/a − 1| in Stage I", "SpecGD κ = 1 vs κ = 10", "κ with max b/a > 1", "GD spike saturation b²",
            "SpecGF finish time", "GD Stage II: exponent", "GD Stage II: c·√(Kt)", "full-matrix SpecGD vs the reduced map", "GD divergence threshold",
        ];
        foreach (string q in quantities) Assert.Contains(report.Comparisons, c => c.Quantity.StartsWith(q, StringComparison.Ordinal));
        Assert.True(report.Comparisons.Count(c => c.Agrees is not null) >= 15);
        Assert.All(report.Comparisons.Where(c => c.Agrees is not null),
            c => Assert.True(c.Agrees == true, $"{c.Quantity} ({c.Case}): measured {c.Measured}, predicted {c.Predicted}; {c.Note}"));
        var reference = report.Comparisons.Single(c => c.Quantity == "GD max b/a (step)");
        Assert.Contains("(step 13)", reference.Measured);

        string markdown = File.ReadAllText(Path.Combine(dir.Path, "report.md"));
        Assert.Contains("## specgd:", markdown);
        Assert.DoesNotContain("**no**", markdown);
        foreach (string figure in Figures) Assert.Contains($"specgd/{figure}.png", markdown);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "report.json")));
        var experiment = Assert.Single(json.RootElement.GetProperty("experiments").EnumerateArray());
        Assert.Equal(report.Comparisons.Count, experiment.GetProperty("comparisons").GetArrayLength());
    }
}
