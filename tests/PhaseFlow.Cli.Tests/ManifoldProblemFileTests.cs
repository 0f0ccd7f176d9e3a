using System.Text.Json.Nodes;

namespace PhaseFlow.Cli.Tests;

/// <summary>`"model": "manifold"` problem files: the manifold runs reachable from `phaseflow run`, equal to `phaseflow
/// manifold` with the same settings, and every bad field named.</summary>
public class ManifoldProblemFileTests
{
    private const string Reference = """
        {
          "model": "manifold",
          "manifold": {"d": 100, "kappa": 10, "lossScale": 0.25},
          "dynamics": {"kind": "gd", "eta": 0.05},
          "steps": 200,
          "output": {"every": 1}
        }
        """;

    [Fact]
    public void ProblemFileRunEqualsTheManifoldCommand()
    {
        using var dir = new TempDir();
        string fromFile = Path.Combine(dir.Path, "file"), fromOptions = Path.Combine(dir.Path, "options");
        var run = CliRun.Of("run", dir.Write("m.json", Reference), "--out", fromFile);
        Assert.True(run.ExitCode == 0, run.Error);
        var manifold = CliRun.Of("manifold", "--method", "gd", "--kappa", "10", "--d", "100", "--eta", "0.05", "--steps", "200",
            "--loss-scale", "0.25", "--every", "1", "--out", fromOptions);
        Assert.True(manifold.ExitCode == 0, manifold.Error);
        Assert.Equal(File.ReadAllText(Path.Combine(fromOptions, "trajectory.csv")), File.ReadAllText(Path.Combine(fromFile, "trajectory.csv")));
        // The spec's reference value (specgd-manifold.md §4): max b/a ≈ 28.2 at step 13.
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(fromFile, "summary.json")))!;
        Assert.Equal(28.2, (double)summary["extremes"]!["maxSpikeRatio"]!, 0.05);
        Assert.Equal(13, (int)summary["extremes"]!["maxSpikeRatioAt"]!["step"]!);
    }

    [Fact]
    public void FullMatrixRunFromAProblemFileStaysOnTheManifold()
    {
        using var dir = new TempDir();
        string text = Reference.Replace("\"steps\": 200", "\"steps\": 20, \"full\": {\"m\": 120, \"polar\": \"newton-schulz\", \"seed\": 4}", StringComparison.Ordinal)
            .Replace("\"gd\"", "\"specgd\"", StringComparison.Ordinal).Replace("0.05", "0.001", StringComparison.Ordinal);
        var run = CliRun.Of("run", dir.Write("m.json", text), "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, "summary.json")))!;
        Assert.Equal(120, (int)summary["full"]!["m"]!);
        // W stays on the manifold up to the polar factor's rounding: far below 1e-10 after 20 steps.
        Assert.True((double)summary["full"]!["maxDistance"]! < 1e-10, summary["full"]!.ToJsonString());
    }

    [Theory]
    [InlineData("\"eta\": 0.05", "\"eta\": 0", "dynamics.eta must be finite and > 0, got 0")]
    [InlineData("\"kappa\": 10", "\"kappa\": -2", "manifold.kappa must be")]
    [InlineData("\"d\": 100", "\"d\": 2", "manifold.d must be an integer in [3, 1e15], got 2")]
    [InlineData("\"steps\": 200", "\"steps\": 0.5", "steps must be an integer in [1, 2^40], got 0.5")]
    [InlineData("\"every\": 1", "\"every\": 500", "output.every must be an integer in [1, steps = 200], got 500")]
    [InlineData("\"kind\": \"gd\"", "\"kind\": \"adam\"", "dynamics.kind must be one of \"gd\", \"specgd\", \"gf\", \"specgf\", got \"adam\"")]
    [InlineData("\"steps\": 200", "\"steps\": 200, \"full\": {\"m\": 50}", "full.m must be in [d = 100")]
    [InlineData("\"steps\": 200", "\"steps\": 200, \"full\": {\"polar\": \"qr\"}", "full.polar must be svd, eigen, newton-schulz or muon, got \"qr\"")]
    [InlineData("\"steps\": 200", "\"steps\": 200, \"spectrum\": {}", "spectrum is not a known key")]
    [InlineData("\"model\": \"manifold\"", "\"model\": \"quadratic\"", "model must be \"phaseRetrieval\" (the default), \"manifold\" or an object {\"kind\": \"singleIndex\", \"student\": …, \"teacher\": …}, got \"quadratic\"")]
    public void BadFieldsAreNamed(string from, string to, string expected) =>
        CliRun.AssertRunRefused(Reference.Replace(from, to, StringComparison.Ordinal), expected);

    /// <summary>The flows (here gradient flow) run from a file too; only full-matrix runs are limited to gd and specgd.</summary>
    [Fact]
    public void GradientFlowRunsFromAProblemFile()
    {
        using var dir = new TempDir();
        var run = CliRun.Of("run", dir.Write("m.json", Reference.Replace("\"kind\": \"gd\"", "\"kind\": \"gf\"", StringComparison.Ordinal)), "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.True(File.Exists(Path.Combine(dir.Path, "summary.json")));
    }
}
