using System.Diagnostics;
using System.Globalization;
using PhaseFlow.Core;
using PhaseFlow.Foundation;

namespace PhaseFlow.Duhamel;

/// <summary>How <see cref="SpectralNodeRefinement"/> chooses the node count. Immutable.</summary>
/// <remarks>The levels keep <see cref="ExactTop"/> exact top nodes and double the log-spaced part:
/// M_k = ExactTop + InitialLogNodes·2^k (defaults 28, 40, 64, 112, 208, 400, 784, 1552, 3088), so level k is the
/// coarser compression of level k + 1 (<see cref="SpectralNodes.Coarsen"/>) and the 64-node level is today's fixed
/// 64 nodes.</remarks>
public sealed record NodeRefinementOptions
{
    /// <summary>The compression error allowed in s and u, relative to max(s*, s(0)), and in the MSE, relative to
    /// max(‖w*‖², ‖w(0)‖²)/d; in (0, 0.1). Null (the default): √rtol of the integrator (see
    /// <see cref="ToleranceFor"/>).</summary>
    public double? Tolerance { get; init; }

    /// <summary>Top distinct eigenvalues kept as their own nodes at every level, ≥ 1. Default 16.</summary>
    public int ExactTop { get; init; } = 16;

    /// <summary>Log-spaced nodes of the first level, ≥ 2. Default 12.</summary>
    public int InitialLogNodes { get; init; } = 12;

    /// <summary>The largest node count tried, at least the third level's (ExactTop + 4·InitialLogNodes) and at most 10^6.
    /// Default 4096.</summary>
    public int MaxNodes { get; init; } = 4096;

    /// <summary>Whether the MSE's estimate must meet the tolerance too (finite d only; the MSE weighs every mode alike, so
    /// the many small eigenvalues the log-spaced nodes stand for count more than in s and u). Default true.</summary>
    public bool IncludeMse { get; init; } = true;

    /// <summary>The tolerance used with integrator options <paramref name="options"/>: <see cref="Tolerance"/>, or
    /// √<see cref="SpectralNodeOptions.RelativeTolerance"/> when it is null. Why √rtol: the compression error falls like
    /// M^-2 and the cost grows like M, so matching rtol itself (1e-10 by default) would take ~10^5 nodes; and the estimate
    /// is the difference of two solves, each carrying the integrator's error (≈ 10·rtol measured), which must stay well
    /// below the tolerance for the estimate to measure the compression. √rtol is 1e-5 at the default rtol 1e-10 and 1e-3
    /// at a problem file's rtol 1e-6.</summary>
    public double ToleranceFor(SpectralNodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Tolerance ?? Math.Sqrt(options.RelativeTolerance);
    }

    /// <summary>Node count of level <paramref name="k"/> (0-based), before the source's own limits.</summary>
    public long LevelNodes(int k) => ExactTop + ((long)InitialLogNodes << k);

    /// <summary>Checks every option.</summary>
    /// <exception cref="InvalidParameterException">An option out of its range, named as nodeTolerance, exactTop,
    /// initialLogNodes or maxNodes.</exception>
    public void Validate()
    {
        if (Tolerance is { } t) Guard.Between(t, 0, 0.1, "nodeTolerance", "(0, 0.1)");
        Guard.InRange(ExactTop, 1, 1_000_000, "exactTop");
        Guard.InRange(InitialLogNodes, 2, 1_000_000, "initialLogNodes");
        long third = LevelNodes(2);
        if (MaxNodes < third || MaxNodes > 1_000_000)
            throw new InvalidParameterException("maxNodes", $"an integer in [{third.ToString(CultureInfo.InvariantCulture)}, 1000000] (at least the third level, exactTop + 4·initialLogNodes: two differences)",
                MaxNodes.ToString(CultureInfo.InvariantCulture));
    }
}

/// <summary>Why <see cref="SpectralNodeRefinement"/> stopped.</summary>
public enum NodeRefinementStop
{
    /// <summary>The error estimate met the tolerance.</summary>
    ToleranceMet,

    /// <summary>The level's nodes were exact (no more distinct eigenvalues than nodes): no compression error.</summary>
    ExactNodes,

    /// <summary>The next level would exceed <see cref="NodeRefinementOptions.MaxNodes"/>; the tolerance was not met.</summary>
    NodeCapReached,

    /// <summary>A level's node state stopped representing real weights (<see cref="ReductionResult.InvalidFrom"/>); it is
    /// returned as the result.</summary>
    InvalidState,
}

