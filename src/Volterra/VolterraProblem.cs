using System.Globalization;
using PhaseFlow.Foundation;

namespace PhaseFlow.Volterra;

/// <summary>The equation u(t) = f(t) + ∫_0^t k(t, τ, u(τ)) dτ on [0, TEnd].</summary>
/// <param name="Forcing">f(t).</param>
/// <param name="Kernel">k(t, τ, u) and its structure.</param>
/// <param name="TEnd">The end of the interval, finite and &gt; 0.</param>
public sealed record VolterraProblem(VolterraForcing Forcing, VolterraKernel Kernel, double TEnd)
{
    // Checked in the init accessors too, so that `with` cannot bypass the rules.

    /// <summary>f(t).</summary>
    public VolterraForcing Forcing { get; init => field = value ?? throw new ArgumentNullException(nameof(Forcing)); } =
        Forcing ?? throw new ArgumentNullException(nameof(Forcing));

    /// <summary>k(t, τ, u).</summary>
    public VolterraKernel Kernel { get; init => field = value ?? throw new ArgumentNullException(nameof(Kernel)); } =
        Kernel ?? throw new ArgumentNullException(nameof(Kernel));

    /// <summary>The end of the interval.</summary>
    public double TEnd { get; init => field = CheckEnd(value); } = CheckEnd(TEnd);

    private static double CheckEnd(double tEnd) => tEnd > 0 && double.IsFinite(tEnd)
        ? tEnd
        : throw new InvalidParameterException("TEnd", "finite and > 0", tEnd.ToString("R", CultureInfo.InvariantCulture));
}

/// <summary>The quadrature of the discretized equation.</summary>
public enum VolterraMethod
{
    /// <summary>Trapezoidal product rule, order 2, self-starting.</summary>
    Trapezoidal,

    /// <summary>Gregory quadrature with end corrections 3/8, 7/6, 23/24, order 4; starting values by Richardson-extrapolated
    /// trapezoidal solves on [0, 4h].</summary>
    Gregory4,
}

/// <summary>How the history sum Σ_j w_{n,j} k(t_n, t_j, u_j) is computed.</summary>
public enum HistoryAlgorithm
{
    /// <summary>Fast for convolution and exponential-sum kernels, direct for general kernels.</summary>
    Auto,

    /// <summary>Every term each step: O(N²) kernel products.</summary>
    Direct,

    /// <summary>FFT divide and conquer for <see cref="ConvolutionKernel"/> (O(N log² N)), running sums for
    /// <see cref="ExponentialSumKernel"/> (O(N M n)). Not available for <see cref="GeneralKernel"/>.</summary>
    Fast,
}

/// <summary>Options of <see cref="VolterraSolver.Solve"/>. Either <see cref="Steps"/> (a fixed uniform grid) or
/// <see cref="Tolerance"/> (grid refined until the Richardson estimate meets it) must be set.</summary>
public sealed record VolterraOptions
{
    /// <summary>The quadrature; default Gregory4.</summary>
    public VolterraMethod Method { get; init; } = VolterraMethod.Gregory4;

    /// <summary>Uniform grid of N steps, h = TEnd/N, in [1, <see cref="MaxSteps"/>]. With <see cref="Tolerance"/> set,
    /// the first N tried (default 32).</summary>
    public int? Steps { get; init; }

    /// <summary>When set (&gt; 0): tolerance-driven mode, see <see cref="VolterraSolver.Solve"/>.</summary>
    public double? Tolerance { get; init; }

    /// <summary>Also solve with 2N steps and report a Richardson error estimate (implied by <see cref="Tolerance"/>).</summary>
    public bool EstimateError { get; init; }

    /// <summary>History algorithm; default Auto.</summary>
    public HistoryAlgorithm History { get; init; } = HistoryAlgorithm.Auto;

    /// <summary>Newton stops when the update's max norm is ≤ this · max(1, ‖u‖_∞); default 1e-12.</summary>
    public double NewtonTolerance { get; init; } = 1e-12;

    /// <summary>Newton iterations allowed per step; default 25.</summary>
    public int MaxNewtonIterations { get; init; } = 25;

    /// <summary>The largest grid (in steps) any solve may use; default 2^22.</summary>
    public int MaxSteps { get; init; } = 1 << 22;

    /// <summary>Receives the fraction of the current grid solved (restarting at 0 with each grid of a refinement).</summary>
    public IProgress<double>? Progress { get; init; }

    /// <summary>Checked every few hundred steps.</summary>
    public CancellationToken CancellationToken { get; init; }
}

/// <summary>Why a solve failed.</summary>
public enum VolterraFailureReason
{
    /// <summary>Newton's iteration for u_n did not converge (or its matrix was singular).</summary>
    NewtonDidNotConverge,

    /// <summary>A value of u, f, Θ or the kernel was NaN or infinite.</summary>
    NonFinite,

    /// <summary>The error estimate did not reach the tolerance within <see cref="VolterraOptions.MaxSteps"/>.</summary>
    ToleranceNotReached,
}

/// <summary>A solve failed at <see cref="RunFailedException.Time"/> for <see cref="Reason"/> (no step, no partial trajectory).</summary>
public sealed class VolterraSolverException : RunFailedException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why.</param>
    /// <param name="time">The grid time at which it failed (TEnd for <see cref="VolterraFailureReason.ToleranceNotReached"/>).</param>
    /// <param name="message">Details.</param>
    public VolterraSolverException(VolterraFailureReason reason, double time, string message)
        : base(message, time, null, null) => Reason = reason;

    /// <summary>Why the solve failed.</summary>
    public VolterraFailureReason Reason { get; }
}

/// <summary>Counters of a solve, summed over all grids it solved (N and 2N when estimating, every refinement in
/// tolerance mode).</summary>
public sealed record VolterraStatistics
{
    /// <summary>Steps of the returned grid.</summary>
    public int Steps { get; init; }

    /// <summary>Steps over all grids solved, including starting procedures' substeps.</summary>
    public long TotalSteps { get; init; }

    /// <summary>Grids solved.</summary>
    public int Solves { get; init; }

    /// <summary>Calls of the kernel's delegates (k; or K and G; or Θ and G), finite-difference calls included,
    /// analytic Jacobians excluded.</summary>
    public long KernelEvaluations { get; init; }

    /// <summary>Newton iterations (a linear kernel takes exactly one per step).</summary>
    public long NewtonIterations { get; init; }

    /// <summary>Real FFTs of the fast convolution history (forward and inverse, kernel spectra included).</summary>
    public long FftCount { get; init; }

    /// <summary>The quadrature.</summary>
    public VolterraMethod Method { get; init; }

    /// <summary>The history algorithm used (Auto resolved).</summary>
    public HistoryAlgorithm History { get; init; }

    /// <summary>The method's order p.</summary>
    public int Order { get; init; }
}
