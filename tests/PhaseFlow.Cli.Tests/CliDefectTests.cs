using System.Diagnostics;
using System.Globalization;

namespace PhaseFlow.Cli.Tests;

/// <summary>Regression tests of issue 13's CLI defects 5–9 and 3 (the numbers of the issue).</summary>
public class CliDefectTests
{
    private static void AssertOneLineError(CliRun run, string expected)
    {
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Error}");
        Assert.StartsWith("error: ", run.Error);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.Contains(expected, run.Error);
    }

    private const string Manifold = """{"model": "manifold", "manifold": {"d": 100, "kappa": 10}, "dynamics": {"kind": "gd", "eta": 0.05}, "steps": 20}""";

    // 5: --out is checked before the solve, with a precise message.

    public static TheoryData<string[]> OutCommands() => new()
    {
        { new[] { "run", "P" } },
        { new[] { "manifold", "--method", "gd", "--d", "100", "--eta", "0.05", "--steps", "20" } },
        { new[] { "manifold", "compare", "--kappas", "0,1", "--d", "100", "--eta", "0.02", "--steps", "20" } },
        { new[] { "hierarchy", "--order", "2", "--problem", "P" } },
        { new[] { "duhamel", "P" } },
        { new[] { "reproduce", "all", "--size", "paper" } },
        { new[] { "docs", "--parts", "reproduce" } },
    };

    [Theory]
    [MemberData(nameof(OutCommands))]
    public void OutIsCheckedBeforeAnyWork(string[] command)
    {
        using var dir = new TempDir();
        string problem = dir.Write("p.json", ProblemFileTests.Valid.Replace("\"gd\", \"eta\": 0.01", "\"gf\"", StringComparison.Ordinal));
        string file = dir.Write("a-file", "x");
        string[] Args(string @out) => [.. command.Select(a => a == "P" ? problem : a), "--out", @out];
        var clock = Stopwatch.StartNew();
        AssertOneLineError(CliRun.Of(Args(file)), $"--out \"{file}\" is a file, not a folder");
        AssertOneLineError(CliRun.Of(Args("/dev/null")), "--out \"/dev/null\" is a file, not a folder");
        AssertOneLineError(CliRun.Of(Args("")), "--out must name a folder, got \"\"");
        AssertOneLineError(CliRun.Of(Args(Path.Combine(file, "sub"))), "is a file, not a folder");
        if (OperatingSystem.IsLinux()) AssertOneLineError(CliRun.Of(Args("/proc/phaseflow-out")), "is in a system folder");
        string readOnly = Path.Combine(dir.Path, "read-only");
        Directory.CreateDirectory(readOnly);
        if (!OperatingSystem.IsWindows() && Environment.UserName != "root")
        {
            File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            AssertOneLineError(CliRun.Of(Args(readOnly)), $"--out \"{readOnly}\" is not writable");
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}: the check came after the work");
        Assert.Equal("x", File.ReadAllText(file));
    }

    /// <summary><c>validate --student</c>: the model options go together and are checked before any check runs.</summary>
    [Fact]
    public void ValidateModelOptionsAreCheckedFirst()
    {
        AssertOneLineError(CliRun.Of("validate", "--student", "z^2"), "--student and --teacher go together");
        AssertOneLineError(CliRun.Of("validate", "--sstar", "2"), "--noise, --sstar and --order set the model of --student and --teacher");
        AssertOneLineError(CliRun.Of("validate", "--student", "z^2", "--teacher", "z^2", "--sstar", "-1"), "--sstar must be finite and > 0");
        AssertOneLineError(CliRun.Of("validate", "--student", "y^2", "--teacher", "z^2"), "--student");
    }

    [Fact]
    public void ValidateOutIsCheckedBeforeTheChecksRun()
    {
        using var dir = new TempDir();
        var clock = Stopwatch.StartNew();
        AssertOneLineError(CliRun.Of("validate", "--full", "--out", dir.Path), "is a folder, not a file");
        AssertOneLineError(CliRun.Of("validate", "--full", "--out", ""), "--out must name a file");
        AssertOneLineError(CliRun.Of("validate", "--full", "--out", "/dev/null/table.md"), "is a device or system entry");
        if (!OperatingSystem.IsWindows()) AssertOneLineError(CliRun.Of("validate", "--full", "--out", "/dev/null"), "--out \"/dev/null\" is a device or system entry, not a file");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    // 6: Ctrl-C is honoured within a second.

    private static (CliRun Run, TimeSpan AfterCancel) Cancelled(TimeSpan after, params string[] args)
    {
        using var cts = new CancellationTokenSource();
        var output = new StringWriter();
        var error = new StringWriter();
        var clock = new Stopwatch();
        var work = Task.Run(() => CliApp.Run(args, output, error, cts.Token));
        Thread.Sleep(after);
        clock.Start();
        cts.Cancel();
        Assert.True(work.Wait(TimeSpan.FromSeconds(20)), "not cancelled within 20 s");
        return (new CliRun(work.Result, output.ToString(), error.ToString()), clock.Elapsed);
    }

    [Fact]
    public void FullMatrixSpecGdStopsWithinASecondOfCancellation()
    {
        using var dir = new TempDir();
        var (run, elapsed) = Cancelled(TimeSpan.FromSeconds(1.5), "manifold", "--method", "specgd", "--d", "768", "--eta", "1e-3", "--steps", "100000",
            "--full", "--out", dir.Path);
        Assert.Equal(130, run.ExitCode);
        Assert.Contains("cancelled", run.Error);
        Assert.True(elapsed < TimeSpan.FromSeconds(1.5), $"{elapsed}");
        Assert.False(File.Exists(Path.Combine(dir.Path, "summary.json")));
    }

    [Fact]
    public void EscapeStopsWithinASecondOfCancellation()
    {
        var (run, elapsed) = Cancelled(TimeSpan.FromSeconds(0.3), "escape", "--a", "0.01", "--d", "1e18", "--nodes", "4096");
        Assert.True(run.ExitCode is 130 or 0, run.Error); // 0 only if it finished before the cancellation
        Assert.True(elapsed < TimeSpan.FromSeconds(1.5), $"{elapsed}");
    }

    /// <summary>`escape --a 1e-20 --d 1e9` never finished (a mode-by-mode search); a flat power law is the isotropic
    /// spectrum, whose escape rate is 12 s*/d.</summary>
    [Fact]
    public void EscapeOfANearlyFlatPowerLawIsTheIsotropicRate()
    {
        var run = CliRun.Of("escape", "--a", "1e-20", "--d", "1e9");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("escape rate ρ = 1.2E-08", run.Output);
    }

    [Fact]
    public void EscapeRefusesExponentsItCannotResolveWithTheRange()
    {
        AssertOneLineError(CliRun.Of("escape", "--a", "0", "--d", "1e9"), "--a must be in (0, 64]");
        AssertOneLineError(CliRun.Of("escape", "--a", "1e308", "--d", "1e9"), "--a must be in (0, 64]");
        AssertOneLineError(CliRun.Of("escape", "--a", "2", "--d", "1e9", "--nodes", "2147483647"), "--nodes must be an integer in [4, 65536]");
    }

    [Fact]
    public void EscapeWhoseExactLinearSolutionIsNotResolvedStillReportsTheRate()
    {
        var run = CliRun.Of("escape", "--a", "20", "--d", "1e9", "--overlap", "0.001");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("escape rate ρ", run.Output);
        Assert.Contains("not resolved in double precision", run.Output);
    }

    // 7: numbers are read invariantly, group separators refused.

    [Theory]
    [InlineData("--overlap", "0,01")]
    [InlineData("--overlap", "1,000")]
    [InlineData("--level", "NaN")]
    [InlineData("--level", "Infinity")]
    [InlineData("--overlap", "1e999")]
    [InlineData("--nodes", "1,000")]
    [InlineData("--nodes", "64.5")]
    public void EscapeNumbersAreStrict(string option, string value)
    {
        var run = CliRun.Of("escape", "--a", "2", "--d", "100", option, value);
        AssertOneLineError(run, option);
        Assert.Contains($"\"{value}\"", run.Error);
    }

    [Fact]
    public void ManifoldEtaWithACommaIsRefused() =>
        AssertOneLineError(CliRun.Of("manifold", "--method", "gd", "--d", "100", "--eta", "0,05", "--steps", "20", "--out", "x"), "--eta must be a number");

    [Fact]
    public void NumbersDoNotDependOnTheCulture()
    {
        var culture = CultureInfo.CurrentCulture;
        try
        {
            string Rate() => CliRun.Of("escape", "--a", "2", "--d", "100", "--overlap", "0.01").Output.Split('\n')[1];
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            string invariant = Rate();
            // A German-style culture (the test host may run in globalization-invariant mode, so it is built by hand).
            var german = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            german.NumberFormat.NumberDecimalSeparator = ",";
            german.NumberFormat.NumberGroupSeparator = ".";
            CultureInfo.CurrentCulture = german;
            Assert.Equal(invariant, Rate());
            Assert.StartsWith("escape rate ρ", invariant);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    // 8: user text is quoted and cut; the wrong-model message names the command.

    [Theory]
    [InlineData("gd\\nerror: forged", "\"gd\\\\nerror: forged\"")]
    [InlineData("\\u001b[31mred", "\"\\\\u001b[31mred\"")]
    public void ControlCharactersInAFileAreEscaped(string kind, string shown)
    {
        using var dir = new TempDir();
        var run = CliRun.Of("run", dir.Write("p.json", ProblemFileTests.Valid.Replace("\"kind\": \"gd\"", $"\"kind\": \"{kind}\"", StringComparison.Ordinal)),
            "--out", Path.Combine(dir.Path, "out"));
        AssertOneLineError(run, "dynamics.kind must be one of");
        Assert.Contains(shown.Replace("\\\\", "\\", StringComparison.Ordinal), run.Error);
        Assert.DoesNotContain('\u001b', run.Error);
    }

    [Fact]
    public void AMegabyteKindIsCut()
    {
        using var dir = new TempDir();
        string huge = new('x', 1 << 20);
        var run = CliRun.Of("run", dir.Write("p.json", ProblemFileTests.Valid.Replace("\"kind\": \"gd\"", $"\"kind\": \"{huge}\"", StringComparison.Ordinal)),
            "--out", Path.Combine(dir.Path, "out"));
        AssertOneLineError(run, "dynamics.kind");
        Assert.True(run.Error.Length < 400, $"{run.Error.Length} characters");
        Assert.Contains("…\"", run.Error);
    }

    [Fact]
    public void AnUnknownKeyWithANewlineIsQuoted()
    {
        using var dir = new TempDir();
        var run = CliRun.Of("run", dir.Write("p.json", ProblemFileTests.Valid.Replace("\"horizon\"", "\"a\\nb\": 1, \"horizon\"", StringComparison.Ordinal)),
            "--out", Path.Combine(dir.Path, "out"));
        AssertOneLineError(run, "\"a\\nb\" is not a known key");
    }

    [Theory]
    [InlineData("escape")]
    [InlineData("duhamel")]
    public void AManifoldProblemIsRefusedByCommandsThatDoNotTakeIt(string command)
    {
        using var dir = new TempDir();
        string[] args = command == "duhamel" ? ["duhamel", dir.Write("m.json", Manifold), "--out", Path.Combine(dir.Path, "out")] : [command, dir.Write("m.json", Manifold)];
        var run = CliRun.Of(args);
        AssertOneLineError(run, $"model is \"manifold\": {command} does not take manifold problems");
        Assert.DoesNotContain("got \"manifold\"", run.Error);
    }

    // 3: a lone surrogate is an input error naming the field.

    [Theory]
    [InlineData("\"kind\": \"gd\"", "\"kind\": \"\\ud800\"", "dynamics.kind must be valid text")]
    [InlineData("\"horizon\"", "\"name\": \"a\\udc00b\", \"horizon\"", "name must be valid text")]
    [InlineData("\"horizon\"", "\"\\ud800\": 1, \"horizon\"", "the top-level object has a key that is not valid text")]
    [InlineData("\"horizon\"", "\"model\": \"\\ud800\", \"horizon\"", "model must be valid text")]
    public void LoneSurrogatesAreInputErrors(string from, string to, string expected)
    {
        using var dir = new TempDir();
        var run = CliRun.Of("run", dir.Write("p.json", ProblemFileTests.Valid.Replace(from, to, StringComparison.Ordinal)), "--out", Path.Combine(dir.Path, "out"));
        AssertOneLineError(run, expected);
    }

    // 9: seeds have one range; escape never prints negative times.

    [Fact]
    public void ManifoldSeedHasTheProblemFileRange()
    {
        using var dir = new TempDir();
        var cli = CliRun.Of("manifold", "--method", "gd", "--d", "100", "--eta", "0.05", "--steps", "20", "--full", "--seed", "-1", "--out", dir.Path);
        AssertOneLineError(cli, "--seed must be an integer in [0, 2147483647], got -1");
        var file = CliRun.Of("run", dir.Write("m.json", Manifold.Replace("\"steps\": 20", "\"steps\": 20, \"full\": {\"seed\": -1}", StringComparison.Ordinal)),
            "--out", Path.Combine(dir.Path, "out"));
        AssertOneLineError(file, "full.seed must be an integer in [0, 2147483647], got -1");
    }

    [Fact]
    public void EscapePastTheLevelAtTheStartSaysSo()
    {
        var run = CliRun.Of("escape", "--a", "2", "--d", "100", "--overlap", "0.9");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("the level is already reached at t = 0", run.Output);
        Assert.DoesNotContain("time to |u|", run.Output);
        Assert.DoesNotContain(": -", run.Output);
    }
}