/// <summary>One level of a refinement: its solve and, from the second level on, its difference from the previous level
/// and the error estimate made from it.</summary>
/// <param name="Nodes">Node count M of the level.</param>
/// <param name="IsExact">True when the level's nodes are exact (then no coarser level is compared with).</param>
/// <param name="Steps">Accepted steps of the level's solve.</param>
/// <param name="WallTime">Wall time of the level's solve.</param>
/// <param name="Difference">max over the samples of |Δs|, |Δu|, |ΔMSE| against the previous level (whose node count is
/// <see cref="NodeErrorEstimate.CoarseNodes"/>); null on the first level.</param>
/// <param name="Estimate">The level's error estimate (see <see cref="SpectralNodeRefinement"/>); null on the first level and
/// for exact nodes.</param>
public sealed record NodeRefinementLevel(int Nodes, bool IsExact, long Steps, TimeSpan WallTime, NodeErrorEstimate? Difference, NodeErrorEstimate? Estimate);

/// <summary>The outcome of <see cref="SpectralNodeRefinement.SolveToTolerance(PhaseRetrievalProblem, NodeRefinementOptions?, SpectralNodeOptions?, IProgress{SimulationProgress}?, CancellationToken)"/>.</summary>
public sealed class NodeRefinementResult
{
    internal NodeRefinementResult(NodeRefinementOptions options, SpectralNodeResult result, IReadOnlyList<NodeRefinementLevel> levels,
        double tolerance, double stateScale, double mseScale, NodeRefinementStop stop, TimeSpan wallTime)
    {
        Options = options;
        Result = result;
        Levels = levels;
        Tolerance = tolerance;
        StateScale = stateScale;
        MseScale = mseScale;
        Stop = stop;
        WallTime = wallTime;
    }

    /// <summary>The refinement options used.</summary>
    public NodeRefinementOptions Options { get; }

    /// <summary>The solve of the last level (the most nodes); its <see cref="SpectralNodeResult.NodeErrorEstimate"/> is that
    /// level's estimate (null for exact nodes).</summary>
    public SpectralNodeResult Result { get; }

    /// <summary>Every level solved, coarsest first.</summary>
    public IReadOnlyList<NodeRefinementLevel> Levels { get; }

    /// <summary>The relative tolerance applied (see <see cref="NodeRefinementOptions.Tolerance"/>).</summary>
    public double Tolerance { get; }

    /// <summary>max(s*, s(0)): the errors of s and u are compared with Tolerance × this.</summary>
    public double StateScale { get; }

    /// <summary>max(‖w*‖², ‖w(0)‖²)/d: the MSE's error is compared with Tolerance × this (NaN for d = ∞, where the MSE is
    /// not defined, and when the MSE is not controlled).</summary>
    public double MseScale { get; }

    /// <summary>Why the refinement stopped.</summary>
    public NodeRefinementStop Stop { get; }

    /// <summary>True when the result's compression error is estimated within the tolerance (or the nodes are exact).</summary>
    public bool ToleranceMet => Stop is NodeRefinementStop.ToleranceMet or NodeRefinementStop.ExactNodes;

    /// <summary>Node count of <see cref="Result"/>.</summary>
    public int Nodes => Result.Nodes.Count;

    /// <summary>Wall time of all levels.</summary>
    public TimeSpan WallTime { get; }
}

/// <summary>The spectral-node reduction with the node count chosen from a tolerance ("nodes": "auto"): solve on compressions
/// whose log-spaced part doubles from level to level until the compression-error estimate meets the tolerance, each level's
/// solve serving as the coarse solve of the next level's estimate (one solve per level).</summary>
/// <remarks>The estimate of level k for each of s, u and the MSE is D_k/(2^p − 1), where D_k is the max over the samples of
/// the difference from level k − 1 and p the observed order log₂(D_{k−1}/D_k), clamped to [1, 2]: second order (D/3, the
/// estimate of <see cref="SpectralNodeReduction"/>) when the differences fall by 4 or more per doubling, up to D itself when
/// they fall by 2 or less (not yet asymptotic). A level is accepted only with two differences behind it (the third level,
/// 64 nodes by default, at the earliest). Works for any model the nodes carry (<see cref="SpectralNodes.Loss"/>).</remarks>
public static class SpectralNodeRefinement
{
    /// <summary>Refines the compression of <paramref name="problem"/>'s modes (<see cref="SpectralNodes.Compressed"/>) to its
    /// horizon.</summary>
    /// <exception cref="InvalidParameterException">Invalid refinement or integration options.</exception>
    /// <exception cref="SimulationFailedException">A level's integration could not finish.</exception>
    public static NodeRefinementResult SolveToTolerance(PhaseRetrievalProblem problem, NodeRefinementOptions? refinement = null,
        SpectralNodeOptions? options = null, IProgress<SimulationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return SolveToTolerance((m, top) => SpectralNodes.Compressed(problem, m, top), problem.Horizon, refinement, options, progress, cancellationToken);
    }

