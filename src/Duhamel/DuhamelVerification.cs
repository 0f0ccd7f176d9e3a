using System.Globalization;
using MathNet.Numerics.Interpolation;
using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Volterra;

namespace PhaseFlow.Duhamel;

/// <summary>Options of <see cref="DuhamelVerification"/>.</summary>
public sealed record DuhamelVerificationOptions
{
    /// <summary>Uniform grid of the Volterra solve, in [8, 2^22]; default 8192.</summary>
    public int Steps { get; init; } = 8192;

    /// <summary>The quadrature; default Gregory4.</summary>
    public VolterraMethod Method { get; init; } = VolterraMethod.Gregory4;

    /// <summary>Estimate the error: a 2N-step solve (Richardson, quadrature) and solves with Θ from every 2nd and every 4th
    /// sample (interpolation of s, observed order); default true.</summary>
    public bool EstimateError { get; init; } = true;

    /// <summary>Also solve the paper's printed convolution form (kernel K_Θ(t − τ)), to show how far it is off; default true.</summary>
    public bool PrintedForm { get; init; } = true;

    /// <summary>Cancellation, checked by the Volterra solver.</summary>
    public CancellationToken CancellationToken { get; init; }

    internal void Validate()
    {
        if (Steps is < 8 or > 1 << 22)
            throw new InvalidParameterException(nameof(Steps), "in [8, 4194304]", Steps.ToString(CultureInfo.InvariantCulture));
    }
}

/// <summary>How a Volterra solution reproduces the direct run's u(t).</summary>
/// <param name="Times">The direct run's sample times inside the horizon.</param>
/// <param name="Direct">u of the direct run at <paramref name="Times"/>.</param>
/// <param name="Volterra">u of the Volterra equation at <paramref name="Times"/> (null when that solve failed).</param>
/// <param name="MaxDeviation">max |u_Volterra − u_direct| (∞ when the solve failed).</param>
/// <param name="DepartureTime">The first sample time where |u_Volterra − u_direct| exceeds 1 % of max |u_direct| (null if never).</param>
/// <param name="FailedAt">When the solve failed (its values overflowed), the time where it did; else null.</param>
public sealed record DuhamelComparison(double[] Times, double[] Direct, double[]? Volterra, double MaxDeviation, double? DepartureTime, double? FailedAt);

/// <summary>The result of <see cref="DuhamelVerification.Verify"/>.</summary>
/// <param name="TwoTime">The exact equation (two-time kernel K_Θ(t, τ)) against the direct run.</param>
/// <param name="Printed">The paper's printed convolution form against the direct run, when asked for.</param>
/// <param name="QuadratureErrorEstimate">Richardson estimate of the two-time solve's own quadrature error (null when not estimated).</param>
/// <param name="InterpolationErrorEstimate">Estimate of the error from interpolating s to build Θ: from the two-time solutions with Θ
/// from every 2nd and every 4th sample, with the observed convergence factor (null when not estimated).</param>
/// <param name="ThetaRange">min and max of Θ over the horizon.</param>
/// <param name="Statistics">Counters of the two-time solve.</param>
public sealed record DuhamelVerificationResult(DuhamelComparison TwoTime, DuhamelComparison? Printed, double? QuadratureErrorEstimate,
    double? InterpolationErrorEstimate, (double Min, double Max) ThetaRange, VolterraStatistics Statistics)
{
    /// <summary>The sum of both estimates (null when not estimated): what the deviation from an exact direct run should be.</summary>
    public double? ErrorEstimate => QuadratureErrorEstimate + InterpolationErrorEstimate;
}

