using System.Text.Json.Nodes;
using PhaseFlow.Core;
using PhaseFlow.Duhamel;
using PhaseFlow.Foundation;

namespace PhaseFlow.Cli.Problems;

/// <summary>The <c>"method": {"kind": "volterra", "nodes": 64}</c> of a problem file: the closed spectral-node reduction of
/// gradient flow, exact (one node per distinct eigenvalue) when <c>nodes</c> is omitted, compressed otherwise, and with the
/// node count chosen from a tolerance for <c>"nodes": "auto"</c> (<see cref="SpectralNodeRefinement"/>).</summary>
public sealed class VolterraMethod
{
    private VolterraMethod(int? nodes, NodeRefinementOptions? refinement, SpectralNodeOptions options)
    {
        Nodes = nodes;
        Refinement = refinement;
        Options = options;
    }

    /// <summary>Node budget; null for exact grouping and for <c>"nodes": "auto"</c>.</summary>
    public int? Nodes { get; }

    /// <summary>The refinement of <c>"nodes": "auto"</c>; null otherwise.</summary>
    public NodeRefinementOptions? Refinement { get; }

    /// <summary>Integration options (the output schedule is the problem's).</summary>
    public SpectralNodeOptions Options { get; }

    /// <summary>Builds the method; <paramref name="field"/> names each option in errors.</summary>
    /// <exception cref="InputException">An invalid node count or margin.</exception>
    public static VolterraMethod Create(Func<string, string> field, int? nodes, bool estimateError, double? transitionMargin,
        (double Rtol, double Atol)? tolerance)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (nodes is < 4) throw new InputException($"{field("nodes")} must be an integer >= 4, got {nodes}");
        return new VolterraMethod(nodes, null, Integration(estimateError, transitionMargin, tolerance));
    }

    /// <summary>Builds the method of <c>"nodes": "auto"</c>: <paramref name="nodeTolerance"/> (null: √rtol of the
    /// integrator, see <see cref="NodeRefinementOptions.ToleranceFor"/>) and <paramref name="maxNodes"/> (null: 4096).</summary>
    /// <exception cref="InputException">A node tolerance or cap out of range, named as in the file.</exception>
    public static VolterraMethod CreateAuto(Func<string, string> field, double? nodeTolerance, int? maxNodes, double? transitionMargin,
        (double Rtol, double Atol)? tolerance)
    {
        ArgumentNullException.ThrowIfNull(field);
        var refinement = new NodeRefinementOptions { Tolerance = nodeTolerance };
        if (maxNodes is { } cap) refinement = refinement with { MaxNodes = cap };
        try
        {
            refinement.Validate();
        }
        catch (InvalidParameterException e)
        {
            throw HierarchyMethod.Rename(e, field);
        }
        return new VolterraMethod(null, refinement, Integration(true, transitionMargin, tolerance));
    }

    private static SpectralNodeOptions Integration(bool estimateError, double? transitionMargin, (double Rtol, double Atol)? tolerance)
    {
        var options = new SpectralNodeOptions { EstimateNodeError = estimateError };
        if (transitionMargin is { } margin) options = options with { TransitionMargin = margin };
        if (tolerance is { } t) options = options with { RelativeTolerance = t.Rtol, AbsoluteTolerance = t.Atol };
        return options;
    }

    /// <summary>The nodes of the problem (exact or compressed; for <c>"nodes": "auto"</c> the first level's).</summary>
    public SpectralNodes NodesOf(PhaseRetrievalProblem problem) =>
        Refinement is { } r ? SpectralNodes.Compressed(problem, (int)r.LevelNodes(0), r.ExactTop)
        : Nodes is { } m ? SpectralNodes.Compressed(problem, m) : SpectralNodes.Exact(problem);

    /// <summary>Integrates the reduction to the problem's horizon (for <c>"nodes": "auto"</c>, the last level's solve).</summary>
    /// <exception cref="InputException">Invalid options (named as in the file).</exception>
    public SpectralNodeResult Solve(PhaseRetrievalProblem problem, OutputSchedule output, IProgress<SimulationProgress>? progress,
        CancellationToken cancellationToken) => Run(problem, output, progress, cancellationToken).Result;

    /// <summary>Integrates the reduction to the problem's horizon, with the refinement's levels for <c>"nodes": "auto"</c>.</summary>
    /// <exception cref="InputException">Invalid options (named as in the file).</exception>
    public VolterraRun Run(PhaseRetrievalProblem problem, OutputSchedule output, IProgress<SimulationProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(problem);
        try
        {
            var options = Options with { Output = output };
            if (Refinement is { } refinement)
            {
                var refined = SpectralNodeRefinement.SolveToTolerance(problem, refinement, options, progress, cancellationToken);
                return new VolterraRun(refined.Result, refined);
            }
            return new VolterraRun(SpectralNodeReduction.Solve(NodesOf(problem), problem.Horizon, options, progress, cancellationToken), null);
        }
        catch (InvalidParameterException e)
        {
            throw HierarchyMethod.Rename(e, name => "method." + name);
        }
    }
}

/// <summary>A spectral-node run of a problem file.</summary>
/// <param name="Result">The solve whose trajectory is written.</param>
/// <param name="Refinement">For <c>"nodes": "auto"</c>: every level, the tolerance and whether it was met; null otherwise.</param>
public sealed record VolterraRun(SpectralNodeResult Result, NodeRefinementResult? Refinement)
{

    /// <summary>summary.json's <c>volterra.autoNodes</c>: the tolerance (relative, and the absolute bounds on s and u and on
    /// the MSE it gives), whether it was met and why the refinement stopped, and each level's node count, steps, difference
    /// from the previous level and estimate. Null for a fixed node count.</summary>
    public JsonObject? Details()
    {
        if (Refinement is not { } r) return null;
        static JsonObject? Errors(NodeErrorEstimate? e) => e is null ? null : new JsonObject
        {
            ["s"] = e.S,
            ["u"] = e.U,
            ["mse"] = double.IsFinite(e.Mse) ? e.Mse : null,
        };
        var levels = new JsonArray();
        foreach (var level in r.Levels)
        {
            levels.Add(new JsonObject
            {
                ["nodes"] = level.Nodes,
                ["exact"] = level.IsExact,
                ["steps"] = level.Steps,
                ["wallTimeSeconds"] = Math.Round(level.WallTime.TotalSeconds, 6),
                ["difference"] = Errors(level.Difference),
                ["estimate"] = Errors(level.Estimate),
            });
        }
        return new JsonObject
        {
            ["tolerance"] = r.Tolerance,
            ["stateTolerance"] = r.Tolerance * r.StateScale,
            ["mseTolerance"] = double.IsFinite(r.MseScale) ? r.Tolerance * r.MseScale : null,
            ["met"] = r.ToleranceMet,
            ["stop"] = r.Stop switch
            {
                NodeRefinementStop.ToleranceMet => "toleranceMet",
                NodeRefinementStop.ExactNodes => "exactNodes",
                NodeRefinementStop.NodeCapReached => "nodeCapReached",
                _ => "invalidState",
            },
            ["nodes"] = r.Nodes,
            ["maxNodes"] = r.Options.MaxNodes,
            ["wallTimeSeconds"] = Math.Round(r.WallTime.TotalSeconds, 6),
            ["levels"] = levels,
        };
    }
}
