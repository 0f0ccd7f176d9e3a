using System.Globalization;
using System.Text.Json;

namespace PhaseFlow.Cli.Tests;

/// <summary>Issue 13: reductions that leave their domain of validity exit 3 with the valid part written; Volterra runs from
/// w(0) = 0 or u(0) = 0 are results, not internal errors.</summary>
public class InvalidReductionCliTests
{
    /// <summary>The issue's file: it ended at u = 21.3, s = 7.3, MSE −41.7, loss −1674 with exit 0.</summary>
    private const string IssueFile = """
        {"spectrum":{"kind":"powerlaw","a":2,"d":100},"teacher":{"kind":"gaussian","seed":1},"init":{"kind":"sphere","seed":2},
         "dynamics":{"kind":"gf"},"horizon":100,"method":{"kind":"hierarchy","order":3}}
        """;

    [Fact]
    public void AnInvalidTruncationExitsThreeAndWritesOnlyWhatIsPossible()
    {
        using var dir = new TempDir();
        var run = CliRun.Of("run", dir.Write("p.json", IssueFile), "--out", dir.Path);
        Assert.Equal(3, run.ExitCode);
        // One line on stderr naming the time and the inequality.
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: hierarchy K = 3, geometric closure, Rodas4: invalid from t = ", lines[0]);
        Assert.Contains("Cauchy–Schwarz inequality", lines[0]);

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "summary.json")));
        var invalid = summary.RootElement.GetProperty("invalidFrom");
        double t = invalid.GetProperty("t").GetDouble();
        Assert.InRange(t, 1, 10);
        Assert.Equal("CauchySchwarz", invalid.GetProperty("inequality").GetString());
        Assert.Contains(invalid.GetProperty("statement").GetString()!, lines[0]);
        Assert.True(invalid.GetProperty("left").GetDouble() > invalid.GetProperty("right").GetDouble());
        Assert.Contains(t.ToString("G6", CultureInfo.InvariantCulture), lines[0]);
        double sStar = summary.RootElement.GetProperty("sStar").GetDouble();

        var rows = File.ReadAllLines(Path.Combine(dir.Path, "trajectory.csv")).Skip(1)
            .Select(l => l.Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        Assert.NotEmpty(rows);
        foreach (var r in rows)
        {
            var (time, s, u, mse) = (r[0], r[1], r[2], r[3]);
            Assert.True(time <= t);
            Assert.True(s >= 0, $"s = {s} at t = {time}");
            Assert.True(Math.Abs(u) <= Math.Sqrt(s * sStar) * (1 + 1e-6), $"u = {u}, s = {s} at t = {time}");
            Assert.True(mse >= -1e-9, $"MSE = {mse} at t = {time}");
        }
        Assert.Equal(rows[^1][0], summary.RootElement.GetProperty("final").GetProperty("t").GetDouble());
    }

    [Fact]
    public void ValidReductionsSayTheyStayedValid()
    {
        using var dir = new TempDir();
        var run = CliRun.Of("run", dir.Write("p.json", IssueFile.Replace("\"horizon\":100", "\"horizon\":0.5")), "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "summary.json")));
        Assert.Equal(JsonValueKind.Null, summary.RootElement.GetProperty("invalidFrom").ValueKind);
    }

    [Fact]
    public void TheHierarchyCommandComparesTheValidPartAndExitsThree()
    {
        using var dir = new TempDir();
        var run = CliRun.Of("hierarchy", "--problem", dir.Write("p.json", IssueFile), "--out", dir.Path, "--order", "3");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("invalid from t = ", run.Error);
        using var comparison = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "comparison.json")));
        Assert.True(comparison.RootElement.GetProperty("invalidFrom").GetProperty("t").GetDouble() > 0);
        Assert.True(comparison.RootElement.GetProperty("maxDeviation").GetProperty("u").GetDouble() < 1);
    }

    /// <summary>w(0) = 0 and u(0) = 0 (start orthogonal to Qw*) with the Volterra method crashed with exit 70 on an
    /// infinite growing-mode escape time. Both are fixed points of the alignment: u stays 0.</summary>
    [Theory]
    [InlineData("zero")]
    [InlineData("orthogonal")]
    public void VolterraRunsFromAFixedPointAreResults(string start)
    {
        int d = 20;
        string teacher = start == "zero" ? "{\"kind\":\"gaussian\",\"seed\":1}" : Values(d, 0);
        string init = start == "zero" ? Values(d, -1) : Values(d, 1);
        string file = "{\"spectrum\":{\"kind\":\"powerlaw\",\"a\":2,\"d\":" + d + "},\"teacher\":" + teacher + ",\"init\":" + init +
                      ",\"dynamics\":{\"kind\":\"gf\"},\"horizon\":1e4,\"method\":{\"kind\":\"volterra\"}}";
        using var dir = new TempDir();
        var run = CliRun.Of("run", dir.Write("p.json", file), "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "summary.json")));
        var volterra = summary.RootElement.GetProperty("volterra");
        Assert.Equal(JsonValueKind.Null, volterra.GetProperty("growingModeEscapeTime").ValueKind);
        Assert.Equal(JsonValueKind.Null, summary.RootElement.GetProperty("invalidFrom").ValueKind);
        Assert.Equal(0, summary.RootElement.GetProperty("final").GetProperty("u").GetDouble());
    }

    /// <summary>A "values" object with a single 1 at <paramref name="one"/> (none when −1).</summary>
    private static string Values(int d, int one) =>
        "{\"kind\":\"values\",\"values\":[" + string.Join(",", Enumerable.Range(0, d).Select(i => i == one ? "1" : "0")) + "]}";
}
