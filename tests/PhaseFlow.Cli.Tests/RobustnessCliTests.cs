using System.Text.Json;

namespace PhaseFlow.Cli.Tests;

/// <summary>Issue 13 through `phaseflow run`: every one of these used to exit 70 (internal error), exit 0 with a wrong
/// answer, or exit 0 having written nothing.</summary>
public class RobustnessCliTests
{
    private const string P = "\"teacher\":{\"kind\":\"gaussian\",\"seed\":1},\"init\":{\"kind\":\"sphere\",\"seed\":2}";

    private static string Problem(string spectrum, string dynamics, string horizon, string extra = "") =>
        $"{{\"spectrum\":{spectrum},{P},\"dynamics\":{dynamics},\"horizon\":{horizon}{extra}}}";

    [Theory]
    [InlineData("{\"kind\":\"powerlaw\",\"a\":2,\"d\":10}", "{\"kind\":\"gd\",\"eta\":1e100}", "1", "population GD diverged at step 1")]
    [InlineData("{\"kind\":\"powerlaw\",\"a\":2,\"d\":10}", "{\"kind\":\"sgd\",\"eta\":1e100}", "5", "online SGD diverged at step 1")]
    [InlineData("{\"kind\":\"isotropic\",\"d\":10,\"lambda\":5e-324}", "{\"kind\":\"gf\"}", "100",
        "spectrum.lambda must be in [2.2250738585072014E-308, 1E+150]")]
    [InlineData("{\"kind\":\"values\",\"values\":[1e308,1,1]}", "{\"kind\":\"gf\"}", "100", "spectrum.values[0] must be in [2.2250738585072014E-308, 1E+150]")]
    public void DivergenceAndUnrepresentableSpectraExitTwo(string spectrum, string dynamics, string horizon, string expected) =>
        CliRun.AssertRunRefused(Problem(spectrum, dynamics, horizon), expected);

    [Fact]
    public void OverflowingTeacherAndStartNameTheirField()
    {
        CliRun.AssertRunRefused("{\"spectrum\":{\"kind\":\"isotropic\",\"d\":2,\"lambda\":1},\"teacher\":{\"kind\":\"values\",\"values\":[1e200,0]}," +
                                "\"init\":{\"kind\":\"sphere\"},\"dynamics\":{\"kind\":\"gf\"},\"horizon\":1}", "error: p.json: teacher must be a vector with finite s*");
        CliRun.AssertRunRefused("{\"spectrum\":{\"kind\":\"isotropic\",\"d\":2,\"lambda\":1},\"teacher\":{\"kind\":\"gaussian\"}," +
                                "\"init\":{\"kind\":\"sphere\",\"radius\":1e100},\"dynamics\":{\"kind\":\"gf\"},\"horizon\":1}", "error: p.json: init must be a vector with finite s");
    }

