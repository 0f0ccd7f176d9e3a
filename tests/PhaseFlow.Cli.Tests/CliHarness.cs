
namespace PhaseFlow.Cli.Tests;

/// <summary>Runs the CLI in-process and captures what it prints.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static CliRun Of(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(args, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>`phaseflow run` on <paramref name="problemText"/> must exit with 2, say <paramref name="expected"/> and write
    /// nothing.</summary>
    public static void AssertRunRefused(string problemText, string expected)
    {
        using var dir = new TempDir();
        var run = Of("run", dir.Write("p.json", problemText), "--out", dir.Path);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error);
        Assert.False(File.Exists(System.IO.Path.Combine(dir.Path, "summary.json")));
    }
}
