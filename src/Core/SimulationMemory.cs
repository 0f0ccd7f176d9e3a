using System.Globalization;
using PhaseFlow.Foundation;

namespace PhaseFlow.Core;

/// <summary>How much memory a direct run needs, estimated before it starts, so that a dimension that cannot fit is refused
/// with the numbers instead of failing with an out-of-memory error midway.</summary>
/// <remarks>The bytes per dimension were measured with <see cref="GC.GetTotalAllocatedBytes(bool)"/> over d = 2^16…2^20
/// (power law, default options): spectrum, teacher, model and w(0) take ≈ 77 B (about ten d-vectors, counting the
/// normal-sampler buffers), and the simulators add Rodas4 + Woodbury ≈ 208 B (stages, Jacobian factors, dense output),
/// Dormand–Prince 5(4) ≈ 120 B, GD 8 B (w), SGD ≈ 48 B (w, the sampler's √λ, λ, w* and x; a mini-batch's samples on top). Checked at d = 2^24–2^27: peak resident 4.1 GiB for GF (estimate 4.5), 2.0 GiB for SGD
/// (2.0), 10.6 GiB for GD at 2^27 (10.7).</remarks>
public static class SimulationMemory
{
    private const long ModelBytesPerDimension = 77;
    private const long FixedBytes = 64L << 20; // runtime, code, samples: a generous constant

    /// <summary>Bytes per dimension of a run of <paramref name="simulator"/>, model and w(0) included; null for a simulator
    /// this class does not know.</summary>
    public static long? BytesPerDimension(IDirectSimulator simulator) => simulator switch
    {
        PopulationGradientFlow { Integrator: GradientFlowIntegrator.Rodas4 } => ModelBytesPerDimension + 208,
        PopulationGradientFlow => ModelBytesPerDimension + 120,
        // w, and the aligned copies of w, λ and Qw* the step runs on (VectorKernels.Aligned).
        PopulationGradientDescent => ModelBytesPerDimension + 32,
        // w and the sampler's aligned √λ, λ, w* and x (+ √λ before it is aligned); a mini-batch keeps its samples, up to
        // 16 MB of them (inside FixedBytes) plus the gradient of a batch taken in chunks.
        OnlineSgd sgd => ModelBytesPerDimension + 48 + (sgd.BatchSize > 1 ? 8 * Math.Min(sgd.BatchSize, 16) : 0),
        _ => null,
    };

    /// <summary>Estimated bytes of a run of <paramref name="simulator"/> in dimension <paramref name="dimension"/>; null when unknown.</summary>
    public static long? Estimate(IDirectSimulator simulator, int dimension)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        return BytesPerDimension(simulator) is { } perDimension ? FixedBytes + perDimension * dimension : null;
    }

    /// <summary>The memory this process may use: <see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/> (physical memory or the
    /// container's limit).</summary>
    public static long AvailableBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Throws when the estimate for <paramref name="dimension"/> exceeds <paramref name="availableBytes"/>
    /// (default <see cref="AvailableBytes"/>).</summary>
    /// <param name="simulator">The simulator that will run.</param>
    /// <param name="dimension">d.</param>
    /// <param name="parameter">The name the error gives d (e.g. <c>d</c>, or <c>spectrum.d</c> in a problem file).</param>
    /// <param name="availableBytes">The memory to compare with.</param>
    /// <exception cref="InvalidParameterException">The run would not fit; the message has the estimate and the largest d that fits.</exception>
    public static void EnsureFits(IDirectSimulator simulator, int dimension, string parameter = "d", long? availableBytes = null)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        if (BytesPerDimension(simulator) is not { } perDimension) return;
        EnsureFits(simulator.Name, perDimension, dimension, parameter, availableBytes);
    }

    /// <summary>Throws when a run named <paramref name="run"/> that needs <paramref name="bytesPerDimension"/> (model
    /// included) cannot fit in dimension <paramref name="dimension"/>: for reductions, whose cost per dimension their
    /// callers measure (e.g. the exact spectral nodes of a d-vector spectrum).</summary>
    /// <param name="run">What will run, for the message.</param>
    /// <param name="bytesPerDimension">Bytes per dimension, model and w(0) included.</param>
    /// <param name="dimension">d.</param>
    /// <param name="parameter">The name the error gives d.</param>
    /// <param name="availableBytes">The memory to compare with (default <see cref="AvailableBytes"/>).</param>
    /// <exception cref="InvalidParameterException">The run would not fit; the message has the estimate and the largest d that fits.</exception>
    public static void EnsureFits(string run, long bytesPerDimension, int dimension, string parameter = "d", long? availableBytes = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (bytesPerDimension <= 0) throw new InvalidParameterException(nameof(bytesPerDimension), "> 0", bytesPerDimension.ToString(CultureInfo.InvariantCulture));
        long perDimension = bytesPerDimension;
        long available = availableBytes ?? AvailableBytes;
        long needed = FixedBytes + perDimension * dimension;
        if (needed <= available) return;
        long maxD = Math.Max(0, (available - FixedBytes) / perDimension);
        throw new InvalidParameterException(parameter,
            $"at most {maxD.ToString(CultureInfo.InvariantCulture)} for {run}, which needs ≈ {perDimension} B per dimension, " +
            $"with {GiB(available)} available", $"{dimension.ToString(CultureInfo.InvariantCulture)} (needs ≈ {GiB(needed)})");
    }

    private static string GiB(long bytes) => (bytes / (double)(1L << 30)).ToString("F1", CultureInfo.InvariantCulture) + " GiB";
}