    /// <summary>from = 5e-324: GF crashed (NaN output times), GD wrote no sample at all.</summary>
    [Theory]
    [InlineData("{\"kind\":\"gf\"}", 10)]
    [InlineData("{\"kind\":\"gd\",\"eta\":0.01}", 2)]
    public void TinyLogSpacedStartWritesItsSamples(string dynamics, int samples)
    {
        using var dir = new TempDir();
        var run = CliRun.Of("run", dir.Write("p.json", Problem("{\"kind\":\"powerlaw\",\"a\":2,\"d\":10}", dynamics, "100",
            ",\"output\":{\"logSpaced\":10,\"from\":5e-324}")), "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(samples + 1, File.ReadAllLines(Path.Combine(dir.Path, "trajectory.csv")).Length);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "summary.json")));
        Assert.Equal(100, summary.RootElement.GetProperty("final").GetProperty("t").GetDouble());
    }

    /// <summary>Eigenvalues 1e100 up to t = 1e-98 is eigenvalues 1 up to t = 100 (scale invariance of √λ·w): s → s* = 1.</summary>
    [Fact]
    public void LargeEigenvaluesConvergeToSStar()
    {
        using var dir = new TempDir();
        string values = string.Join(",", Enumerable.Repeat("1e100", 10));
        var run = CliRun.Of("run", dir.Write("p.json", Problem($"{{\"kind\":\"values\",\"values\":[{values}]}}", "{\"kind\":\"gf\"}", "1e-98")), "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "summary.json")));
        Assert.Equal(1, summary.RootElement.GetProperty("final").GetProperty("s").GetDouble(), 1e-6);
    }

    /// <summary>d = 2^27 for gf needs ≈ 36 GiB: refused with the estimate before the teacher and w(0) are drawn (on a
    /// machine where it fits there is nothing to refuse).</summary>
    [Fact]
    public void DimensionThatCannotFitIsRefusedBeforeRunning()
    {
        if (PhaseFlow.Core.SimulationMemory.Estimate(new PhaseFlow.Core.PopulationGradientFlow(), 1 << 27) <= PhaseFlow.Core.SimulationMemory.AvailableBytes) return;
        CliRun.AssertRunRefused(Problem("{\"kind\":\"isotropic\",\"d\":134217728,\"lambda\":1e-8}", "{\"kind\":\"gf\"}", "1"),
            "spectrum.d must be at most");
    }

    /// <summary>The exact spectral nodes of a power law (one per eigenvalue, ≈ 430 B per dimension: 29 GB at d = 2^26) are
    /// refused with the estimate before the teacher and w(0) are drawn; they had reached 20 GB at d = 2^27 and kept growing.
    /// Compressed nodes of the same spectrum fit; so do the exact nodes of an isotropic spectrum (one node).</summary>
    [Fact]
    public void ExactNodesThatCannotFitAreRefusedBeforeRunning()
    {
        const int d = 1 << 26;
        if (430L * d <= PhaseFlow.Core.SimulationMemory.AvailableBytes) return;
        CliRun.AssertRunRefused(Problem($"{{\"kind\":\"powerlaw\",\"a\":2,\"d\":{d}}}", "{\"kind\":\"gf\"}", "1", ",\"method\":{\"kind\":\"volterra\"}"),
            "spectrum.d must be at most");
        CliRun.AssertRunRefused(Problem($"{{\"kind\":\"powerlaw\",\"a\":2,\"d\":{d}}}", "{\"kind\":\"gf\"}", "1", ",\"method\":{\"kind\":\"volterra\"}"),
            "give method.nodes to compress");
    }

    /// <summary>w(0) = 0 is a fixed point: the run is correct and kept, with a warning and a typed note in summary.json.</summary>
    [Theory]
    [InlineData("{\"kind\":\"gf\"}", "100")]
    [InlineData("{\"kind\":\"gd\",\"eta\":0.01}", "100")]
    public void StartAtZeroWarnsAndIsNoted(string dynamics, string horizon)
    {
        using var dir = new TempDir();
        string text = $"{{\"spectrum\":{{\"kind\":\"powerlaw\",\"a\":2,\"d\":3}},\"teacher\":{{\"kind\":\"gaussian\"}}," +
                      $"\"init\":{{\"kind\":\"values\",\"values\":[0,0,0]}},\"dynamics\":{dynamics},\"horizon\":{horizon}}}";
        var run = CliRun.Of("run", dir.Write("p.json", text), "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("warning: started at the fixed point w = 0", run.Error);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "summary.json")));
        var note = Assert.Single(summary.RootElement.GetProperty("notes").EnumerateArray());
        Assert.Equal("startedAtFixedPoint", note.GetProperty("kind").GetString());
        Assert.Equal(0, summary.RootElement.GetProperty("final").GetProperty("s").GetDouble());
    }

    /// <summary>A horizon of 1e-320 made the default output start at horizon/1e4 = 0, refused as a "from" the file never
    /// gave; below 1e-300 the integrator's steps turn subnormal, so such horizons are refused by name.</summary>
    [Fact]
    public void TinyHorizonsRunWithTheDefaultOutputOrAreRefused()
    {
        using var dir = new TempDir();
        var run = CliRun.Of("run", dir.Write("p.json", Problem("{\"kind\":\"powerlaw\",\"a\":2,\"d\":10}", "{\"kind\":\"gf\"}", "1e-300")), "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(62, File.ReadAllLines(Path.Combine(dir.Path, "trajectory.csv")).Length);
        CliRun.AssertRunRefused(Problem("{\"kind\":\"powerlaw\",\"a\":2,\"d\":10}", "{\"kind\":\"gf\"}", "1e-320"),
            "horizon must be a time in [1e-300, 1e300], got 1E-320");
    }
}
