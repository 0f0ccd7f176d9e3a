using System.Globalization;
using System.Text.Json;

namespace PhaseFlow.Cli.Tests;

/// <summary><c>"method": {"kind": "volterra", "nodes": "auto"}</c>: the node count from a tolerance, reported level by
/// level in summary.json; the trajectory stays within its estimate of the exact-node run of the same file.</summary>
public class AutoNodesCliTests
{
    private const string Problem = """
        {"spectrum": {"kind": "powerlaw", "d": 1500, "a": 1.5},
         "teacher": {"kind": "gaussian", "seed": 1}, "init": {"kind": "sphere", "seed": 2},
         "dynamics": {"kind": "gf"}, "tolerance": {"rtol": 1e-10, "atol": 1e-14}, "horizon": 1e4,
         "method": {"kind": "volterra", "nodes": "auto", "nodeTolerance": 1e-4}}
        """;

    [Fact]
    public void AutoNodesReportEveryLevelAndStayWithinTheirEstimateOfExactNodes()
    {
        using var dir = new TempDir();
        var run = CliRun.Of("run", dir.Write("p.json", Problem), "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "summary.json")));
        var v = summary.RootElement.GetProperty("volterra");
        var auto = v.GetProperty("autoNodes");
        Assert.True(auto.GetProperty("met").GetBoolean());
        Assert.Equal("toleranceMet", auto.GetProperty("stop").GetString());
        Assert.Equal(1e-4, auto.GetProperty("tolerance").GetDouble());
        Assert.Equal(4096, auto.GetProperty("maxNodes").GetInt32());
        int nodes = v.GetProperty("nodes").GetInt32();
        Assert.Equal(nodes, auto.GetProperty("nodes").GetInt32());
        var levels = auto.GetProperty("levels").EnumerateArray().ToArray();
        Assert.Equal([28, 40, 64], levels.Take(3).Select(l => l.GetProperty("nodes").GetInt32()));
        Assert.Equal(nodes, levels[^1].GetProperty("nodes").GetInt32());
        Assert.Equal(JsonValueKind.Null, levels[0].GetProperty("estimate").ValueKind);
        var estimate = v.GetProperty("nodeErrorEstimate");
        double eu = estimate.GetProperty("u").GetDouble(), es = estimate.GetProperty("s").GetDouble(), em = estimate.GetProperty("mse").GetDouble();
        Assert.Equal(eu, levels[^1].GetProperty("estimate").GetProperty("u").GetDouble());
        Assert.True(eu <= auto.GetProperty("stateTolerance").GetDouble() && em <= auto.GetProperty("mseTolerance").GetDouble());

        // The same file on exact nodes (1500 of them: gradient flow itself).
        var exact = CliRun.Of("run", dir.Write("e.json", Problem.Replace(", \"nodes\": \"auto\", \"nodeTolerance\": 1e-4", "")), "--out", Path.Combine(dir.Path, "e"));
        Assert.True(exact.ExitCode == 0, exact.Error);
        var a = Rows(Path.Combine(dir.Path, "trajectory.csv"));
        var b = Rows(Path.Combine(dir.Path, "e", "trajectory.csv"));
        Assert.Equal(a.Length, b.Length);
        long steps = summary.RootElement.GetProperty("solver").GetProperty("steps").GetInt64();
        using var exactSummary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "e", "summary.json")));
        steps += exactSummary.RootElement.GetProperty("solver").GetProperty("steps").GetInt64();
        double integration = steps * 1e-10; // (steps of both)·rtol·s*, s* = 1
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(b[i][0], a[i][0]);
            Assert.True(Math.Abs(a[i][1] - b[i][1]) <= 2.5 * es + integration, $"s at t = {a[i][0]}");
            Assert.True(Math.Abs(a[i][2] - b[i][2]) <= 2.5 * eu + integration, $"u at t = {a[i][0]}");
            Assert.True(Math.Abs(a[i][3] - b[i][3]) <= 2.5 * em + integration, $"MSE at t = {a[i][0]}");
        }
    }

    private static double[][] Rows(string path) =>
        File.ReadAllLines(path).Skip(1).Select(l => l.Split(',').Select(z => double.Parse(z, CultureInfo.InvariantCulture)).ToArray()).ToArray();

    [Theory]
    [InlineData("\"nodes\": \"auto\", \"nodeTolerance\": 1e-4", "\"nodes\": \"many\"", "method.nodes must be an integer in [4, 1000000] or \"auto\", got \"many\"")]
    [InlineData("\"nodes\": \"auto\", \"nodeTolerance\": 1e-4", "\"nodes\": true", "method.nodes must be an integer in [4, 1000000] or \"auto\", got true")]
    [InlineData("\"nodeTolerance\": 1e-4", "\"nodeTolerance\": 0.2", "method.nodeTolerance must be in (0, 0.1), got 0.2")]
    [InlineData("\"nodeTolerance\": 1e-4", "\"nodeTolerance\": -1", "method.nodeTolerance must be in (0, 0.1), got -1")]
    [InlineData("\"nodeTolerance\": 1e-4", "\"maxNodes\": 32", "method.maxNodes must be an integer in [64, 1000000]")]
    [InlineData("\"nodes\": \"auto\"", "\"nodes\": 64", "method.nodeTolerance applies to \"nodes\": \"auto\" only")]
    [InlineData("\"nodeTolerance\": 1e-4", "\"estimateError\": false", "method.estimateError cannot be false with \"nodes\": \"auto\"")]
    public void AutoNodeErrorsNameTheirField(string from, string to, string expected) =>
        CliRun.AssertRunRefused(Problem.Replace(from, to), expected);
}
