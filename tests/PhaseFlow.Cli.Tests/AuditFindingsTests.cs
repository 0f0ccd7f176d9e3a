namespace PhaseFlow.Cli.Tests;

/// <summary>The re-audit of issue 13 after the merge: each finding pinned as a regression test.</summary>
public class AuditFindingsTests
{
    private const string Start = "\"spectrum\":{\"kind\":\"powerlaw\",\"a\":2,\"d\":20},\"teacher\":{\"kind\":\"gaussian\",\"seed\":1},\"init\":{\"kind\":\"sphere\",\"seed\":2}";

    /// <summary>A reduction's tolerance is named as the file names it (it was "method.rtol", or "rtol" for the hierarchy),
    /// and an atol that makes the validity checks vacuous is refused (atol 1e300: exit 70 with ∞ in summary.json).</summary>
    [Theory]
    [InlineData("{\"kind\":\"hierarchy\",\"order\":19}", "{\"rtol\":0.5}", "tolerance.rtol must be in (0, 0.1) for method.kind \"hierarchy\", got 0.5")]
    [InlineData("{\"kind\":\"volterra\"}", "{\"rtol\":0.5}", "tolerance.rtol must be in (0, 0.1) for method.kind \"volterra\", got 0.5")]
    [InlineData("{\"kind\":\"hierarchy\",\"order\":19}", "{\"atol\":1e300}", "tolerance.atol must be in [0, 0.1) for method.kind \"hierarchy\", got 1E+300")]
    [InlineData("{\"kind\":\"volterra\"}", "{\"atol\":1e300}", "tolerance.atol must be in [0, 0.1) for method.kind \"volterra\", got 1E+300")]
    public void AReductionsToleranceIsCheckedAndNamed(string method, string tolerance, string expected) =>
        CliRun.AssertRunRefused($"{{{Start},\"dynamics\":{{\"kind\":\"gf\"}},\"horizon\":10,\"method\":{method},\"tolerance\":{tolerance}}}", expected);

    /// <summary>Direct GF with rtol 0.9999 left the flow (s = 212, loss 2.9 → 1.3e5) with exit 0.</summary>
    [Fact]
    public void AGradientFlowWhoseLossRisesFails() =>
        CliRun.AssertRunRefused($"{{{Start},\"dynamics\":{{\"kind\":\"gf\"}},\"horizon\":10,\"tolerance\":{{\"rtol\":0.9999}}}}", "did not follow the flow: the loss rose");

    /// <summary>Direct GF from a small start to a long horizon ended at w = 0 (first step 1e6); from 1e-20 even at t = 100
    /// (atol 1e-9 absolute). Both must agree with the spectral nodes on the final state, sign of u included.</summary>
    [Theory]
    [InlineData(1e-3, 1e12)]
    [InlineData(1e-20, 100)]
    public void ASmallStartAgreesWithTheSpectralNodes(double radius, double horizon)
    {
        using var dir = new TempDir();
        string P(string method) => dir.Write(method + ".json", FormattableString.Invariant(
            $"{{\"spectrum\":{{\"kind\":\"isotropic\",\"d\":2,\"lambda\":1}},\"teacher\":{{\"kind\":\"gaussian\",\"seed\":1}},\"init\":{{\"kind\":\"sphere\",\"seed\":2,\"radius\":{radius:R}}},\"dynamics\":{{\"kind\":\"gf\"}},\"horizon\":{horizon:R},\"method\":{{\"kind\":\"{method}\"}}}}"));
        string direct = Path.Combine(dir.Path, "direct"), nodes = Path.Combine(dir.Path, "nodes");
        var a = CliRun.Of("run", P("direct"), "--out", direct);
        var b = CliRun.Of("run", P("volterra"), "--out", nodes);
        Assert.True(a.ExitCode == 0, a.Error);
        Assert.True(b.ExitCode == 0, b.Error);
        ProblemFileFuzzTests.AssertPhysical(direct);
        string Last(string d) => File.ReadLines(Path.Combine(d, "trajectory.csv")).Last();
        var x = Last(direct).Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var y = Last(nodes).Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(y[1], x[1], 1e-6);
        Assert.Equal(y[2], x[2], 1e-6);
    }

    /// <summary>A start whose s underflows reported s = 0 beside u ≠ 0 (direct) or a false Cauchy–Schwarz violation
    /// (spectral nodes, exit 3); it is refused by name.</summary>
    [Fact]
    public void AnUnderflowingStartIsRefused() =>
        CliRun.AssertRunRefused("{\"spectrum\":{\"kind\":\"isotropic\",\"d\":2,\"lambda\":1},\"teacher\":{\"kind\":\"gaussian\",\"seed\":1},\"init\":{\"kind\":\"sphere\",\"seed\":2,\"radius\":1e-300},\"dynamics\":{\"kind\":\"gf\"},\"horizon\":100,\"method\":{\"kind\":\"volterra\"}}",
            "init must be w = 0 or a vector with s = wᵀQw and ‖w‖² at least");