/// <summary>Verification mode of the Duhamel reduction (spec §4): given Θ(t) = ∫_0^t (s* − 3s) from a direct run, solve
/// u(t) = a_Θ(t) + 8 ∫_0^t K_Θ(t, τ) u(τ) dτ with a_Θ(t) = Σ_j λ_j B_j e^{4λ_jΘ(t)} and the two-time kernel
/// K_Θ(t, τ) = Σ_j λ_j² C_j e^{4λ_j(Θ(t) − Θ(τ))} — an <see cref="ExponentialSumKernel"/>, O(N·M) — and compare with the
/// run's u. Given the true Θ the equation is exact, so the deviation measures only the quadrature and the interpolation of
/// s; the printed form with K_Θ(t − τ) = Σ λ_j² C_j e^{4λ_jΘ(t − τ)} is solved beside it to show that it is not.
/// Any other single-index model (spec single-index §4): Θ = Φ/4 = −½∫P_s(s, u, s*) from the run's s and u, and
/// u(t) = a_Θ(t) + ∫_0^t K_Θ(t, τ) β(s(τ), u(τ)) dτ with β = −P_u — nonlinear in u (β = 8u only for phase retrieval), with
/// s(τ) splined from the run like Θ: exact given the true s and Θ, so the deviation again measures only the quadrature and
/// the interpolation of the samples.</summary>
public static class DuhamelVerification
{
    /// <summary>Θ(t) = s*·t − 3∫_0^t s from samples of s: a clamped cubic spline of s (end slopes from the cubic through the
    /// four end samples), integrated exactly; the error is O(δ⁴) in the sample spacing δ. (A natural spline's s'' = 0 at the
    /// ends would leave an O(δ³) error in Θ that every later time inherits.)</summary>
    /// <param name="times">Increasing sample times, the first 0, at least 4.</param>
    /// <param name="s">s at those times.</param>
    /// <param name="sStar">s* = w*ᵀQw* of the model (the drift of Θ before s grows), &gt; 0.</param>
    public static Func<double, double> ThetaFromSamples(IReadOnlyList<double> times, IReadOnlyList<double> s, double sStar)
    {
        CheckSStar(sStar);
        var spline = SplineOf(times, s, nameof(s));
        double end = times[^1];
        return t => sStar * t - 3 * spline.Integrate(Math.Clamp(t, 0, end));
    }

