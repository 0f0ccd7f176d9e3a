using System.Reflection;
using System.Runtime.ExceptionServices;
using PhaseFlow.Tests.Shared;

namespace PhaseFlow.Examples.Tests;

/// <summary>Console is process-wide: the examples run one at a time, never beside another collection.</summary>
[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>Every program under examples/ runs here, in-process, so that none of them rots: each must exit with 0 (the
/// three that check a claim return 1 and say why on stderr when it fails) and print its key lines.</summary>
[Collection(nameof(ConsoleCollection))]
public class ExampleTests
{
    private static readonly string[] Examples = ["QuickStart", "DirectVsHierarchy", "EscapeRate", "GdVsSpecGd"];

    private sealed record ExampleRun(int ExitCode, string Output, string Error);

    private static ExampleRun Run(string example)
    {
        var entry = Assembly.Load(example).EntryPoint ?? throw new InvalidOperationException($"{example} has no entry point");
        var (output, error) = (new StringWriter(), new StringWriter());
        var (oldOut, oldError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            object? code = entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
            return new ExampleRun(code as int? ?? 0, output.ToString(), error.ToString());
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }

    private static ExampleRun AssertSucceeds(string example)
    {
        var run = Run(example);
        Assert.True(run.ExitCode == 0, $"{example} exited with {run.ExitCode}:\n{run.Error}\n{run.Output}");
        Assert.Equal("", run.Error);
        return run;
    }

    [Fact]
    public void QuickStartPrintsTheEscapeAndTwelveSamples()
    {
        var run = AssertSucceeds("QuickStart");
        Assert.Matches(@"^escape at step \d+, s crosses s\*/3 at step \d+", run.Output);
        Assert.Equal(12, run.Output.Split('\n').Count(line => line.StartsWith("step ", StringComparison.Ordinal)));
    }

    [Fact]
    public void DirectVsHierarchyDeviationFallsWithK()
    {
        var run = AssertSucceeds("DirectVsHierarchy");
        foreach (int k in new[] { 1, 2, 4, 8 }) Assert.Matches($@"(?m)^  {k} +\d\.\d\de-\d\d +\d\.\d\de-\d\d +\d\.\de-\d\d$", run.Output);
        Assert.Contains("the deviation falls with K and reaches the integrators' floor", run.Output);
    }

    [Fact]
    public void EscapeRatePredictsDirectAndBillionDimensionalEscapes()
    {
        var run = AssertSucceeds("EscapeRate");
        Assert.Contains("a = 2, d = 1000: ρ = ", run.Output);
        Assert.Contains("a = 2, d = 1e9, 64 nodes: ρ = ", run.Output);
        Assert.Matches(@"time to \|u\| = 0.02 s\*: predicted .*, direct GF .*≤", run.Output);
        Assert.Matches(@"time to \|u\| = 0.02 s\*: predicted .*, spectral-node reduction .*≤", run.Output);
    }

    [Fact]
    public void GdVsSpecGdShowsTheSpikeRatios()
    {
        var run = AssertSucceeds("GdVsSpecGd");
        Assert.Matches(@"(?m)^GD, step 0.05 +28\.\d{3} \(  13\)", run.Output);
        Assert.Matches(@"(?m)^SpecGD, step 1e-3 +1\.000 ", run.Output);
        Assert.Contains("SpecGD signal a_k identical for κ = 1 and κ = 10: True", run.Output);
        Assert.Contains("full-matrix GD (d = 16, m = 20, 200 steps) vs reduced", run.Output);
    }

    /// <summary>A new example must be added here (and to the solution), or it would not be run.</summary>
    [Fact]
    public void EveryExampleIsRunHereAndIsInTheSolution()
    {
        string root = Architecture.RepositoryRoot();
        var folders = Directory.GetDirectories(Path.Combine(root, "examples"))
            .Where(dir => Directory.GetFiles(dir, "*.csproj").Length > 0).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(Examples.Order().ToArray(), folders);
        string solution = File.ReadAllText(Path.Combine(root, "PhaseFlow.sln"));
        foreach (string example in Examples) Assert.Contains($@"examples\{example}\{example}.csproj", solution);
    }
}
