using System.Globalization;
using MathNet.Numerics.Distributions;

namespace PhaseFlow.Foundation;

/// <summary>The model-dependent levels of <see cref="PhaseAnalysis"/> (spec single-index §5): the critical crossing is where
/// α = −2P_s changes sign, the end of the transition T_1' where −α/α_0 reaches 3·margin. Foundation does not know the
/// model: a caller that does builds these from P_s (<see cref="FromPs"/>); the default is phase retrieval's s = s*/3 and
/// s = (1/3 + margin)s*, computed exactly as before.</summary>
/// <param name="Name">What the levels are, for reports.</param>
/// <param name="Crossing">(s, u, s*) ↦ a number that is ≥ 0 from the critical crossing on.</param>
/// <param name="Transition">(s, u, s*, margin) ↦ a number that is ≥ 0 from T_1' on.</param>
/// <param name="MaxMargin">The largest transition margin the levels allow (the value at w*: 2/3 for phase retrieval).</param>
/// <param name="MarginInterval">The allowed margins as the error message quotes them, e.g. "(0, 2/3)".</param>
public sealed record PhaseMarkerLevels(string Name, Func<double, double, double, double> Crossing,
    Func<double, double, double, double, double> Transition, double MaxMargin, string MarginInterval)
{
    /// <summary>Phase retrieval: crossing at s = s*/3, T_1' at s = (1/3 + margin)s*.</summary>
    public static PhaseMarkerLevels PhaseRetrieval { get; } = new("phase retrieval: s = s*/3",
        (s, _, sStar) => s / sStar - 1.0 / 3, (s, _, sStar, margin) => s / sStar - (1.0 / 3 + margin), 2.0 / 3, "(0, 2/3)");

    /// <summary>Levels from the model's P_s: the crossing is P_s(s, u, s*) ≥ 0 (α ≤ 0), T_1' is
    /// P_s(s, u, s*)/|P_s(0, 0, s*)| ≥ 3·margin, i.e. −α/α_0 ≥ 3·margin (phase retrieval: 3s/s* − 1 ≥ 3·margin, the same
    /// levels as <see cref="PhaseRetrieval"/> up to rounding).</summary>
    /// <param name="name">What the model is, for reports.</param>
    /// <param name="ps">P_s(s, u, s*).</param>
    /// <param name="sStar">s* of the run (sets the scale P_s(0, 0, s*) and the largest margin, from P_s at w*).</param>
    /// <exception cref="InvalidParameterException">s* not finite and &gt; 0.</exception>
    public static PhaseMarkerLevels FromPs(string name, Func<double, double, double, double> ps, double sStar)
    {
        ArgumentNullException.ThrowIfNull(ps);
        Guard.Positive(sStar, "sStar");
        double origin = Math.Abs(ps(0, 0, sStar)), scale = origin > 0 && double.IsFinite(origin) ? origin : 1;
        // The ratio at w* bounds the margin (2/3 for phase retrieval); where P_s(s*, s*, s*) ≤ 0 or is not finite no level
        // above the crossing is certain to be reached, so any positive margin is allowed.
        double atTeacher = ps(sStar, sStar, sStar) / scale / 3;
        double max = atTeacher > 0 && double.IsFinite(atTeacher) ? atTeacher : double.PositiveInfinity;
        return new PhaseMarkerLevels(name, (s, u, st) => ps(s, u, st), (s, u, st, margin) => ps(s, u, st) / scale - 3 * margin, max,
            double.IsFinite(max) ? $"(0, {InvalidParameterException.Format(max)})" : "(0, ∞)");
    }
}

/// <summary>Thresholds of <see cref="PhaseAnalysis"/>. Immutable (lists are copied when set).</summary>
public sealed record PhaseAnalysisOptions
{
    /// <summary>T_1 is the first time |u| ≥ EscapeThreshold·s*; in (0, 1). Default 0.5.</summary>
    public double EscapeThreshold { get; init; } = 0.5;

    /// <summary>s_0 of spec §5 (relative to s*): T_1' is the first time s ≥ (1/3 + s_0)·s*; in (0, 2/3). Default 0.1. For
    /// other models (<see cref="Levels"/>) the first time −α/α_0 ≥ 3s_0.</summary>
    public double TransitionMargin { get; init; } = 0.1;

    /// <summary>The model's crossing and transition levels. Default phase retrieval's.</summary>
    public PhaseMarkerLevels Levels { get; init => field = value ?? throw new ArgumentNullException(nameof(value)); } = PhaseMarkerLevels.PhaseRetrieval;

    /// <summary>Accuracies ε for T_2(ε), the first time 1 − |u|/s* ≤ ε; each in (0, 1). Default 0.1, 0.01, 0.001.</summary>
    public IReadOnlyList<double> Accuracies { get; init => field = value?.ToArray().AsReadOnly()!; } = [0.1, 0.01, 0.001];