    /// <summary>Any single-index model: Θ(t) = Φ(t)/4 = −½∫_0^t P_s(s, u, s*) (spec single-index §4, Φ = ∫α, α = −2P_s;
    /// the scale 4 makes it phase retrieval's Θ and keeps the kernel's rates 4λ_j) from samples of s and u: the clamped cubic
    /// spline of Θ' = −P_s/2 at the samples, integrated exactly (O(δ⁴), as for phase retrieval). For
    /// <see cref="PhaseRetrievalLoss"/> it is <see cref="ThetaFromSamples(IReadOnlyList{double}, IReadOnlyList{double}, double)"/>.</summary>
    /// <param name="times">Increasing sample times, the first 0, at least 4.</param>
    /// <param name="s">s at those times.</param>
    /// <param name="u">u at those times.</param>
    /// <param name="loss">The model's population loss.</param>
    /// <param name="sStar">s* of the model, &gt; 0.</param>
    public static Func<double, double> ThetaFromSamples(IReadOnlyList<double> times, IReadOnlyList<double> s, IReadOnlyList<double> u,
        SingleIndexLoss loss, double sStar)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (loss is PhaseRetrievalLoss) return ThetaFromSamples(times, s, sStar);
        CheckSStar(sStar);
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(u);
        if (u.Count != s.Count)
            throw new InvalidParameterException(nameof(u), $"of the same length as s ({s.Count})", u.Count.ToString(CultureInfo.InvariantCulture));
        for (int i = 0; i < u.Count; i++)
            if (!double.IsFinite(u[i]))
                throw new InvalidParameterException($"u[{i}]", "finite", u[i].ToString("R", CultureInfo.InvariantCulture));
        CheckSamples(times, s, nameof(s));
        var rates = new double[s.Count];
        for (int i = 0; i < rates.Length; i++)
        {
            var (si, ui) = Possible(s[i], u[i], sStar);
            rates[i] = -0.5 * loss.Derivatives(si, ui, sStar).Ps;
        }
        var spline = SplineOf(times, rates, "P_s(s, u, s*)");
        double end = times[^1];
        return t => spline.Integrate(Math.Clamp(t, 0, end));
    }

    private static void CheckSStar(double sStar)
    {
        if (!(sStar > 0) || !double.IsFinite(sStar))
            throw new InvalidParameterException(nameof(sStar), "finite and > 0", sStar.ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary>The nearest overlaps real weights have (s ≥ 0, u² ≤ s·s*), where P is evaluated.</summary>
    private static (double S, double U) Possible(double s, double u, double sStar)
    {
        s = Math.Max(s, 0);
        double bound = Math.Sqrt(s * sStar);
        return (s, Math.Clamp(u, -bound, bound));
    }

    private static void CheckSamples(IReadOnlyList<double> times, IReadOnlyList<double> values, string name)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(values);
        if (times.Count < 4)
            throw new InvalidParameterException(nameof(times), "at least 4 samples", times.Count.ToString(CultureInfo.InvariantCulture));
        if (values.Count != times.Count)
            throw new InvalidParameterException(name, $"of the same length as times ({times.Count})", values.Count.ToString(CultureInfo.InvariantCulture));
        if (times[0] != 0)
            throw new InvalidParameterException("times[0]", "0 (Θ(0) = 0)", times[0].ToString("R", CultureInfo.InvariantCulture));
        for (int i = 1; i < times.Count; i++)
            if (!(times[i] > times[i - 1]))
                throw new InvalidParameterException($"times[{i}]", $"> times[{i - 1}] (strictly increasing)", times[i].ToString("R", CultureInfo.InvariantCulture));
        for (int i = 0; i < values.Count; i++)
            if (!double.IsFinite(values[i]))
                throw new InvalidParameterException($"{name}[{i}]", "finite", values[i].ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary>The clamped cubic spline through the samples, end slopes from the cubic through the four end samples.</summary>
    private static CubicSpline SplineOf(IReadOnlyList<double> times, IReadOnlyList<double> values, string name)
    {
        CheckSamples(times, values, name);
        double[] x = times.ToArray(), y = values.ToArray();
        return CubicSpline.InterpolateBoundariesSorted(x, y,
            SplineBoundaryCondition.FirstDerivative, EndSlope(x.AsSpan(0, 4), y.AsSpan(0, 4), 0),
            SplineBoundaryCondition.FirstDerivative, EndSlope(x.AsSpan(^4), y.AsSpan(^4), 3));
    }

    /// <summary>s(t) between the samples (the same spline as Θ's for phase retrieval), for β(s(τ), u) of another model.</summary>
    private static Func<double, double> SFromSamples(IReadOnlyList<double> times, IReadOnlyList<double> s)
    {
        var spline = SplineOf(times, s, nameof(s));
        double end = times[^1];
        return t => spline.Interpolate(Math.Clamp(t, 0, end));
    }

    /// <summary>The derivative at x[at] of the cubic through four points (error O(δ³)).</summary>
    private static double EndSlope(ReadOnlySpan<double> x, ReadOnlySpan<double> y, int at)
    {
        double slope = 0;
        for (int k = 0; k < 4; k++)
        {
            double derivative;
            if (k == at)
            {
                derivative = 0;
                for (int m = 0; m < 4; m++)
                    if (m != k) derivative += 1 / (x[at] - x[m]);
            }
            else
            {
                double numerator = 1, denominator = 1;
                for (int m = 0; m < 4; m++)
                {
                    if (m == k) continue;
                    denominator *= x[k] - x[m];
                    if (m != at) numerator *= x[at] - x[m];
                }
                derivative = numerator / denominator;
            }
            slope += y[k] * derivative;
        }
        return slope;
    }

    /// <summary>The direct run that <see cref="Verify"/> expects: gradient flow at rtol 1e-12 (atol 1e-16) sampled on the
    /// uniform grid t_i = i·horizon/<paramref name="samples"/>, i = 0…samples.</summary>
    /// <param name="problem">Model, w(0) and horizon.</param>
    /// <param name="samples">Intervals of the grid, at least 3 (the spline of s needs 4 points).</param>
    /// <param name="cancellationToken">Checked by the integrator.</param>
    public static SimulationResult DirectOnGrid(PhaseRetrievalProblem problem, int samples, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (samples < 3) throw new InvalidParameterException(nameof(samples), ">= 3", samples.ToString(CultureInfo.InvariantCulture));
        var times = Enumerable.Range(0, samples + 1).Select(i => problem.Horizon * i / samples).ToArray();
        return new PopulationGradientFlow(1e-12, 1e-16).Solve(problem, new SimulationOptions { Output = OutputSchedule.At(times) }, null, cancellationToken);
    }

    /// <summary>Solves the two-time equation (and the printed form) on [0, horizon] with Θ from <paramref name="direct"/>'s s
    /// samples, and compares u with the run's u at its sample times. The run must be a gradient-flow trajectory in time
    /// units whose samples start at t = 0 and are dense enough to interpolate s (spacing well below 1/λ_1).</summary>
    /// <param name="nodes">The spectrum and weights of the same problem (exact nodes for an exact check).</param>
    /// <param name="direct">The direct run.</param>
    /// <param name="options">Grid and method; null for defaults.</param>
    /// <exception cref="InvalidParameterException">A trajectory that does not start at 0, has too few samples, or is in steps.</exception>
    public static DuhamelVerificationResult Verify(SpectralNodes nodes, Trajectory direct, DuhamelVerificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(direct);
        options ??= new DuhamelVerificationOptions();
        options.Validate();
        if (direct.Unit != TimeUnit.Time)
            throw new InvalidParameterException(nameof(direct), "a gradient-flow trajectory (time units)", "a trajectory in steps");
        var samples = direct.Samples;
        double[] times = samples.Select(p => p.T).ToArray(), u = samples.Select(p => p.U).ToArray(), sValues = samples.Select(p => p.S).ToArray();
        // Phase retrieval: Θ from s alone and β = 8u (linear). Another model: Θ = Φ/4 from s and u, and β = −P_u(s(τ), u)
        // with s(τ) splined from the run, so the equation is nonlinear in u (see TwoTimeProblem).
        bool generic = nodes.Loss is not PhaseRetrievalLoss;
        var theta = generic ? ThetaFromSamples(times, sValues, u, nodes.Loss, nodes.SStar) : ThetaFromSamples(times, sValues, nodes.SStar);
        var sOf = generic ? SFromSamples(times, sValues) : null;
        double horizon = times[^1];

        var solverOptions = new VolterraOptions
        {
            Method = options.Method, Steps = options.Steps, EstimateError = options.EstimateError, CancellationToken = options.CancellationToken,
        };
        var solution = VolterraSolver.Solve(TwoTimeProblem(nodes, theta, horizon, sOf), solverOptions);
        var exact = Compare(solution, times, u);

        VolterraSolution SolveWithThetaFrom(int stride)
        {
            var kept = Enumerable.Range(0, times.Length).Where(i => i % stride == 0 || i == times.Length - 1).ToArray();
            double[] keptTimes = kept.Select(i => times[i]).ToArray(), keptS = kept.Select(i => sValues[i]).ToArray();
            var coarseTheta = generic
                ? ThetaFromSamples(keptTimes, keptS, kept.Select(i => u[i]).ToArray(), nodes.Loss, nodes.SStar)
                : ThetaFromSamples(keptTimes, keptS, nodes.SStar);
            var coarseS = generic ? SFromSamples(keptTimes, keptS) : null;
            return VolterraSolver.Solve(TwoTimeProblem(nodes, coarseTheta, horizon, coarseS), solverOptions with { EstimateError = false });
        }

        double? interpolationEstimate = null;
        if (options.EstimateError && times.Length >= 17)
        {
            // Θ (and another model's s(τ)) from every 2nd and every 4th sample: the differences D_1 = |u − u_2δ|, D_2 = |u_2δ − u_4δ| shrink by
            // q = D_2/D_1 (2⁴ in the asymptotic range), and the error of the fine solve is D_1/(q − 1). q is measured, not
            // assumed, and clamped to [2, 16] (orders 1 to 4), so an under-resolved s is not mistaken for a converged one.
            var every2 = SolveWithThetaFrom(2);
            var every4 = SolveWithThetaFrom(4);
            double d1 = 0, d2 = 0;
            for (int i = 0; i < solution.Times.Length; i++)
            {
                d1 = Math.Max(d1, Math.Abs(solution.At(i)[0] - every2.At(i)[0]));
                d2 = Math.Max(d2, Math.Abs(every2.At(i)[0] - every4.At(i)[0]));
            }
            double q = d1 > 0 ? Math.Clamp(d2 / d1, 2, 16) : 16;
            interpolationEstimate = d1 / (q - 1);
        }

        DuhamelComparison? printed = null;
        if (options.PrintedForm)
        {
            try
            {
                printed = Compare(VolterraSolver.Solve(PrintedProblem(nodes, theta, horizon, sOf), solverOptions with { EstimateError = false }), times, u);
            }
            catch (VolterraSolverException e) when (e.Reason == VolterraFailureReason.NonFinite)
            {
                printed = new DuhamelComparison(times, u, null, double.PositiveInfinity, e.Time, e.Time);
            }
        }

        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double t in solution.Times)
        {
            double th = theta(t);
            min = Math.Min(min, th);
            max = Math.Max(max, th);
        }
        return new DuhamelVerificationResult(exact, printed, solution.MaxErrorEstimate, interpolationEstimate, (min, max), solution.Statistics);
    }

    /// <summary>The exact equation for a given Θ: forcing a_Θ(t), exponential-sum kernel with c_j = 8λ_j²C_j, β_j = 4λ_j.
    /// Another model (spec single-index §4): u(t) = a_Θ(t) + ∫_0^t K(t, τ) β(s(τ), u(τ)) dτ with Θ = Φ/4,
    /// K = Σ_j λ_j² C_j e^{4λ_j(Θ(t) − Θ(τ))} and β = −P_u(s, u, s*) taken at the nearest possible overlaps: nonlinear in u,
    /// solved by Newton each step (the same exponential-sum kernel with the nonlinearity β and its derivative −P_uu).</summary>
    /// <param name="nodes">Spectrum, weights and the model's loss.</param>
    /// <param name="theta">Θ(t), finite on [0, horizon].</param>
    /// <param name="horizon">The end of the interval.</param>
    /// <param name="s">s(t) on [0, horizon]; needed (and only used) for models other than phase retrieval.</param>
    /// <exception cref="InvalidParameterException"><paramref name="s"/> missing for a model other than phase retrieval.</exception>
    public static VolterraProblem TwoTimeProblem(SpectralNodes nodes, Func<double, double> theta, double horizon, Func<double, double>? s = null)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(theta);
        if (nodes.Loss is not PhaseRetrievalLoss)
        {
            var (g, gJacobian) = Drive(nodes, s);
            double[] lambda = nodes.Lambda.ToArray(), weights = new double[nodes.Count], fourLambda = new double[nodes.Count];
            for (int j = 0; j < lambda.Length; j++)
            {
                weights[j] = lambda[j] * lambda[j] * nodes.C[j];
                fourLambda[j] = 4 * lambda[j];
            }
            return new VolterraProblem(Forcing(nodes, theta), new ExponentialSumKernel(1, weights, fourLambda, theta, g, gJacobian), horizon);
        }
        int m = nodes.Count;
        var coefficients = new double[m];
        var rates = new double[m];
        for (int j = 0; j < m; j++)
        {
            double l = nodes.Lambda[j];
            coefficients[j] = 8 * l * l * nodes.C[j];
            rates[j] = 4 * l;
        }
        return new VolterraProblem(Forcing(nodes, theta), new ExponentialSumKernel(1, coefficients, rates, theta), horizon);
    }

    /// <summary>The paper's printed form: the same forcing with the convolution kernel 8 Σ_j λ_j² C_j e^{4λ_jΘ(t − τ)}.
    /// Equal to <see cref="TwoTimeProblem"/> only when Θ(t) = t. Another model: its analogue Σ_j λ_j² C_j e^{4λ_jΘ(t − τ)}
    /// times β(s(τ), u(τ)).</summary>
    /// <param name="nodes">Spectrum, weights and the model's loss.</param>
    /// <param name="theta">Θ(t), finite on [0, horizon].</param>
    /// <param name="horizon">The end of the interval.</param>
    /// <param name="s">s(t) on [0, horizon]; needed (and only used) for models other than phase retrieval.</param>
    /// <exception cref="InvalidParameterException"><paramref name="s"/> missing for a model other than phase retrieval.</exception>
    public static VolterraProblem PrintedProblem(SpectralNodes nodes, Func<double, double> theta, double horizon, Func<double, double>? s = null)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(theta);
        double[] lambda = nodes.Lambda.ToArray(), c = nodes.C.ToArray();
        if (nodes.Loss is not PhaseRetrievalLoss)
        {
            var (g, gJacobian) = Drive(nodes, s);
            var generic = ConvolutionKernel.Scalar(x =>
            {
                double th = theta(x), sum = 0;
                for (int j = 0; j < lambda.Length; j++) sum += lambda[j] * lambda[j] * c[j] * Math.Exp(4 * lambda[j] * th);
                return sum;
            }, g, gJacobian);
            return new VolterraProblem(Forcing(nodes, theta), generic, horizon);
        }
        var kernel = ConvolutionKernel.Scalar(x =>
        {
            double th = theta(x), sum = 0;
            for (int j = 0; j < lambda.Length; j++) sum += lambda[j] * lambda[j] * c[j] * Math.Exp(4 * lambda[j] * th);
            return 8 * sum;
        });
        return new VolterraProblem(Forcing(nodes, theta), kernel, horizon);
    }

    /// <summary>β(τ, u) = −P_u(s(τ), u, s*) and ∂β/∂u = −P_uu, at the nearest possible overlaps.</summary>
    private static (VolterraNonlinearity G, VolterraNonlinearityJacobian Jacobian) Drive(SpectralNodes nodes, Func<double, double>? s)
    {
        if (s is null)
            throw new InvalidParameterException(nameof(s), $"s(t) for the drive β = −P_u(s, u, s*) of a model other than phase retrieval ({nodes.Loss})", "nothing");
        var loss = nodes.Loss;
        double sStar = nodes.SStar;
        return ((t, u, g) =>
        {
            var (st, ut) = Possible(s(t), u[0], sStar);
            g[0] = -loss.Derivatives(st, ut, sStar).Pu;
        }, (t, u, jacobian) =>
        {
            var (st, ut) = Possible(s(t), u[0], sStar);
            jacobian[0] = -loss.Derivatives(st, ut, sStar).Puu;
        });
    }

    private static VolterraForcing Forcing(SpectralNodes nodes, Func<double, double> theta)
    {
        double[] lambda = nodes.Lambda.ToArray(), b = nodes.B.ToArray();
        return (t, f) =>
        {
            double th = theta(t), sum = 0;
            for (int j = 0; j < lambda.Length; j++) sum += lambda[j] * b[j] * Math.Exp(4 * lambda[j] * th);
            f[0] = sum;
        };
    }

    private static DuhamelComparison Compare(VolterraSolution solution, double[] times, double[] direct)
    {
        var values = new double[times.Length];
        Span<double> one = stackalloc double[1];
        double worst = 0, scale = 0;
        foreach (double v in direct) scale = Math.Max(scale, Math.Abs(v));
        double? departure = null;
        for (int i = 0; i < times.Length; i++)
        {
            solution.Interpolate(times[i], one);
            values[i] = one[0];
            double deviation = Math.Abs(one[0] - direct[i]);
            worst = Math.Max(worst, deviation);
            if (departure is null && !(deviation <= 0.01 * scale)) departure = times[i];
        }
        return new DuhamelComparison(times, direct, values, double.IsFinite(worst) ? worst : double.PositiveInfinity, departure, null);
    }
}
