namespace PhaseFlow.Experiments.Tests;

/// <summary>Issue 13, defect 4: an output set is one commit (staging folder, commit marker, renames, recovery).</summary>
public class AtomicFileTests
{
    private static OutputFile[] Set(string version) =>
    [
        OutputFile.Text("trajectory.csv", w => w.Write($"trajectory {version}")),
        OutputFile.Text("summary.json", w => w.Write($"summary {version}")),
    ];

    private static string Read(TempDir dir, string name) => File.ReadAllText(Path.Combine(dir.Path, name));

    private static void AssertNoLeftovers(TempDir dir)
    {
        Assert.Empty(Directory.GetDirectories(dir.Path, ".phaseflow-commit-*"));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(dir.Path, ".phaseflow.lock")));
    }

    [Fact]
    public void TargetThatIsAFolderFailsBeforeAnyFileIsReplaced()
    {
        using var dir = new TempDir();
        dir.Write("trajectory.csv", "trajectory old");
        Directory.CreateDirectory(Path.Combine(dir.Path, "summary.json"));
        var e = Assert.Throws<IOException>(() => AtomicFile.WriteAll(dir.Path, Set("new")));
        Assert.Contains("summary.json is a folder", e.Message);
        Assert.Equal("trajectory old", Read(dir, "trajectory.csv"));
        AssertNoLeftovers(dir);
    }

    [Fact]
    public void StaleTemporariesOfKilledRunsAreRemovedAndForeignFilesKept()
    {
        using var dir = new TempDir();
        dir.Write(".trajectory.csv.0123456789abcdef0123456789abcdef.tmp", "partial, old protocol");
        dir.Write("notes.txt", "mine");
        dir.Write(".notes.txt.0123456789abcdef0123456789abcdef.tmp", "not a temporary of ours");
        string uncommitted = Path.Combine(dir.Path, ".phaseflow-commit-0123456789abcdef0123456789abcdef");
        Directory.CreateDirectory(uncommitted);
        File.WriteAllText(Path.Combine(uncommitted, "trajectory.csv"), "partial");
        AtomicFile.WriteAll(dir.Path, Set("new"));
        Assert.Equal("trajectory new", Read(dir, "trajectory.csv"));
        Assert.Equal("summary new", Read(dir, "summary.json"));
        Assert.Equal("mine", Read(dir, "notes.txt"));
        Assert.True(File.Exists(Path.Combine(dir.Path, ".notes.txt.0123456789abcdef0123456789abcdef.tmp")));
        Assert.False(Directory.Exists(uncommitted));
        Assert.False(File.Exists(Path.Combine(dir.Path, ".trajectory.csv.0123456789abcdef0123456789abcdef.tmp")));
    }

    [Fact]
    public void KillBeforeTheCommitPointLeavesTheOldSetAndTheNextWriteCleansUp()
    {
        using var dir = new TempDir();
        AtomicFile.WriteAll(dir.Path, Set("old"));
        AtomicFile.WriteAll(dir.Path, Set("new"), step => step != "staged");
        Assert.Equal("trajectory old", Read(dir, "trajectory.csv"));
        Assert.Equal("summary old", Read(dir, "summary.json"));
        AtomicFile.Recover(dir.Path);
        Assert.Equal("trajectory old", Read(dir, "trajectory.csv"));
        AssertNoLeftovers(dir);
    }

    [Fact]
    public void KillBetweenTheRenamesIsCompletedByRecovery()
    {
        using var dir = new TempDir();
        AtomicFile.WriteAll(dir.Path, Set("old"));
        AtomicFile.WriteAll(dir.Path, Set("new"), step => step != "moved trajectory.csv");
        Assert.Equal("trajectory new", Read(dir, "trajectory.csv"));
        Assert.Equal("summary old", Read(dir, "summary.json"));
        Assert.Single(Directory.GetDirectories(dir.Path, ".phaseflow-commit-*"));
        AtomicFile.Recover(dir.Path);
        Assert.Equal("summary new", Read(dir, "summary.json"));
        AssertNoLeftovers(dir);
    }

    [Fact]
    public void KillAfterTheCommitPointIsCompletedByTheNextWriteBeforeItsOwnSet()
    {
        using var dir = new TempDir();
        AtomicFile.WriteAll(dir.Path, Set("old"));
        AtomicFile.WriteAll(dir.Path, Set("new"), step => step != "committed");
        Assert.Equal("trajectory old", Read(dir, "trajectory.csv"));
        AtomicFile.WriteAll(dir.Path, [OutputFile.Text("other.md", w => w.Write("x"))]);
        Assert.Equal("trajectory new", Read(dir, "trajectory.csv"));
        Assert.Equal("summary new", Read(dir, "summary.json"));
        AssertNoLeftovers(dir);
    }

    [Fact]
    public void SubFoldersAreCommittedWithTheSet()
    {
        using var dir = new TempDir();
        AtomicFile.WriteAll(dir.Path, [OutputFile.Text("fig1/data.csv", w => w.Write("a")), OutputFile.Text("report.md", w => w.Write("b"))]);
        Assert.Equal("a", Read(dir, "fig1/data.csv"));
        Assert.Equal("b", Read(dir, "report.md"));
        AssertNoLeftovers(dir);
    }
}
