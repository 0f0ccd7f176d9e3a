namespace PhaseFlow.Cli.Tests;

/// <summary>The CLI checks its output targets before any work (the commit protocol itself: PhaseFlow.Experiments.Tests).</summary>
public class AtomicFileCliTests
{
    [Fact]
    public void RunRefusesAFolderWhereAnOutputFileGoesBeforeSolving()
    {
        using var dir = new TempDir();
        string outDir = Path.Combine(dir.Path, "out");
        Directory.CreateDirectory(Path.Combine(outDir, "summary.json"));
        File.WriteAllText(Path.Combine(outDir, "trajectory.csv"), "old");
        var run = CliRun.Of("run", dir.Write("p.json", ProblemFileTests.Valid), "--out", outDir);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("holds a folder named \"summary.json\"", run.Error);
        Assert.Equal("old", File.ReadAllText(Path.Combine(outDir, "trajectory.csv")));
    }
}
