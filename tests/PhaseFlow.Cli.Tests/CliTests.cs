using System.Text.Json;

namespace PhaseFlow.Cli.Tests;

public class CliTests
{
    [Fact]
    public void HelpListsTheCommands()
    {
        var run = CliRun.Of("--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("run", run.Output);
        Assert.Contains("validate", run.Output);
    }

    [Fact]
    public void UnknownOptionIsAnInputError()
    {
        var run = CliRun.Of("validate", "--fast");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--fast", run.Error);
    }

    [Fact]
    public void RunWritesTrajectoryAndSummary()
    {
        using var dir = new TempDir();
        string problem = dir.Write("p.json", ProblemFileTests.Valid);
        string outDir = Path.Combine(dir.Path, "out");
        var run = CliRun.Of("run", problem, "--out", outDir);
        Assert.True(run.ExitCode == 0, run.Error);
        var lines = File.ReadAllLines(Path.Combine(outDir, "trajectory.csv"));
        Assert.Equal("t,s,u,mse,loss,flow_time", lines[0]);
        Assert.Equal(20, lines.Length); // header + 20 log-spaced times from 1 to 2000, of which 1 and 1.49 both round to step 1
        Assert.Equal("2000", lines[^1].Split(',')[0]);
        Assert.Equal(20.0, double.Parse(lines[^1].Split(',')[5], System.Globalization.CultureInfo.InvariantCulture), 12);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var root = summary.RootElement;
        Assert.Equal("gd", root.GetProperty("dynamics").GetString());
        Assert.Equal("steps", root.GetProperty("timeUnit").GetString());
        Assert.Equal(2000, root.GetProperty("solver").GetProperty("steps").GetInt64());
        Assert.True(root.GetProperty("markers").GetProperty("escapeTime").GetDouble() > 0);
        Assert.True(root.GetProperty("wallTimeSeconds").GetDouble() >= 0);
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp"));
    }

    /// <summary>summary.json carries PhaseAnalysis of the samples: markers, T_2(ε) and both slope fits beside −(a − 1)/a and 1/a
    /// (both 1/2 at a = 2; a = 3 below tells them apart).</summary>
    [Fact]
    public void SummaryCarriesPhaseAnalysis()
    {
        using var dir = new TempDir();
        string problem = dir.Write("p.json", """
        {"spectrum": {"kind": "powerlaw", "a": 2, "d": 300}, "teacher": {"kind": "gaussian", "seed": 1},
         "init": {"kind": "sphere", "seed": 2}, "dynamics": {"kind": "gf"}, "horizon": 1e7, "output": {"logSpaced": 200, "from": 0.01}}
        """);
        var run = CliRun.Of("run", problem, "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "summary.json")));
        var analysis = summary.RootElement.GetProperty("analysis");
        double t1 = analysis.GetProperty("T1").GetDouble(), crossing = analysis.GetProperty("criticalCrossingTime").GetDouble();
        Assert.True(t1 > 0 && crossing > 0 && analysis.GetProperty("T1Prime").GetDouble() >= crossing);
        var convergence = analysis.GetProperty("convergence").EnumerateArray().ToArray();
        Assert.Equal([0.1, 0.01, 0.001], convergence.Select(c => c.GetProperty("epsilon").GetDouble()));
        Assert.All(convergence, c => Assert.True(c.GetProperty("T2").GetDouble() > crossing));
        foreach (var (name, predicted) in new[] { ("oneMinusUSlope", -0.5), ("mseDecrementSlope", 0.5) })
        {
            var fit = analysis.GetProperty(name);
            Assert.Equal(predicted, fit.GetProperty("predicted").GetDouble());
            Assert.True(fit.GetProperty("points").GetInt32() >= 3);
            double slope = fit.GetProperty("slope").GetDouble();
            Assert.InRange(slope, fit.GetProperty("lower").GetDouble(), fit.GetProperty("upper").GetDouble());
        }
        Assert.Equal("first", analysis.GetProperty("crossing").GetString());
        // Online SGD: markers are last crossings (noise touches thresholds early).
        string sgd = dir.Write("sgd.json", """
        {"spectrum": {"kind": "powerlaw", "a": 2, "d": 50}, "teacher": {"kind": "gaussian", "seed": 1},
         "init": {"kind": "sphere", "seed": 2}, "dynamics": {"kind": "sgd", "eta": 0.005}, "horizon": 4000, "output": {"logSpaced": 50, "from": 1}}
        """);
        var noisy = CliRun.Of("run", sgd, "--out", Path.Combine(dir.Path, "sgd"));
        Assert.True(noisy.ExitCode == 0, noisy.Error);
        using (var sgdSummary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "sgd", "summary.json"))))
            Assert.Equal("last", sgdSummary.RootElement.GetProperty("analysis").GetProperty("crossing").GetString());
        var cubic = CliRun.Of("run", dir.Write("p3.json", File.ReadAllText(problem).Replace("\"a\": 2", "\"a\": 3", StringComparison.Ordinal)), "--out", dir.Path);
        Assert.True(cubic.ExitCode == 0, cubic.Error);
        using var third = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "summary.json")));
        Assert.Equal(-2.0 / 3, third.RootElement.GetProperty("analysis").GetProperty("oneMinusUSlope").GetProperty("predicted").GetDouble(), 1e-15);
        Assert.Equal(1.0 / 3, third.RootElement.GetProperty("analysis").GetProperty("mseDecrementSlope").GetProperty("predicted").GetDouble(), 1e-15);
    }

    [Fact]
    public void GradientFlowRunWritesTimeAxis()
    {
        using var dir = new TempDir();
        string problem = dir.Write("p.json", """
        {"spectrum": {"kind": "isotropic", "d": 20, "lambda": 0.05}, "teacher": {"kind": "gaussian"},
         "init": {"kind": "sphere"}, "dynamics": {"kind": "gf"}, "horizon": 100, "output": {"times": [0, 50, 100]}}
        """);
        var run = CliRun.Of("run", problem, "--out", dir.Path, "--progress");
        Assert.True(run.ExitCode == 0, run.Error);
        var lines = File.ReadAllLines(Path.Combine(dir.Path, "trajectory.csv"));
        Assert.Equal(["t,s,u,mse,loss", "0", "50", "100"], lines.Select((l, i) => i == 0 ? l : l.Split(',')[0]).ToArray());
    }

    [Fact]
    public void DivergingRunExitsWithTwoAndWritesNothing()
    {
        using var dir = new TempDir();
        string problem = dir.Write("p.json", ProblemFileTests.Valid.Replace("\"eta\": 0.01", "\"eta\": 500"));
        string outDir = Path.Combine(dir.Path, "out");
        var run = CliRun.Of("run", problem, "--out", outDir);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("diverged at step", run.Error);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void MissingProblemFileIsAnInputError()
    {
        var run = CliRun.Of("run", "/nonexistent/p.json", "--out", "/tmp/x");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("cannot read problem file", run.Error);
    }

    [Fact]
    public void ValidatePassesAndPrintsTheTable()
    {
        using var dir = new TempDir();
        string json = Path.Combine(dir.Path, "v.json");
        var run = CliRun.Of("validate", "--out", json);
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains("| check | measured error | tolerance | pass |", run.Output);
        Assert.DoesNotContain("**NO**", run.Output);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.True(doc.RootElement.GetProperty("passed").GetBoolean());
        // Every check gives at least one row; the power-law hierarchy check gives one per (closure, K).
        int rows = doc.RootElement.GetProperty("checks").GetArrayLength();
        Assert.True(rows > PhaseFlow.Experiments.Validation.ValidationSuite.Checks.Count, $"{rows} rows");
        Assert.Equal(rows, run.Output.Split('\n').Count(l => l.StartsWith("| ", StringComparison.Ordinal)) - 1);
        Assert.Contains("hierarchy (geometric closure, K = 8) vs direct GF", run.Output);
    }
}
