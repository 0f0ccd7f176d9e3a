using System.Text.Json;
using PhaseFlow.Experiments.Reproduce;

namespace PhaseFlow.Experiments.Tests;

/// <summary>Smallest sizes an experiment's files must exceed: table rows, SVG characters, PNG bytes.</summary>
internal sealed record OutputSizes(int MinRows, int MinSvgChars, int MinPngBytes);

/// <summary>What every reproduced experiment must leave behind, checked once for all of them.</summary>
internal static class ReproduceAssert
{
    /// <summary>Runs <paramref name="id"/> at the quick size, writes it into <paramref name="dir"/> and checks its files
    /// (<see cref="Written"/>).</summary>
    public static ExperimentReport RunQuick(string id, TempDir dir, OutputSizes sizes, string? disagreement = null)
    {
        var reports = ReproduceRunner.Run([ReproduceRunner.Find(id)!], ReproduceSize.Quick);
        var report = Assert.Single(reports);
        Assert.Equal(id, report.Id);
        ReproduceRunner.Write(dir.Path, reports, ReproduceSize.Quick);
        Written(dir.Path, report, sizes, disagreement);
        return report;
    }

    /// <summary>The CSV tables (header = columns, one line per row, same field count on every line), each figure as SVG and
    /// PNG (by their signatures, above the given sizes, every curve with ≥ 2 points), no temporary files, report.md with a row
    /// per comparison and a link per figure, report.json with the same comparisons, and every tested prediction agreeing —
    /// except <paramref name="disagreement"/>, the one quantity that must not agree.</summary>
    public static void Written(string root, ExperimentReport report, OutputSizes sizes, string? disagreement = null)
    {
        string folder = Path.Combine(root, report.Id);
        foreach (var table in report.Tables)
        {
            var lines = File.ReadAllLines(Path.Combine(folder, table.Name + ".csv"));
            Assert.Equal(string.Join(',', table.Columns), lines[0]);
            Assert.Equal(table.Rows.Count + 1, lines.Length);
            Assert.All(lines, l => Assert.Equal(table.Columns.Count, l.Split(',').Length));
            Assert.True(table.Rows.Count >= sizes.MinRows, $"{table.Name}.csv has {table.Rows.Count} rows, fewer than {sizes.MinRows}");
        }
        Assert.NotEmpty(report.Figures);
        foreach (var figure in report.Figures)
        {
            string svg = File.ReadAllText(Path.Combine(folder, figure.Name + ".svg"));
            Assert.Contains("<svg", svg, StringComparison.Ordinal);
            Assert.EndsWith("</svg>", svg.TrimEnd(), StringComparison.Ordinal);
            Assert.True(svg.Length > sizes.MinSvgChars, $"{figure.Name}.svg has {svg.Length} characters");
            byte[] png = File.ReadAllBytes(Path.Combine(folder, figure.Name + ".png"));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
            Assert.True(png.Length > sizes.MinPngBytes, $"{figure.Name}.png has {png.Length} bytes");
            // A curve that lost all its points (to a log axis, say) would leave an empty figure.
            Assert.NotEmpty(figure.Curves);
            Assert.All(figure.Curves, c => Assert.True(c.X.Length == c.Y.Length && c.X.Length > 1, $"{figure.Name}: curve '{c.Label}' has {c.X.Length} points"));
        }
        Assert.Empty(Directory.GetFiles(root, "*.tmp", SearchOption.AllDirectories));

        string markdown = File.ReadAllText(Path.Combine(root, "report.md"));
        Assert.Contains($"## {report.Id}: ", markdown, StringComparison.Ordinal);
        Assert.Contains("| quantity | case | measured | predicted | agrees | note |", markdown, StringComparison.Ordinal);
        foreach (var c in report.Comparisons) Assert.Contains($"| {Cell(c.Quantity)} | {Cell(c.Case)} |", markdown, StringComparison.Ordinal);
        foreach (var figure in report.Figures) Assert.Contains($"({report.Id}/{figure.Name}.png)", markdown, StringComparison.Ordinal);
        if (disagreement is null) Assert.DoesNotContain("**no**", markdown, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "report.json")));
        var experiment = json.RootElement.GetProperty("experiments").EnumerateArray().Single(e => e.GetProperty("id").GetString() == report.Id);
        Assert.Equal(report.Comparisons.Count, experiment.GetProperty("comparisons").GetArrayLength());

        var tested = report.Comparisons.Where(c => c.Agrees is not null && c.Quantity != disagreement).ToArray();
        Assert.NotEmpty(tested);
        Assert.All(tested, c => Assert.True(c.Agrees, $"{c.Quantity} ({c.Case}): measured {c.Measured}, predicted {c.Predicted}; {c.Note}"));
        if (disagreement is not null) Assert.False(Assert.Single(report.Comparisons, c => c.Quantity == disagreement).Agrees ?? true);
    }

    /// <summary>A table cell as the report writes it.</summary>
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
