using PhaseFlow.Core;
using PhaseFlow.Duhamel;
using PhaseFlow.Foundation;

namespace PhaseFlow.Cli.Problems;

/// <summary>The <c>"method": {"kind": "volterra", "nodes": 64}</c> of a problem file: the closed spectral-node reduction of
/// gradient flow, exact (one node per distinct eigenvalue) when <c>nodes</c> is omitted, compressed otherwise.</summary>
public sealed class VolterraMethod
{
    private VolterraMethod(int? nodes, SpectralNodeOptions options)
    {
        Nodes = nodes;
        Options = options;
    }

    /// <summary>Node budget; null for exact grouping.</summary>
    public int? Nodes { get; }

    /// <summary>Integration options (the output schedule is the problem's).</summary>
    public SpectralNodeOptions Options { get; }

    /// <summary>Builds the method; <paramref name="field"/> names each option in errors.</summary>
    /// <exception cref="InputException">An invalid node count or margin.</exception>
    public static VolterraMethod Create(Func<string, string> field, int? nodes, bool estimateError, double? transitionMargin,
        (double Rtol, double Atol)? tolerance)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (nodes is < 4) throw new InputException($"{field("nodes")} must be an integer >= 4, got {nodes}");
        var options = new SpectralNodeOptions { EstimateNodeError = estimateError };
        if (transitionMargin is { } margin) options = options with { TransitionMargin = margin };
        if (tolerance is { } t) options = options with { RelativeTolerance = t.Rtol, AbsoluteTolerance = t.Atol };
        return new VolterraMethod(nodes, options);
    }

    /// <summary>The nodes of the problem (exact or compressed).</summary>
    public SpectralNodes NodesOf(PhaseRetrievalProblem problem) =>
        Nodes is { } m ? SpectralNodes.Compressed(problem, m) : SpectralNodes.Exact(problem);

    /// <summary>Integrates the reduction to the problem's horizon.</summary>
    /// <exception cref="InputException">Invalid options (named as in the file).</exception>
    public SpectralNodeResult Solve(PhaseRetrievalProblem problem, OutputSchedule output, IProgress<SimulationProgress>? progress,
        CancellationToken cancellationToken)
    {
        try
        {
            return SpectralNodeReduction.Solve(NodesOf(problem), problem.Horizon, Options with { Output = output }, progress, cancellationToken);
        }
        catch (InvalidParameterException e)
        {
            throw HierarchyMethod.Rename(e, name => "method." + name);
        }
    }
}
