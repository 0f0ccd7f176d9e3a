using System.Text.Json.Nodes;
using PhaseFlow.Cli.Reproduce;
using PhaseFlow.Tests.Shared;

namespace PhaseFlow.Cli.Tests;

/// <summary>`phaseflow reproduce` and `phaseflow docs` through the command line: files written, figures readable, bad input
/// refused, and the committed CLI reference equal to what the code generates.</summary>
public class ReproduceCliTests
{
    /// <summary>Checks the files one experiment must leave: its CSV tables (header + rows), SVG and PNG figures (by their
    /// signatures), and a report whose tested predictions all agree.</summary>
    internal static void AssertExperimentWritten(string dir, ExperimentReport report)
    {
        string folder = Path.Combine(dir, report.Id);
        foreach (var table in report.Tables)
        {
            var lines = File.ReadAllLines(Path.Combine(folder, table.Name + ".csv"));
            Assert.Equal(string.Join(',', table.Columns), lines[0]);
            Assert.Equal(table.Rows.Count + 1, lines.Length);
            Assert.True(table.Rows.Count >= 10, $"{table.Name}: only {table.Rows.Count} rows");
        }
        Assert.NotEmpty(report.Figures);
        foreach (var figure in report.Figures)
        {
            byte[] png = File.ReadAllBytes(Path.Combine(folder, figure.Name + ".png"));
            Assert.True(png.Length > 5000 && png[0] == 0x89 && png[1] == (byte)'P' && png[2] == (byte)'N' && png[3] == (byte)'G', $"{figure.Name}.png is not a PNG");
            string svg = File.ReadAllText(Path.Combine(folder, figure.Name + ".svg"));
            Assert.Contains("<svg", svg);
            Assert.True(figure.Curves.Count > 0 && figure.Curves.All(c => c.X.Length == c.Y.Length && c.X.Length > 0), $"{figure.Name}: empty curve");
        }
        Assert.NotEmpty(report.Comparisons);
        var failing = report.Comparisons.Where(c => c.Agrees == false).ToArray();
        Assert.True(failing.Length == 0, string.Join("\n", failing.Select(c => $"{c.Quantity} ({c.Case}): measured {c.Measured}, predicted {c.Predicted}; {c.Note}")));
    }

    /// <summary>Through the command line, with and without progress bars: the bars (Spectre.Console) go to standard error
    /// only, also when it is redirected (CI logs); the files are the same either way.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Fig3QuickWritesDataFiguresAndReport(bool progress)
    {
        using var dir = new TempDir();
        var run = CliRun.Of("reproduce", "fig3", "--size", "quick", "--out", dir.Path, "--progress", progress ? "true" : "false");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("fig3:", run.Output);
        Assert.DoesNotContain("100%", run.Output);
        Assert.Equal(progress, run.Error.Contains("100%", StringComparison.Ordinal));
        var report = ReproduceRunner.Run(ReproduceRunner.Select("fig3"), ReproduceSize.Quick)[0];
        AssertExperimentWritten(dir.Path, report);
        string markdown = File.ReadAllText(Path.Combine(dir.Path, "report.md"));
        Assert.Contains("## fig3:", markdown);
        Assert.Contains("(fig3/fig3.png)", markdown);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, "report.json")))!;
        Assert.Equal("quick", (string?)json["size"]);
        Assert.Equal(report.Comparisons.Count, json["experiments"]![0]!["comparisons"]!.AsArray().Count);
    }

    [Fact]
    public void Fig2QuickAgreesWithTheReduction()
    {
        using var dir = new TempDir();
        var reports = ReproduceRunner.Run(ReproduceRunner.Select("fig2"), ReproduceSize.Quick);
        ReproduceRunner.Write(dir.Path, reports, ReproduceSize.Quick);
        AssertExperimentWritten(dir.Path, reports[0]);
        Assert.Contains(reports[0].Comparisons, c => c.Quantity.StartsWith("T_1", StringComparison.Ordinal) && c.Agrees == true);
    }

    /// <summary>A seed fixes every draw: two runs give the same tables.</summary>
    [Fact]
    public void ExperimentsAreDeterministic()
    {
        var first = ReproduceRunner.Run(ReproduceRunner.Select("fig3"), ReproduceSize.Quick)[0];
        var second = ReproduceRunner.Run(ReproduceRunner.Select("fig3"), ReproduceSize.Quick)[0];
        Assert.Equal(first.Tables[0].Rows.SelectMany(r => r), second.Tables[0].Rows.SelectMany(r => r));
        Assert.Equal(first.Comparisons.Select(c => c.Measured), second.Comparisons.Select(c => c.Measured));
    }

    [Theory]
    [InlineData(new[] { "reproduce", "fig9", "--out", "X" }, "unknown experiment 'fig9'")]
    [InlineData(new[] { "reproduce", "fig3", "--size", "huge", "--out", "X" }, "--size must be quick, default or paper")]
    [InlineData(new[] { "docs", "--parts", "figures", "--out", "X" }, "unknown part 'figures'")]
    public void BadInputIsRefusedWithExitCode2(string[] args, string expected)
    {
        using var dir = new TempDir();
        var run = CliRun.Of(args.Select(a => a == "X" ? dir.Path : a).ToArray());
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    /// <summary>docs/cli.md is generated from the command tree; if a command or option changes, this fails until
    /// `phaseflow docs --parts cli` is rerun.</summary>
    [Fact]
    public void CommittedCliReferenceIsCurrent()
    {
        using var dir = new TempDir();
        var run = CliRun.Of("docs", "--parts", "cli", "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        string generated = File.ReadAllText(Path.Combine(dir.Path, "cli.md"));
        string committed = File.ReadAllText(Path.Combine(Architecture.RepositoryRoot(), "docs", "cli.md"));
        Assert.True(generated == committed, "docs/cli.md is stale: run `dotnet run -c Release --project src/Cli -- docs --parts cli`");
        foreach (string command in new[] { "run", "validate", "reproduce", "docs", "manifold", "escape", "duhamel", "hierarchy" })
            Assert.Contains($"## `phaseflow {command}`", generated);
    }

    /// <summary>Every generated file in docs/ says how it was generated.</summary>
    [Fact]
    public void GeneratedDocsCarryTheirCommand()
    {
        string docs = Path.Combine(Architecture.RepositoryRoot(), "docs");
        foreach (string name in new[] { "cli.md", "validation.md", "reproduce.md" })
            Assert.StartsWith("<!-- Generated by `dotnet run -c Release --project src/Cli -- docs`", File.ReadAllText(Path.Combine(docs, name)));
    }
}