    /// <summary>A ratio whose closure coefficients overflow printed "Infinity.0*s[3]" with exit 0.</summary>
    [Fact]
    public void AGeometricRatioThatOverflowsIsRefused()
    {
        var run = CliRun.Of("hierarchy", "--order", "3", "--ratio", "1e308");
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Error}");
        Assert.Equal("error: --ratio must be in (0, 1e300], got 1E+308", run.Error.Trim());
        Assert.Equal(0, CliRun.Of("hierarchy", "--order", "3", "--ratio", "1e100").ExitCode);
    }

    /// <summary>manifold --init 5e-324 wrote NaN alignments (a²/(a² + b²) = 0/0) with exit 0.</summary>
    [Theory]
    [InlineData("5e-324")]
    [InlineData("1e-200")]
    public void AManifoldStartWhoseSquareUnderflowsIsRefused(string init)
    {
        using var dir = new TempDir();
        var run = CliRun.Of("manifold", "--method", "gd", "--d", "10", "--eta", "0.05", "--steps", "20", "--init", init, "--out", dir.Path);
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Error}");
        Assert.StartsWith("error: --init must be finite and >= 1e-150", run.Error);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    /// <summary>λ = 1e100 with s* = 1 puts the hierarchy's scaled teacher moment at 1e-100, far below atol 1e-14: the run
    /// went to s &lt; 0 and exited 70 (∞ alignment in summary.json); it must agree with direct GF (s = 4.69 at t = 1e-102,
    /// s = 1 at the end).</summary>
    [Fact]
    public void AHierarchyOnAHugeSpectrumAgreesWithDirectFlow()
    {
        using var dir = new TempDir();
        string problem = dir.Write("p.json",
            """{"spectrum":{"kind":"isotropic","d":1,"lambda":1e100},"teacher":{"kind":"gaussian","seed":1},"init":{"kind":"sphere","seed":2},"dynamics":{"kind":"gf"},"horizon":1e-98,"output":{"times":[1e-102,1e-98]},"method":{"kind":"hierarchy","order":1,"closure":"exact"}}""");
        string outDir = Path.Combine(dir.Path, "out");
        var run = CliRun.Of("run", problem, "--out", outDir);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Error}");
        var rows = File.ReadLines(Path.Combine(outDir, "trajectory.csv")).Skip(1)
            .Select(l => l.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        Assert.Equal(4.686647, rows[0][1], 1e-5);
        Assert.Equal(1, rows[1][1], 1e-9);
        Assert.Equal(1, Math.Abs(rows[1][2]), 1e-9);
    }

    /// <summary>The spectral nodes' Θ enters through e^{4λΘ}: with λ = 1e100 an absolute 1e-14 on Θ ended 6 % off direct GF
    /// (s = 3.905e38 instead of 1/(24λt) = 4.1667e38 at t = 1e-140) with exit 0.</summary>
    [Fact]
    public void SpectralNodesOnAHugeSpectrumAgreeWithDirectFlow()
    {
        using var dir = new TempDir();
        string problem = dir.Write("p.json",
            """{"spectrum":{"kind":"isotropic","d":1,"lambda":1e100},"teacher":{"kind":"gaussian","seed":1},"init":{"kind":"sphere","seed":2},"dynamics":{"kind":"gf"},"horizon":1e-140,"output":{"times":[1e-140]},"method":{"kind":"volterra"}}""");
        string outDir = Path.Combine(dir.Path, "out");
        var run = CliRun.Of("run", problem, "--out", outDir);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Error}");
        var last = File.ReadLines(Path.Combine(outDir, "trajectory.csv")).Last().Split(',');
        double s = double.Parse(last[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(1 / (1e-100 + 24e-40), s, s * 1e-6);
    }

    /// <summary>Whole-number options quoted the number type's range (`[-9223372036854775808, …]`) for 1e15 or 2^31: a
    /// dimension in exponent notation is read, and one past what the option holds is named as too large.</summary>
    [Fact]
    public void WholeNumberOptionsReadExponentsAndNameTheirLimit()
    {
        using var dir = new TempDir();
        var run = CliRun.Of("manifold", "--method", "gd", "--d", "1e3", "--eta", "0.05", "--steps", "5", "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("d = 1000", run.Output);
        var seed = CliRun.Of("manifold", "--method", "gd", "--d", "100", "--eta", "0.05", "--steps", "5", "--seed", "2147483648", "--out", dir.Path);
        Assert.Equal(2, seed.ExitCode);
        Assert.Contains("--seed is too large: at most 2147483647, got \"2147483648\"", seed.Error);
        var half = CliRun.Of("manifold", "--method", "gd", "--d", "100.5", "--eta", "0.05", "--steps", "5", "--out", dir.Path);
        Assert.Equal(2, half.ExitCode);
        Assert.Contains("--d must be a whole number such as 100 or 1e6", half.Error);
    }
}
