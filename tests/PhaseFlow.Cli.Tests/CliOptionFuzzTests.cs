using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace PhaseFlow.Cli.Tests;

/// <summary>A random command line: a command and, per option, either nothing or one token from that option's pool.</summary>
public sealed record CommandLine(string[] Args)
{
    public override string ToString() => string.Join(" ", Args.Select(a => $"'{a.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\u001b", "\\e", StringComparison.Ordinal)}'"));
}

public sealed class CommandLineArbitrary
{
    // Tokens every numeric option is tried with: non-finite and overflowing spellings, group separators, controls.
    private static readonly string[] Hostile = ["NaN", "Infinity", "-Infinity", "1e999", "0,5", "1,000", "", " ", "x", "\u001b[31m", "1\n2", "\ud800", "-0", "1e-320"];

    // Each option's plausible values; sizes stay small so that every accepted case runs in well under a second.
    private static readonly (string Command, (string Option, string[] Values)[] Options)[] Commands =
    [
        ("escape",
        [
            ("--a", ["2", "0.5", "1.5", "0.01", "64", "64.5", "0.009", "1e-20", "1e308", "-1", "0"]),
            ("--d", ["100", "1e9", "1e18", "1e19", "inf", "lots", "0", "1", "2.5", "1,000"]),
            ("--overlap", ["0.01", "0.9", "2", "0", "-1", "1e-300"]),
            ("--nodes", ["4", "3", "16", "256", "65537", "2147483647", "-5"]),
            ("--level", ["0.5", "0.1", "0", "1", "1e-300", "0.999999"]),
        ]),
        ("manifold",
        [
            ("--method", ["gd", "specgd", "gf", "specgf", "GD", "sgd", "g\u001bd"]),
            ("--d", ["3", "10", "100", "2", "-1", "1000000000000000000"]),
            ("--eta", ["0.05", "0.002", "1e-3", "0", "-1", "10"]),
            ("--steps", ["1", "20", "60", "0", "-1", "1099511627777"]),
            ("--kappa", ["10", "0", "-1", "-0.5", "1e300"]),
            ("--every", ["1", "7", "0", "100"]),
            ("--init", ["1e-3", "0", "-1", "1e300"]),
            ("--alpha", ["1", "0", "-2"]),
            ("--seed", ["1", "0", "-1", "2147483647", "2147483648"]),
        ]),
        ("hierarchy",
        [
            ("--order", ["1", "3", "8", "0", "201", "-1"]),
            ("--closure", ["zero", "geometric", "exact", "closure\nx"]),
            ("--ratio", ["0.5", "-1", "0"]),
            ("--print", ["text", "latex", "html"]),
        ]),
    ];

    public static Arbitrary<CommandLine> CommandLine() =>
        (from c in Gen.Choose(0, Commands.Length - 1)
         from picks in Gen.Choose(0, 1000).ArrayOf(Commands[c].Options.Length)
         from hostile in Gen.Frequency((4, Gen.Constant(-1)), (1, Gen.Choose(0, Commands[c].Options.Length - 1)))
         from token in Gen.Choose(0, Hostile.Length - 1)
         select Build(c, picks, hostile, token)).ToArbitrary();

    private static CommandLine Build(int c, int[] picks, int hostile, int token)
    {
        var (command, options) = Commands[c];
        var args = new List<string> { command };
        for (int i = 0; i < options.Length; i++)
        {
            var (option, values) = options[i];
            if (i == hostile) { args.Add(option); args.Add(Hostile[token]); continue; }
            int pick = picks[i] % (values.Length + 2); // the last two: leave the option out
            if (pick < values.Length) { args.Add(option); args.Add(values[pick]); }
        }
        return new CommandLine([.. args]);
    }
}

/// <summary>The command line never produces an internal error, a hang or a stack trace: every case exits 0 with finite,
/// possible output, or 2 with one line naming an option, or 3 (a reduction left its domain).</summary>
public class CliOptionFuzzTests
{
    [Property(MaxTest = 120, Arbitrary = [typeof(CommandLineArbitrary)])]
    public void EveryCommandLineRunsOrIsRefusedInOneLine(CommandLine line)
    {
        using var dir = new TempDir();
        string[] args = line.Args[0] == "manifold" ? [.. line.Args, "--out", Path.Combine(dir.Path, "out")] : line.Args;
        var work = Task.Run(() => CliRun.Of(args));
        Assert.True(work.Wait(TimeSpan.FromSeconds(30)), "no answer within 30 s");
        var run = work.Result;
        Assert.True(run.ExitCode is 0 or 2 or 3, $"exit {run.ExitCode}: {run.Error}");
        if (run.ExitCode == 2)
        {
            ProblemFileFuzzTests.AssertOneLine(run.Error);
            // An input error names the option; a run that could not finish says where it stopped instead.
            Assert.True(new[] { "--", "needs", "diverged", "stopped at" }.Any(w => run.Error.Contains(w, StringComparison.Ordinal)), run.Error);
        }
        if (run.ExitCode == 0) AssertPossible(line.Args[0], run.Output, Path.Combine(dir.Path, "out"));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path, ".*", SearchOption.AllDirectories));
    }

    private static void AssertPossible(string command, string output, string outDir)
    {
        if (command == "escape")
        {
            Assert.Contains("escape rate ρ = ", output);
            foreach (string l in output.Split('\n').Where(l => l.StartsWith("time to", StringComparison.Ordinal) && !l.Contains("not resolved", StringComparison.Ordinal)))
            {
                double t = double.Parse(l[(l.LastIndexOf(": ", StringComparison.Ordinal) + 2)..], CultureInfo.InvariantCulture);
                Assert.True(double.IsFinite(t) && t >= 0, l);
            }
        }
        else if (command == "manifold")
        {
            var lines = File.ReadAllLines(Path.Combine(outDir, "trajectory.csv"));
            int loss = Array.IndexOf(lines[0].Split(','), "loss");
            foreach (string l in lines.Skip(1))
            {
                double value = double.Parse(l.Split(',')[loss], CultureInfo.InvariantCulture);
                Assert.True(double.IsFinite(value) && value >= 0, l);
            }
        }
    }
}