    /// <summary>Refines any compression family: <paramref name="compress"/>(M, exactTop) gives the source compressed to M
    /// nodes, exactTop of them exact (e.g. <c>(m, top) =&gt; SpectralNodes.PowerLaw(2, 1e9, m, horizon, 1e-4, exactTop: top)</c>).
    /// It is called with the levels of <paramref name="refinement"/>.</summary>
    /// <exception cref="InvalidParameterException">Invalid refinement or integration options.</exception>
    /// <exception cref="SimulationFailedException">A level's integration could not finish.</exception>
    public static NodeRefinementResult SolveToTolerance(Func<int, int, SpectralNodes> compress, double horizon, NodeRefinementOptions? refinement = null,
        SpectralNodeOptions? options = null, IProgress<SimulationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(compress);
        refinement ??= new NodeRefinementOptions();
        options ??= new SpectralNodeOptions();
        refinement.Validate();
        Guard.Positive(horizon, "horizon");
        double tolerance = refinement.ToleranceFor(options);
        // The level's own estimate is replaced by the refinement's, which reuses the previous level.
        var single = options with { EstimateNodeError = false };
        long started = Stopwatch.GetTimestamp();
        var levels = new List<NodeRefinementLevel>();
        SpectralNodeResult? previous = null;
        NodeErrorEstimate? previousDifference = null;
        double stateScale = double.NaN, mseScale = double.NaN;
        for (int k = 0; ; k++)
        {
            var nodes = compress(checked((int)refinement.LevelNodes(k)), refinement.ExactTop);
            if (k == 0)
            {
                stateScale = Math.Max(nodes.SStar, nodes.InitialS);
                double initialNorm = 0;
                foreach (double a in nodes.A) initialNorm += a;
                mseScale = refinement.IncludeMse && double.IsFinite(nodes.Dimension) ? Math.Max(nodes.TeacherNormSquared, initialNorm) / nodes.Dimension : double.NaN;
            }
            var result = SpectralNodeReduction.Solve(nodes, horizon, single, progress, cancellationToken);
            NodeErrorEstimate? difference = null, estimate = null;
            if (previous is not null && result.IsValid && !nodes.IsExact)
            {
                var (ds, du, dm) = result.Trajectory.MaxDeviation(previous.Trajectory);
                difference = new NodeErrorEstimate(ds, du, double.IsFinite(nodes.Dimension) ? dm : double.NaN, previous.Nodes.Count);
                estimate = new NodeErrorEstimate(Estimate(ds, previousDifference?.S), Estimate(du, previousDifference?.U),
                    Estimate(difference.Mse, previousDifference?.Mse), previous.Nodes.Count);
                result.NodeErrorEstimate = estimate;
            }
            levels.Add(new NodeRefinementLevel(nodes.Count, nodes.IsExact, result.Statistics.Steps, result.WallTime, difference, estimate));
            NodeRefinementStop? stop = null;
            if (!result.IsValid) stop = NodeRefinementStop.InvalidState;
            else if (nodes.IsExact) stop = NodeRefinementStop.ExactNodes;
            else if (previousDifference is not null && Meets(estimate!, tolerance, stateScale, mseScale)) stop = NodeRefinementStop.ToleranceMet;
            else if (refinement.LevelNodes(k + 1) > refinement.MaxNodes) stop = NodeRefinementStop.NodeCapReached;
            if (stop is { } why)
                return new NodeRefinementResult(refinement, result, levels, tolerance, stateScale, mseScale, why, Stopwatch.GetElapsedTime(started));
            previous = result;
            previousDifference = difference;
        }
    }

    /// <summary>D/(2^p − 1) with p = log₂(previous/D) clamped to [1, 2]; D/3 without a previous difference (NaN stays NaN).</summary>
    private static double Estimate(double difference, double? previous)
    {
        if (previous is not { } before || double.IsNaN(difference)) return difference / 3;
        // The ratio of the differences is 2^p: clamped to [2, 4], the divisor 2^p − 1 to [1, 3].
        double ratio = difference > 0 ? before / difference : 4;
        return difference / (Math.Clamp(double.IsNaN(ratio) ? 2 : ratio, 2, 4) - 1);
    }

    private static bool Meets(NodeErrorEstimate e, double tolerance, double stateScale, double mseScale) =>
        e.S <= tolerance * stateScale && e.U <= tolerance * stateScale && (double.IsNaN(mseScale) || e.Mse <= tolerance * mseScale);
}
