namespace PhaseFlow.Cli.Tests;

/// <summary>Inputs the fuzz tests found after issue 13's fixes were merged, each pinned as a regression test.</summary>
public class FuzzFindingsTests
{
    [Fact]
    public void ALoneSurrogateKeyInTheMethodIsAnInputErrorNamingIt()
    {
        // The memory check peeked at method.kind through the raw JSON, before the reader that refuses such keys.
        CliRun.AssertRunRefused(
            """{"spectrum":{"kind":"powerlaw","a":1.5,"d":30},"teacher":{"kind":"gaussian","seed":9},"init":{"kind":"sphere","seed":10},"dynamics":{"kind":"gf"},"method":{"\udc00": 1},"horizon":1}""",
            "method has a key that is not valid text");
    }

    [Fact]
    public void AConvergedExactHierarchyReportsAPossibleMseOverALongHorizon()
    {
        // 292k Rodas4 steps to t = 2^31: s^(0) + s*^(0) − 2|u^(0)| drifted to −2.4e-5 (MSE −4e-6) within the integration
        // error, on the boundary MSE = 0 where the run has converged.
        using var dir = new TempDir();
        string problem = dir.Write("p.json",
            """{"spectrum":{"kind":"spiked","d":6,"signal":1,"spike":2,"bulk":0.5},"teacher":{"kind":"gaussian","seed":7},"init":{"kind":"sphere","seed":8,"radius":0.3},"dynamics":{"kind":"gf"},"method":{"kind":"hierarchy","order":3,"closure":"exact","recordMoments":true},"horizon":2147483647}""");
        string outDir = Path.Combine(dir.Path, "out");
        var run = CliRun.Of("run", problem, "--out", outDir);
        Assert.True(run.ExitCode == 0, run.Error);
        ProblemFileFuzzTests.AssertPhysical(outDir);
    }

    [Fact]
    public void AManifoldStartWhoseLossOverflowsIsRefusedByName()
    {
        using var dir = new TempDir();
        var run = CliRun.Of("manifold", "--method", "specgf", "--d", "100", "--eta", "0.05", "--steps", "1", "--init", "1e300", "--out", dir.Path);
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Error}");
        Assert.StartsWith("error: --init must give a finite initial loss", run.Error);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }
}