    /// <summary>Confidence level of the slope intervals, in (0, 1). Default 0.95.</summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>Which crossing of a threshold marks a phase: the first (default; right for deterministic runs) or the last
    /// (the time after which the condition holds at every later sample; use it for SGD, whose noise crosses thresholds
    /// early and back).</summary>
    public CrossingRule Crossing { get; init; } = CrossingRule.First;
}

/// <summary>Which crossing of a threshold <see cref="PhaseAnalysis"/> reports.</summary>
public enum CrossingRule
{
    /// <summary>The first sample at which the condition holds (interpolated from the one before).</summary>
    First,

    /// <summary>The start of the final stretch over which the condition holds at every sample (interpolated from the last
    /// sample where it fails); null if it fails at the last sample.</summary>
    Last,
}

/// <summary>A least-squares line y = Slope·x + Intercept with a confidence interval for the slope (Student t, n − 2
/// degrees of freedom).</summary>
/// <param name="Slope">Fitted slope.</param>
/// <param name="Intercept">Fitted intercept.</param>
/// <param name="StandardError">Standard error of the slope.</param>
/// <param name="Lower">Lower end of the slope's confidence interval.</param>
/// <param name="Upper">Upper end of the slope's confidence interval.</param>
/// <param name="Points">Number of points fitted.</param>
/// <param name="From">Smallest time of the window.</param>
/// <param name="To">Largest time of the window.</param>
public sealed record SlopeFit(double Slope, double Intercept, double StandardError, double Lower, double Upper, int Points, double From, double To)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Slope:G4} [{Lower:G4}, {Upper:G4}] over {Points} points, t ∈ [{From:G3}, {To:G3}]");
}

/// <summary>Phase markers and slopes of one trajectory (spec §5).</summary>
/// <param name="EscapeTime">T_1.</param>
/// <param name="CriticalCrossingTime">First time s ≥ s*/3 (in general: α = −2P_s ≤ 0, <see cref="PhaseMarkerLevels"/>).</param>
/// <param name="TransitionEndTime">T_1'.</param>
/// <param name="ConvergenceTimes">T_2(ε) for each accuracy ε (null when not reached).</param>
/// <param name="OneMinusU">Slope of log(1 − |u|/s*) against log t on [T_1', T_2(ε_min)] (Phase IIb), when ≥ 3 points.</param>
/// <param name="MseDecrement">Slope of log(1 − MSE(t)/MSE(T_2)) against log(t − T_2) after T_2(ε_min), where the decrement
/// is in (1e-8, 0.5) (the mesoscopic regime of Phase III: 1/a in theory), when ≥ 3 points.</param>
public sealed record PhaseReport(double? EscapeTime, double? CriticalCrossingTime, double? TransitionEndTime,
    IReadOnlyList<(double Epsilon, double? Time)> ConvergenceTimes, SlopeFit? OneMinusU, SlopeFit? MseDecrement);

/// <summary>Phase markers from any recorded trajectory (direct, hierarchy, reduction). Crossing times are interpolated
/// linearly between the two samples that bracket them, so their accuracy is the sampling's; solvers that locate them on
/// dense output (the direct flow, the reductions) report sharper values in their own markers.</summary>
public static class PhaseAnalysis
{
    /// <summary>Analyses <paramref name="trajectory"/> of a model with teacher norm <paramref name="sStar"/>.</summary>
    /// <exception cref="InvalidParameterException">Invalid s* or options.</exception>
    public static PhaseReport Analyze(Trajectory trajectory, double sStar, PhaseAnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trajectory);
        options ??= new PhaseAnalysisOptions();
        Guard.Positive(sStar, "sStar");
        Guard.Between(options.EscapeThreshold, 0, 1, "escapeThreshold", "(0, 1)");
        var levels = options.Levels;
        Guard.Between(options.TransitionMargin, 0, levels.MaxMargin, "transitionMargin", levels.MarginInterval);
        if (!(options.Confidence > 0 && options.Confidence < 1))
            throw new InvalidParameterException("confidence", "in (0, 1)", InvalidParameterException.Format(options.Confidence));
        foreach (double e in options.Accuracies)
            if (!(e > 0 && e < 1)) throw new InvalidParameterException("accuracies", "each in (0, 1)", InvalidParameterException.Format(e));
        var samples = trajectory.Samples;
        if (!Enum.IsDefined(options.Crossing))
            throw new InvalidParameterException("crossing", "First or Last", options.Crossing.ToString());
        double? Mark(Func<TrajectorySample, double> g) => options.Crossing == CrossingRule.First ? FirstCrossing(samples, g) : LastCrossing(samples, g);
        double? escape = Mark(p => Math.Abs(p.U) / sStar - options.EscapeThreshold);
        double? crossing = Mark(p => levels.Crossing(p.S, p.U, sStar));
        double? transition = Mark(p => levels.Transition(p.S, p.U, sStar, options.TransitionMargin));
        var convergence = options.Accuracies.Select(e => (e, Mark(p => e - (1 - Math.Abs(p.U) / sStar)))).ToArray();
        double? last = convergence.Length == 0 ? null : convergence.MinBy(c => c.e).Item2;

