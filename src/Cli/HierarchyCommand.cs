using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PhaseFlow.Cli.Problems;
using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Experiments;
using PhaseFlow.Hierarchy;

namespace PhaseFlow.Cli;

/// <summary><c>phaseflow hierarchy</c>: prints a truncated, closed hierarchy, and with a problem file integrates it beside the
/// direct gradient flow.</summary>
public static class HierarchyCommand
{
    /// <summary>The truncated system as text or LaTeX; symbolic constants s_*^(k) and closure coefficients.</summary>
    /// <exception cref="InputException">Unknown closure or print format, or an invalid order or ratio.</exception>
    /// <param name="order">K.</param>
    /// <param name="closureName">zero, geometric or exact.</param>
    /// <param name="ratio">The geometric closure's ratio, or null for the symbol r.</param>
    /// <param name="format">text or latex.</param>
    /// <param name="loss">The model whose hierarchy is derived (null: phase retrieval's hand-written law).</param>
    public static string Print(int order, string closureName, double? ratio, string format, SingleIndexLoss? loss = null)
    {
        if (format is not ("text" or "latex")) throw new InputException($"--print must be \"text\" or \"latex\", got {UserText.Quote(format)}");
        var closure = HierarchyMethod.ParseClosure(closureName, ratio, Option);
        if (loss is { Expression: null })
            throw new InputException($"--student and --teacher must have a closed form or be polynomials for the hierarchy to be derived; {loss.Method} gives no expression (f = {loss.Student}, g = {loss.Teacher})");
        try
        {
            var system = HierarchySystem.Create(order, closure, null, loss);
            return format == "latex" ? system.ToLatex() : system.ToText();
        }
        catch (InvalidParameterException e)
        {
            throw HierarchyMethod.Rename(e, Option);
        }
    }

    /// <summary>Options are named as typed: order → --order.</summary>
    private static string Option(string name) => "--" + name;

    /// <summary>What <see cref="Compare"/> measured.</summary>
    /// <param name="Direct">The direct gradient-flow run.</param>
    /// <param name="Reduced">The hierarchy run.</param>
    /// <param name="Method">The hierarchy as built.</param>
    /// <param name="MaxDeviationS">max |Δs| over the samples.</param>
    /// <param name="MaxDeviationU">max |Δu| over the samples.</param>
    /// <param name="MaxDeviationMse">max |ΔMSE| over the samples.</param>
    public sealed record Comparison(SimulationResult Direct, HierarchyResult Reduced, HierarchyMethod Method,
        double MaxDeviationS, double MaxDeviationU, double MaxDeviationMse);

    /// <summary>Runs the problem's gradient flow directly and through the hierarchy on the same output times; writes
    /// DIR/direct.csv, DIR/hierarchy.csv and DIR/comparison.json atomically.</summary>
    /// <exception cref="InputException">The file is invalid or its dynamics are not gradient flow.</exception>
    /// <exception cref="InvalidReductionException">The hierarchy left its domain of validity; thrown after the files (compared
    /// up to that time, comparison.json naming it) were written.</exception>
    public static Comparison Compare(string problemPath, string outDirectory, int order, string closureName, double? ratio, string integrator,
        CancellationToken cancellationToken)
    {
        var problem = ProblemFile.Load(problemPath, "hierarchy");
        if (problem.DynamicsKind != "gf")
            throw new InputException($"{UserText.Name(Path.GetFileName(problemPath))}: the hierarchy reduces gradient flow: dynamics.kind must be \"gf\", got \"{problem.DynamicsKind}\"");
        var gf = (PopulationGradientFlow)problem.Simulator;
        // Both CSVs carry s^(k), u^(k) for k = 2..K (direct runs record up to k = 64).
        bool moments = order is >= 2 and <= 64;
        var method = HierarchyMethod.Create(Option, order, closureName, ratio, integrator, moments, problem.Model,
            (gf.RelativeTolerance, gf.AbsoluteTolerance));
        var reduced = method.Solve(problem.Problem, problem.Output, null, cancellationToken);
        var columns = moments ? problem.Model.MomentColumns(order) : [];
        var direct = gf.Solve(problem.Problem, new SimulationOptions { Output = problem.Output, ExtraColumns = columns }, null, cancellationToken);
        // An invalid hierarchy stops early: compare the samples it has.
        var directPart = reduced.IsValid ? direct.Trajectory
            : new Trajectory(direct.Trajectory.Samples.Take(reduced.Trajectory.Samples.Count).ToArray(), direct.Trajectory.ExtraColumns, direct.Trajectory.Unit, direct.Trajectory.StepSize);
        var (ds, du, dm) = directPart.MaxDeviation(reduced.Trajectory);
        var comparison = new JsonObject
        {
            ["problem"] = Path.GetFileName(problemPath),
            ["spectrum"] = problem.Spectrum.Description,
            ["d"] = problem.Model.Dimension,
            ["horizon"] = problem.Problem.Horizon,
            ["hierarchy"] = RunCommand.HierarchyDetails(method, reduced),
            ["direct"] = new JsonObject
            {
                ["method"] = direct.Statistics.Method,
                ["rtol"] = gf.RelativeTolerance,
                ["atol"] = gf.AbsoluteTolerance,
                ["steps"] = direct.Statistics.Steps,
                ["wallTimeSeconds"] = Math.Round(direct.WallTime.TotalSeconds, 6),
            },
            ["samples"] = direct.Trajectory.Samples.Count,
            ["maxDeviation"] = new JsonObject { ["s"] = ds, ["u"] = du, ["mse"] = dm },
            ["escapeTime"] = new JsonObject { ["direct"] = direct.Markers.EscapeTime, ["hierarchy"] = reduced.Markers.EscapeTime },
            ["hierarchyWallTimeSeconds"] = Math.Round(reduced.WallTime.TotalSeconds, 6),
            ["invalidFrom"] = RunCommand.Violation(reduced.InvalidFrom),
        };
        AtomicFile.WriteAll(outDirectory,
        [
            ("direct.csv", direct.Trajectory.WriteCsv),
            ("hierarchy.csv", reduced.Trajectory.WriteCsv),
            ("comparison.json", w => w.Write(comparison.ToJsonString(JsonFiles.Options) + "\n")),
        ]);
        if (reduced.InvalidFrom is { } invalid) throw new InvalidReductionException(reduced.Statistics.Method, invalid, reduced.Trajectory);
        return new Comparison(direct, reduced, method, ds, du, dm);
    }

    /// <summary>One line for the terminal.</summary>
    public static string Describe(Comparison c, string outDirectory) => string.Create(CultureInfo.InvariantCulture,
        $"hierarchy K = {c.Method.System.Order} ({c.Method.System.Closure.Name} closure) vs direct GF over {c.Direct.Trajectory.Samples.Count} samples: " +
        $"max |Δs| = {c.MaxDeviationS:E2}, max |Δu| = {c.MaxDeviationU:E2}, max |ΔMSE| = {c.MaxDeviationMse:E2}; " +
        $"wrote {Path.Combine(outDirectory, "direct.csv")}, {Path.Combine(outDirectory, "hierarchy.csv")} and {Path.Combine(outDirectory, "comparison.json")}");
}
