using System.Text.Json;

namespace PhaseFlow.Cli.Tests;

public class HierarchyCliTests
{
    private const string Spiked = """
        {"spectrum": {"kind": "spiked", "d": 50, "signal": 1, "spike": 3, "bulk": 0.1},
         "teacher": {"kind": "gaussian", "seed": 1}, "init": {"kind": "sphere", "seed": 2, "radius": 0.1},
         "dynamics": {"kind": "gf"}, "tolerance": {"rtol": 1e-10, "atol": 1e-14}, "horizon": 300,
         "method": {"kind": "hierarchy", "order": 3, "closure": "exact"}}
        """;

    [Fact]
    public void ProblemFileWithAHierarchyMethodRunsLikeADirectRun()
    {
        using var dir = new TempDir();
        var run = CliRun.Of("run", dir.Write("p.json", Spiked), "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.StartsWith("hierarchy K = 3, exact closure, Rodas4:", run.Output);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "summary.json")));
        Assert.Equal("hierarchy", summary.RootElement.GetProperty("method").GetString());
        var h = summary.RootElement.GetProperty("hierarchy");
        Assert.Equal(3, h.GetProperty("order").GetInt32());
        Assert.Equal(3, h.GetProperty("closureNodes").GetInt32());
        Assert.True(summary.RootElement.GetProperty("markers").GetProperty("escapeTime").GetDouble() > 0);

        // Same file, direct method: the two trajectories agree to the tolerance's reach.
        var direct = CliRun.Of("run", dir.Write("d.json", Spiked.Replace("\"hierarchy\", \"order\": 3, \"closure\": \"exact\"", "\"direct\"")), "--out", Path.Combine(dir.Path, "d"));
        Assert.True(direct.ExitCode == 0, direct.Error);
        var a = File.ReadAllLines(Path.Combine(dir.Path, "trajectory.csv"));
        var b = File.ReadAllLines(Path.Combine(dir.Path, "d", "trajectory.csv"));
        Assert.Equal(a[0], b[0]);
        Assert.Equal(a.Length, b.Length);
        for (int i = 1; i < a.Length; i++)
        {
            var x = a[i].Split(',').Select(double.Parse).ToArray();
            var y = b[i].Split(',').Select(double.Parse).ToArray();
            Assert.Equal(x[0], y[0]);
            Assert.Equal(x[2], y[2], 1e-8);
        }
    }

    [Theory]
    [InlineData("\"dynamics\": {\"kind\": \"gf\"}", "\"dynamics\": {\"kind\": \"gd\", \"eta\": 0.01}", "method.kind \"hierarchy\" reduces gradient flow")]
    [InlineData("\"closure\": \"exact\"", "\"closure\": \"cubic\"", "method.closure must be \"zero\", \"geometric\" or \"exact\", got \"cubic\"")]
    [InlineData("\"closure\": \"exact\"", "\"closure\": \"exact\", \"ratio\": 0.5", "method.ratio applies to the geometric closure only")]
    [InlineData("\"order\": 3", "\"order\": 1", "method.order must be >= r - 1 = 2")]
    [InlineData("\"order\": 3", "\"order\": 0", "method.order must be")]
    [InlineData("\"closure\": \"exact\"", "\"closure\": \"exact\", \"integrator\": \"euler\"", "method.integrator must be")]
    [InlineData("\"closure\": \"exact\"", "\"closure\": \"exact\", \"recordMoments\": 1", "method.recordMoments must be true or false")]
    [InlineData("\"closure\": \"exact\"", "\"closure\": \"exact\", \"extra\": 1", "method.extra is not a known key")]
    public void HierarchyMethodErrorsNameTheirField(string from, string to, string expected) =>
        CliRun.AssertRunRefused(Spiked.Replace(from, to), expected);

    [Fact]
    public void AnIllConditionedExactClosureIsRefusedFromAProblemFile()
    {
        using var dir = new TempDir();
        string text = Spiked.Replace("{\"kind\": \"spiked\", \"d\": 50, \"signal\": 1, \"spike\": 3, \"bulk\": 0.1}", "{\"kind\": \"powerlaw\", \"a\": 2, \"d\": 20}")
            .Replace("\"order\": 3", "\"order\": 20");
        var run = CliRun.Of("run", dir.Write("p.json", text), "--out", dir.Path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("method.closure must be well conditioned", run.Error);
    }

    [Fact]
    public void HierarchyCommandPrintsTheSymbolicSystem()
    {
        var text = CliRun.Of("hierarchy", "--order", "1", "--closure", "zero");
        Assert.Equal(0, text.ExitCode);
        // Exactly the library's text (whose golden form the Hierarchy tests pin down).
        Assert.Equal(PhaseFlow.Hierarchy.HierarchySystem.Create(1, PhaseFlow.Hierarchy.HierarchyClosure.Zero).ToText(), text.Output);
        Assert.StartsWith("d/dt s[0] = 8*s[1]*(s_star[1] - 3*s[1]) + 16*u[1]^2\n", text.Output);
        var latex = CliRun.Of("hierarchy", "--order", "1", "--closure", "geometric", "--ratio", "0.5", "--print", "latex");
        Assert.Equal(0, latex.ExitCode);
        Assert.Contains(@"\dot{s}^{(1)} = 4.0 s^{(1)} \left(s_{*}^{(1)} - 3 s^{(1)}\right) + 8.0 {u^{(1)}}^{2} \\", latex.Output);
        Assert.EndsWith("u^{(2)} = 0.5 u^{(1)}\n", latex.Output);
    }

    [Theory]
    [InlineData(new[] { "hierarchy", "--order", "2", "--print", "html" }, "--print must be \"text\" or \"latex\"")]
    [InlineData(new[] { "hierarchy", "--order", "201" }, "--order must be an integer in [1, 200]")]
    [InlineData(new[] { "hierarchy", "--order", "2", "--closure", "zero", "--ratio", "2" }, "--ratio applies to the geometric closure only")]
    [InlineData(new[] { "hierarchy", "--order", "2", "--out", "x" }, "--out needs --problem")]
    [InlineData(new[] { "hierarchy", "--order", "2", "--problem", "p.json" }, "--out is required with --problem")]
    [InlineData(new[] { "hierarchy" }, "--order")]
    public void HierarchyCommandErrorsAreOneLineAndExitTwo(string[] args, string expected)
    {
        var run = CliRun.Of(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error);
        Assert.DoesNotContain("   at ", run.Error);
    }

    [Fact]
    public void HierarchyCommandComparesWithTheDirectFlow()
    {
        using var dir = new TempDir();
        string problem = dir.Write("p.json", Spiked);
        string outDir = Path.Combine(dir.Path, "cmp");
        var run = CliRun.Of("hierarchy", "--problem", problem, "--out", outDir, "--order", "3", "--closure", "exact");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("max |Δs| =", run.Output);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "comparison.json")));
        var deviation = json.RootElement.GetProperty("maxDeviation");
        Assert.InRange(deviation.GetProperty("s").GetDouble(), 0, 1e-8);
        Assert.InRange(deviation.GetProperty("u").GetDouble(), 0, 1e-8);
        Assert.Equal(File.ReadAllLines(Path.Combine(outDir, "direct.csv"))[0], File.ReadAllLines(Path.Combine(outDir, "hierarchy.csv"))[0]);
        Assert.Equal("t,s,u,mse,loss,s2,u2,s3,u3", File.ReadAllLines(Path.Combine(outDir, "hierarchy.csv"))[0]);

        // A gd problem cannot be compared with a reduction of gradient flow.
        var gd = CliRun.Of("hierarchy", "--problem", dir.Write("gd.json", Spiked.Replace("\"dynamics\": {\"kind\": \"gf\"}", "\"dynamics\": {\"kind\": \"gd\", \"eta\": 0.01}")
            .Replace("\"kind\": \"hierarchy\", \"order\": 3, \"closure\": \"exact\"", "\"kind\": \"direct\"")), "--out", outDir, "--order", "3");
        Assert.Equal(2, gd.ExitCode);
        Assert.Contains("dynamics.kind must be \"gf\"", gd.Error);
    }
}