        SlopeFit? oneMinusU = null, decrement = null;
        if (transition is { } t1p)
        {
            double end = last ?? double.PositiveInfinity;
            var window = samples.Where(p => p.T >= t1p && p.T <= end && p.T > 0 && 1 - Math.Abs(p.U) / sStar > 0).ToArray();
            if (window.Length >= 3)
                oneMinusU = Fit(window.Select(p => Math.Log(p.T)).ToArray(), window.Select(p => Math.Log(1 - Math.Abs(p.U) / sStar)).ToArray(),
                    window[0].T, window[^1].T, options.Confidence);
        }
        if (last is { } t2)
        {
            // The reference is the first sample at or after T_2 (an interpolated MSE(T_2) would bend the log–log line).
            var reference = samples.FirstOrDefault(p => p.T >= t2);
            if (reference is { Mse: > 0 } r && double.IsFinite(r.Mse))
            {
                var window = samples.Where(p => p.T > r.T).Select(p => (p.T, D: 1 - p.Mse / r.Mse)).Where(q => q.D > 1e-8 && q.D < 0.5).ToArray();
                if (window.Length >= 3)
                    decrement = Fit(window.Select(q => Math.Log(q.T - r.T)).ToArray(), window.Select(q => Math.Log(q.D)).ToArray(),
                        window[0].T, window[^1].T, options.Confidence);
            }
        }
        return new PhaseReport(escape, crossing, transition, convergence, oneMinusU, decrement);
    }

    /// <summary>Least squares of y on x with a <paramref name="confidence"/> interval for the slope.</summary>
    /// <exception cref="InvalidParameterException">Fewer than 3 points, unequal lengths, or all x equal.</exception>
    public static SlopeFit Fit(IReadOnlyList<double> x, IReadOnlyList<double> y, double from, double to, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        int n = x.Count;
        if (n < 3 || y.Count != n) throw new InvalidParameterException("points", "at least 3 (x, y) pairs", $"{n} x and {y.Count} y");
        double mx = x.Average(), my = y.Average(), sxx = 0, sxy = 0;
        for (int i = 0; i < n; i++)
        {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
        }
        if (!(sxx > 0)) throw new InvalidParameterException("x", "not all equal", "a constant");
        double slope = sxy / sxx, intercept = my - slope * mx, rss = 0;
        for (int i = 0; i < n; i++)
        {
            double r = y[i] - intercept - slope * x[i];
            rss += r * r;
        }
        double se = Math.Sqrt(rss / (n - 2) / sxx);
        double q = StudentT.InvCDF(0, 1, n - 2, 0.5 + confidence / 2);
        return new SlopeFit(slope, intercept, se, slope - q * se, slope + q * se, n, from, to);
    }

    /// <summary>Start of the final stretch with g ≥ 0 at every sample, interpolated between the last sample with g &lt; 0 and the
    /// next; null if g &lt; 0 at the last sample.</summary>
    private static double? LastCrossing(IReadOnlyList<TrajectorySample> samples, Func<TrajectorySample, double> g)
    {
        int last = -1;
        for (int i = samples.Count - 1; i >= 0; i--)
            if (!(g(samples[i]) >= 0))
            {
                last = i;
                break;
            }
        if (last == samples.Count - 1 || samples.Count == 0) return null;
        if (last < 0) return samples[0].T;
        double gp = g(samples[last]), gi = g(samples[last + 1]);
        double theta = double.IsFinite(gp) && gi > gp ? -gp / (gi - gp) : 1;
        return samples[last].T + theta * (samples[last + 1].T - samples[last].T);
    }

    /// <summary>First time g ≥ 0, linearly interpolated between the bracketing samples; 0 if it holds at the first sample.</summary>
    private static double? FirstCrossing(IReadOnlyList<TrajectorySample> samples, Func<TrajectorySample, double> g)
    {
        for (int i = 0; i < samples.Count; i++)
        {
            double gi = g(samples[i]);
            if (!(gi >= 0)) continue;
            if (i == 0) return samples[0].T;
            double gp = g(samples[i - 1]);
            double theta = gp < 0 && gi > gp ? -gp / (gi - gp) : 1;
            return samples[i - 1].T + theta * (samples[i].T - samples[i - 1].T);
        }
        return null;
    }

}
