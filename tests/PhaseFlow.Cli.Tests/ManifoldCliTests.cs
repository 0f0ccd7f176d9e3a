using System.Globalization;
using System.Text.Json;

namespace PhaseFlow.Cli.Tests;

public class ManifoldCliTests
{
    private static double[][] ReadCsv(string path, out string header)
    {
        var lines = File.ReadAllLines(path);
        header = lines[0];
        return lines.Skip(1).Select(l => l.Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray()).ToArray();
    }

    /// <summary>The spec's reference run through the CLI: GD, d = 100, c_L = 1/4, κ = 10, η̃ = 0.05: max b/a ≈ 28.2 at step 13.</summary>
    [Fact]
    public void ReducedGradientDescentWritesTheTrajectoryAndTheSummary()
    {
        using var dir = new TempDir();
        var run = CliRun.Of("manifold", "--method", "gd", "--kappa", "10", "--d", "100", "--eta", "0.05", "--steps", "200", "--loss-scale", "0.25", "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.StartsWith("reduced GD:", run.Output);
        var rows = ReadCsv(Path.Combine(dir.Path, "trajectory.csv"), out string header);
        Assert.Equal("k,t,a,b,c,loss,signal_mass,matrix_cosine,signal_vs_spike", header);
        Assert.Equal(201, rows.Length);
        Assert.Equal(13, rows.Select((r, k) => (Ratio: r[3] / r[2], k)).MaxBy(p => p.Ratio).k);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "summary.json")));
        var root = summary.RootElement;
        Assert.Equal("gd", root.GetProperty("method").GetString());
        Assert.Equal(28.2, root.GetProperty("extremes").GetProperty("maxSpikeRatio").GetDouble(), 0.05);
        Assert.Equal(13, root.GetProperty("extremes").GetProperty("maxSpikeRatioAt").GetProperty("step").GetInt64());
        Assert.Equal(0.25, root.GetProperty("parameters").GetProperty("lossScale").GetDouble());
        Assert.True(root.GetProperty("stages").GetProperty("lossBelow").GetProperty("0.001").GetProperty("step").GetInt64() > 13);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void SpectralFlowReportsItsSwitchesAndTheTimeItReachesTheSolution()
    {
        using var dir = new TempDir();
        var run = CliRun.Of("manifold", "--method", "specgf", "--kappa", "10", "--d", "100", "--eta", "0.01", "--steps", "150", "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "summary.json")));
        var root = summary.RootElement;
        double t = root.GetProperty("stages").GetProperty("equilibrium").GetProperty("t").GetDouble();
        Assert.InRange(t, 0.999, 1.12);
        Assert.True(root.GetProperty("switches").GetArrayLength() >= 4);
        Assert.Equal(1.0, root.GetProperty("final").GetProperty("a").GetDouble(), 1e-12);
        // The escape level α a²/ρ = 1/2 is crossed at a = √½, t = √½ − ε exactly (Stage I: ȧ = 1).
        Assert.Equal(Math.Sqrt(0.5) - 1e-3, root.GetProperty("stages").GetProperty("escape").GetProperty("t").GetDouble(), 1e-12);
        var rows = ReadCsv(Path.Combine(dir.Path, "trajectory.csv"), out _);
        Assert.Equal(0.01 * 150, rows[^1][1], 1e-12);
    }

    /// <summary>--full from W_0 = ε Q_0: the coordinates in the frame of Q_0 are the reduced run's, and the distance column
    /// stays at rounding level.</summary>
    [Fact]
    public void FullMatrixRunsAgreeWithTheReducedRunAndReportTheDistance()
    {
        using var dir = new TempDir();
        string[] common = ["manifold", "--method", "specgd", "--kappa", "5", "--d", "12", "--eta", "0.01", "--steps", "60"];
        var reduced = CliRun.Of([.. common, "--out", Path.Combine(dir.Path, "r")]);
        var full = CliRun.Of([.. common, "--full", "--m", "15", "--polar", "newton-schulz", "--seed", "3", "--out", Path.Combine(dir.Path, "f")]);
        Assert.True(reduced.ExitCode == 0 && full.ExitCode == 0, reduced.Error + full.Error);
        var a = ReadCsv(Path.Combine(dir.Path, "r", "trajectory.csv"), out _);
        var b = ReadCsv(Path.Combine(dir.Path, "f", "trajectory.csv"), out string header);
        Assert.EndsWith(",distance", header);
        Assert.Equal(a.Length, b.Length);
        for (int k = 0; k < a.Length; k++)
        {
            for (int j = 2; j <= 4; j++) Assert.Equal(a[k][j], b[k][j], 1e-12);
            Assert.True(b[k][9] < 1e-12, $"distance {b[k][9]} at step {k}");
        }
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "f", "summary.json")));
        Assert.Equal(15, summary.RootElement.GetProperty("full").GetProperty("m").GetInt32());
        Assert.Equal("NewtonSchulz", summary.RootElement.GetProperty("full").GetProperty("polar").GetString());
    }

    [Fact]
    public void FiniteSampleRunsAreSeeded()
    {
        using var dir = new TempDir();
        string[] args = ["manifold", "--method", "gd", "--kappa", "2", "--d", "6", "--eta", "0.02", "--steps", "30", "--full", "--samples", "400", "--resample", "--seed", "5"];
        Assert.Equal(0, CliRun.Of([.. args, "--out", Path.Combine(dir.Path, "1")]).ExitCode);
        Assert.Equal(0, CliRun.Of([.. args, "--out", Path.Combine(dir.Path, "2")]).ExitCode);
        Assert.Equal(File.ReadAllText(Path.Combine(dir.Path, "1", "trajectory.csv")), File.ReadAllText(Path.Combine(dir.Path, "2", "trajectory.csv")));
    }

    [Fact]
    public void CompareWritesATableOverKappa()
    {
        using var dir = new TempDir();
        var run = CliRun.Of("manifold", "compare", "--kappas", "1,10", "--d", "100", "--eta", "0.02", "--spec-eta", "0.002", "--steps", "1500",
            "--loss-scale", "0.25", "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("| κ | method | max b/a |", run.Output);
        Assert.Equal(run.Output, File.ReadAllText(Path.Combine(dir.Path, "compare.md")));
        var lines = File.ReadAllLines(Path.Combine(dir.Path, "compare.csv"));
        Assert.Equal("kappa,method,max_spike_ratio,max_spike_ratio_step,min_signal_vs_spike,steps_to_1e-3,steps_to_1e-5,final_loss", lines[0]);
        Assert.Equal(5, lines.Length);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        var gd10 = rows.Single(r => r[0] == "10" && r[1] == "gd");
        var spec10 = rows.Single(r => r[0] == "10" && r[1] == "specgd");
        Assert.True(double.Parse(gd10[2], CultureInfo.InvariantCulture) > 10);
        Assert.Equal(1.0, double.Parse(spec10[2], CultureInfo.InvariantCulture));
        Assert.Equal(0.5, double.Parse(spec10[4], CultureInfo.InvariantCulture));
    }

    public static TheoryData<string[], string> BadCommands() => new()
    {
        { ["manifold", "--method", "adam", "--d", "10", "--eta", "0.1", "--steps", "10"], "--method must be gd, specgd, gf or specgf" },
        { ["manifold", "--method", "gd", "--d", "2", "--eta", "0.1", "--steps", "10"], "--d must be an integer in [3," },
        { ["manifold", "--method", "gd", "--d", "10", "--eta", "0", "--steps", "10"], "--eta must be finite and > 0" },
        { ["manifold", "--method", "gd", "--d", "10", "--eta", "0.1", "--steps", "10", "--alpha", "-1"], "--alpha must be finite and > 0" },
        { ["manifold", "--method", "gd", "--d", "10", "--eta", "0.1", "--steps", "10", "--kappa", "-2"], "--kappa must be finite and > -1" },
        { ["manifold", "--method", "gf", "--d", "10", "--eta", "0.1", "--steps", "10", "--full"], "--full runs gd and specgd" },
        { ["manifold", "--method", "gd", "--d", "10", "--eta", "0.1", "--steps", "10", "--full", "--m", "5"], "--m must be in [d = 10," },
        { ["manifold", "--method", "gd", "--d", "10", "--eta", "0.1", "--steps", "10", "--samples", "100"], "--m, --samples and --resample need --full" },
        { ["manifold", "--method", "specgd", "--d", "10", "--eta", "0.1", "--steps", "10", "--full", "--polar", "qr"], "--polar must be svd, eigen, newton-schulz or muon" },
        { ["manifold", "--method", "gd", "--d", "20", "--eta", "5", "--steps", "100"], "reduced GD diverged at step" },
        { ["manifold", "compare", "--kappas", "1,x", "--d", "10", "--eta", "0.1", "--steps", "10"], "--kappas must be numbers > -1" },
    };

    [Theory]
    [MemberData(nameof(BadCommands))]
    public void BadInputGivesAMessageAndExitCodeTwo(string[] args, string message)
    {
        using var dir = new TempDir();
        var run = CliRun.Of([.. args, "--out", dir.Path]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Path, "summary.json")));
    }

    [Fact]
    public void MissingOutIsAParseError()
    {
        var run = CliRun.Of("manifold", "--method", "gd", "--d", "10", "--eta", "0.1", "--steps", "10");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--out", run.Error, StringComparison.Ordinal);
    }
}
