using System.Diagnostics;
using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Ode;
using PhaseFlow.Symbolic;

namespace PhaseFlow.Hierarchy;

/// <summary>Integrator for the closed hierarchy.</summary>
public enum HierarchyIntegrator
{
    /// <summary>Rodas4 (L-stable Rosenbrock) with the compiled symbolic Jacobian and dense LU: safe when the closure
    /// makes the system stiff (the exact closure's rates span the spectrum).</summary>
    Rodas4,

    /// <summary>Dormand–Prince 5(4): cheaper per step on non-stiff truncations.</summary>
    DormandPrince54,

    /// <summary>Dormand–Prince 8(5,3): for tight tolerances on non-stiff truncations.</summary>
    DormandPrince853,
}

/// <summary>An initial-value problem for a closed hierarchy: the system (with its constants), the moments at t = 0 and
/// the horizon.</summary>
public sealed class HierarchyProblem
{
    // Read-only wrappers, not the arrays: a cast to double[] must not let one caller rewrite a shared problem.
    private readonly System.Collections.ObjectModel.ReadOnlyCollection<double> _s, _u;

    /// <summary>Creates the problem from s^(0..K)(0) and u^(0..K)(0).</summary>
    /// <exception cref="InvalidParameterException">The system has no constants, or the initial values have the wrong
    /// length or are not finite, or the horizon is not positive.</exception>
    public HierarchyProblem(HierarchySystem system, IReadOnlyList<double> initialS, IReadOnlyList<double> initialU, double horizon)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(initialS);
        ArgumentNullException.ThrowIfNull(initialU);
        if (system.Constants is null)
            throw new InvalidParameterException("system", "built with constants (a spectrum and teacher, or given s*^(k)) to be integrated", "a symbolic system");
        int n = system.Order + 1;
        Check(initialS, n, "initialS");
        Check(initialU, n, "initialU");
        Guard.Positive(horizon, "horizon");
        System = system;
        _s = Array.AsReadOnly(initialS.ToArray());
        _u = Array.AsReadOnly(initialU.ToArray());
        Horizon = horizon;
    }

    /// <summary>The problem of a direct run: moments of w(0) under the model's Q and teacher.</summary>
    public static HierarchyProblem FromDirect(HierarchySystem system, PhaseRetrievalProblem direct)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(direct);
        var model = direct.Model;
        var w = direct.InitialWeights;
        var s = new double[system.Order + 1];
        var u = new double[system.Order + 1];
        for (int k = 0; k <= system.Order; k++)
        {
            s[k] = model.S(w, k);
            u[k] = model.U(w, k);
        }
        return new HierarchyProblem(system, s, u, direct.Horizon);
    }

    /// <summary>The closed system.</summary>
    public HierarchySystem System { get; }

    /// <summary>s^(0..K) at t = 0.</summary>
    public IReadOnlyList<double> InitialS => _s;

    /// <summary>u^(0..K) at t = 0.</summary>
    public IReadOnlyList<double> InitialU => _u;

    /// <summary>Final time.</summary>
    public double Horizon { get; }

    private static void Check(IReadOnlyList<double> values, int n, string name)
    {
        if (values.Count != n) throw new InvalidParameterException(name, $"of length K + 1 = {n}", $"length {values.Count}");
        for (int i = 0; i < n; i++)
            if (!double.IsFinite(values[i]))
                throw new InvalidParameterException($"{name}[{i}]", "finite", values[i].ToString("R", CultureInfo.InvariantCulture));
    }
}

/// <summary>Error control and recording of a hierarchy integration. Immutable.</summary>
public sealed record HierarchyOptions
{
    /// <summary>Relative tolerance on the scaled moments x^(k)/λ_1^k, in (0, 0.1). Default 1e-10.</summary>
    public double RelativeTolerance { get; init; } = 1e-10;

    /// <summary>Absolute tolerance on the scaled moments, ≥ 0. Default 1e-14.</summary>
    public double AbsoluteTolerance { get; init; } = 1e-14;

    /// <summary>The integrator. Default Rodas4.</summary>
    public HierarchyIntegrator Integrator { get; init; } = HierarchyIntegrator.Rodas4;

    /// <summary>Step limit. Default 10^6.</summary>
    public long MaxSteps { get; init; } = 1_000_000;

    /// <summary>When samples are recorded (the direct simulators' schedule type).</summary>
    public OutputSchedule Output { get; init; } = OutputSchedule.LogSpaced(60, 0.01);

    /// <summary>Record s^(k) and u^(k) for k = 2..K as extra columns named s2, u2, … (as <see cref="PhaseRetrievalModel.MomentColumns"/>
    /// names them for direct runs).</summary>
    public bool RecordMoments { get; init; }

    /// <summary>Called with every sample; the span holds the hierarchy state s^(0..K), u^(0..K) (not weights). When the
    /// error moments may replace the MSE (<see cref="TrackErrorMoments"/>), the calls come after the integration, with
    /// the samples as the result holds them.</summary>
    public ITrajectoryObserver? Observer { get; init; }

    /// <summary>The escape marker is the first time |u| ≥ EscapeThreshold · s*; in (0, 1). Default 0.5.</summary>
    public double EscapeThreshold { get; init; } = 0.5;

    /// <summary>Stop where the moments leave the set of possible moments (s^(k) ≥ 0, Cauchy–Schwarz, Hankel; see
    /// <see cref="ReductionResult.InvalidFrom"/>). Default true; false integrates on (for studying how a truncation fails).</summary>
    public bool CheckValidity { get; init; } = true;

    /// <summary>Report the MSE near convergence from the error moments (w ∓ w*)ᵀQ^k(w ∓ w*), integrated in a second pass,
    /// instead of s^(0) + s*^(0) − 2|u^(0)|, a difference of O(1) numbers that loses all relative accuracy as w → ±w*.
    /// Applies with the exact closure (the one whose run converges to the teacher) when d is known, P is a polynomial (phase
    /// retrieval, polynomial links) and ±w* is a fixed point; s, u and every other output are those of the first pass,
    /// unchanged. Default true. See <see cref="HierarchyResult.ErrorMomentsFrom"/>.</summary>
    public bool TrackErrorMoments { get; init; } = true;

    /// <summary>Relative slack of the validity check on top of the integrator's error allowance, in [0, 0.1): an inequality
    /// Left ≤ Right counts as violated only beyond this fraction of |Left| + |Right|. Default 1e-6 (see docs/hierarchy.md).</summary>
    public double ValidityFloor { get; init; } = 1e-6;
}

/// <summary>The outcome of a hierarchy integration.</summary>
/// <remarks><see cref="ReductionResult.InvalidFrom"/> is the first time at which one of s^(k) ≥ 0 or (u^(k))² ≤ s^(k)s*^(k)
/// (k = 0, 1: s, u and MSE ≥ 0), or with <see cref="HierarchyOptions.RecordMoments"/> also of those for k ≤ K and
/// (s^(k+1))² ≤ s^(k)s^(k+2), failed by more than the integrator's error allowance; checked at every accepted step end and
/// located by root finding on that step's dense output. The trajectory's extra columns are the higher moments, on
/// request.</remarks>
public sealed class HierarchyResult : ReductionResult
{
    internal HierarchyResult(Trajectory trajectory, double[] finalS, double[] finalU, PhaseMarkers markers,
        SimulationStatistics statistics, TimeSpan wallTime, double? conditionNumber, double maxAlignment, double endTime,
        ReductionViolation? invalidFrom)
        : base(trajectory, markers, statistics, wallTime, endTime, invalidFrom)
    {
        MaxAlignment = maxAlignment;
        FinalS = finalS;
        FinalU = finalU;
        ConditionNumber = conditionNumber;
    }

    /// <summary>s^(0..K) at <see cref="ReductionResult.EndTime"/>.</summary>
    public IReadOnlyList<double> FinalS { get; }

    /// <summary>u^(0..K) at <see cref="ReductionResult.EndTime"/>.</summary>
    public IReadOnlyList<double> FinalU { get; }

    /// <summary>Largest normalised deficit (deficit − slack)/slack over the accepted step ends of a valid stretch: how close
    /// the check came to firing (tests and slack measurements).</summary>
    internal double WorstMargin { get; init; } = double.NegativeInfinity;

    /// <summary>Returns this result if it is valid.</summary>
    /// <exception cref="InvalidReductionException">The truncation left the set of possible moments; carries where, why and
    /// the valid samples.</exception>
    public HierarchyResult EnsureValid()
    {
        ThrowIfInvalid();
        return this;
    }

    /// <summary>Largest |u|/√(s·s*) over the recorded samples. Moments of real weights obey Cauchy–Schwarz, so this is ≤ 1;
    /// a truncated hierarchy that exceeds 1 has left the set of possible moments and its later values are not to be trusted.</summary>
    public double MaxAlignment { get; }

    /// <summary>Exact closure: the Vandermonde condition number (see <see cref="HierarchySystem.ConditionNumber"/>).</summary>
    public double? ConditionNumber { get; }

    /// <summary>The time t_e from which the samples' MSE comes from the error moments e^(k) = δᵀQ^kδ, δ = w − σw*
    /// (<see cref="HierarchyOptions.TrackErrorMoments"/>): the first accepted step end at which the MSE from s and u fell to
    /// a quarter of the plateau ‖w*‖²/d, seeding e and d there, whence a second pass integrates them with relative error
    /// control. Before t_e the MSE is (s^(0) + s*^(0) − 2|u^(0)|)/d, then above a quarter of the plateau, so that the absolute
    /// errors of s^(0) and u^(0) stay small against it. Null: every sample's MSE is that formula (not tracked, not
    /// applicable — another closure, a non-polynomial P, ±w* not a fixed point, d unknown — or never below a quarter).</summary>
    public double? ErrorMomentsFrom { get; init; }

    /// <summary>Statistics of the error-moment pass (null when it did not run); <see cref="ReductionResult.Statistics"/> are
    /// those of the s, u integration alone.</summary>
    public SimulationStatistics? ErrorMomentStatistics { get; init; }
}

/// <summary>Integrates a closed hierarchy in scaled moments x^(k)/λ_1^k with the compiled symbolic right-hand side and
/// Jacobian.</summary>
public static class HierarchySolver
{
    /// <summary>Integrates <paramref name="problem"/> to its horizon.</summary>
    /// <exception cref="InvalidParameterException">Invalid options.</exception>
    /// <exception cref="SimulationFailedException">The integration diverged or could not finish; says when.</exception>
    public static HierarchyResult Solve(HierarchyProblem problem, HierarchyOptions options, IProgress<SimulationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        long started = Stopwatch.GetTimestamp();
        Validate(options);
        var system = problem.System;
        var constants = system.Constants!;
        int order = system.Order, n = 2 * (order + 1);
        double rho = constants.Scale;
        var compiled = ScaledSystem.Compile(system);
        // ρ^k for the state layout s^(0..K), u^(0..K): state = moment / ρ^k.
        var powers = new double[n];
        for (int k = 0; k <= order; k++) powers[k] = powers[order + 1 + k] = Math.Pow(rho, k);
        var y0 = new double[n];
        for (int k = 0; k <= order; k++)
        {
            y0[k] = problem.InitialS[k] / powers[k];
            y0[order + 1 + k] = problem.InitialU[k] / powers[k];
        }
        void Unscale(ReadOnlySpan<double> y, Span<double> moments)
        {
            for (int i = 0; i < n; i++) moments[i] = y[i] * powers[i];
        }

        double sStar = constants.SStar, sStar0 = constants.SStarMoment(0);
        // atol is absolute in the moments scaled by λ_1^k, where the teacher's is s*/λ_1: one for normalised problems, but
        // 1e-100 for λ = 1e100 with s* = 1, where atol 1e-14 accepted anything (s 6× off, then s < 0 and exit 70). The
        // tolerance is kept at most 1e-3 of that scale, so normalised problems keep atol as given.
        double teacherScale = Math.Abs(sStar) / rho;
        double atol = teacherScale < 1e-3 ? options.AbsoluteTolerance * teacherScale * 1e3 : options.AbsoluteTolerance;
        var samples = new List<TrajectorySample>();
        var columns = new List<string>();
        if (options.RecordMoments)
            for (int k = 2; k <= order; k++) { columns.Add($"s{k}"); columns.Add($"u{k}"); }
        var unscaled = new double[n];
        double maxS = problem.InitialS[1], maxAlignment = 0;
        double S1(ReadOnlySpan<double> y) => rho * y[1];
        double U1(ReadOnlySpan<double> y) => rho * y[order + 2];
        // Markers reached by the given moments are set at t = 0; the others are located on the dense output.
        var markers = new MarkerTracker();
        double escapeLevel = options.EscapeThreshold * sStar, crossingLevel = sStar / 3;
        var escape = markers.Add("escape", escapeLevel, eventFunction: (_, y) => Math.Abs(U1(y)) - escapeLevel);
        // A derived system's critical crossing is the first root of P_s (where the drift −2P_s of every mode changes sign;
        // for phase retrieval s = s*/3), taken at the nearest possible overlaps so that integration error cannot leave P's domain.
        var derived = system.Loss;
        var order0 = new List<double>(); // s^(0) at each sample, for the MSE of the other sign
        // The error moments need the exact closure, d and a polynomial P (see ErrorMoments).
        bool track = options.TrackErrorMoments && system.ClosureNodes is not null && constants.Dimension is not null && derived is null or PolynomialLoss;
        var deferred = options.Observer is null ? null : new List<double[]>();
        bool signInvariant = derived is null || derived.SignInvariant;
        // Where the error moments take over: see HierarchyResult.ErrorMomentsFrom.
        double? seedT = null;
        double[]? seedY = null;
        void Seed(double t, ReadOnlySpan<double> y)
        {
            double u0 = y[order + 1];
            int sigma = signInvariant && u0 < 0 ? -1 : 1;
            if (y[0] + sStar0 - 2 * sigma * u0 > sStar0 / 4) return;
            seedT = t;
            seedY = y.ToArray();
        }
        // The nearest overlaps real vectors have (s ≥ 0, u² ≤ s s*): where a derived model's P is evaluated.
        (double S, double U) Possible(double s1, double u1)
        {
            s1 = Math.Max(s1, 0);
            double bound = Math.Sqrt(s1 * sStar);
            return (s1, Math.Clamp(u1, -bound, bound));
        }
        double PsAt(double s1, double u1)
        {
            var (a, b) = Possible(s1, u1);
            return derived!.Derivatives(a, b, sStar).Ps;
        }
        double DerivedLoss(double s1, double u1)
        {
            var (a, b) = Possible(s1, u1);
            return derived!.Loss(a, b, sStar);
        }
        var crossing = derived is null
            ? markers.Add("critical crossing", crossingLevel, eventFunction: (_, y) => S1(y) - crossingLevel)
            : markers.Add("critical crossing", 0, eventFunction: (_, y) => PsAt(S1(y), U1(y)));
        escape.Observe(0, Math.Abs(problem.InitialU[1]));
        crossing.Observe(0, derived is null ? problem.InitialS[1] : PsAt(problem.InitialS[1], problem.InitialU[1]));

        void Record(double t, ReadOnlySpan<double> y)
        {
            Unscale(y, unscaled);
            double s = unscaled[1], u = unscaled[order + 2];
            // MSE and the alignment sit on the boundary of the possible set once the run has converged (MSE = 0, u² = s s*),
            // where integration error may push them past it; beyond its error allowance the validity check has stopped the
            // run, so within it the nearest possible value is the better estimate and is what a sample reports. Unchecked
            // runs report the raw values.
            // ‖w ∓ w*‖²: the sign chosen only where w and −w are equivalent (an even student).
            double cross = derived is null || derived.SignInvariant ? Math.Abs(unscaled[order + 1]) : unscaled[order + 1];
            double mse = constants.Dimension is { } d ? (unscaled[0] + sStar0 - 2 * cross) / d : double.NaN;
            if (options.CheckValidity)
            {
                double bound = Math.Sqrt(Math.Max(s, 0) * sStar);
                if (Math.Abs(u) > bound) u = Math.CopySign(bound, u);
                mse = Math.Max(0, mse);
            }
            double loss = derived is null ? 3 * s * s + 3 * sStar * sStar - 4 * u * u - 2 * sStar * s : DerivedLoss(s, u);
            var extra = new double[columns.Count];
            for (int c = 0, k = 2; c < extra.Length; c += 2, k++)
            {
                extra[c] = unscaled[k];
                extra[c + 1] = unscaled[order + 1 + k];
            }
            if (s > 0) maxAlignment = Math.Max(maxAlignment, Math.Abs(u) / Math.Sqrt(s * sStar));
            else if (s < 0 || u != 0) maxAlignment = double.PositiveInfinity;
            var sample = new TrajectorySample(t, s, u, mse, loss, extra);
            samples.Add(sample);
            order0.Add(unscaled[0]);
            maxS = Math.Max(maxS, s);
            // The MSE of later samples may still be replaced by the error-moment pass: the observer sees them after it.
            if (track) deferred?.Add(unscaled.ToArray());
            else options.Observer?.OnSample(sample, unscaled);
        }

        var events = markers.PendingEvents().ToList();
        string method = $"hierarchy K = {order}, {system.Closure.Name} closure, {options.Integrator}";
        MomentChecks? checks = null;
        if (options.CheckValidity)
        {
            var scaledTeacher = new double[order + 1];
            for (int k = 0; k <= order; k++) scaledTeacher[k] = constants.SStarMoment(k) / powers[k];
            // The orders the result reports: s, u and the MSE (k ≤ 1), and every order when the moments are recorded.
            checks = new MomentChecks(options.RecordMoments ? order : 1, scaledTeacher, options.RelativeTolerance, atol,
                system.ConditionNumber ?? 0, rho, order, options.ValidityFloor);
            if (checks.Margin(y0) > 0)
            {
                // Moments given at t = 0 that no real w has: nothing to integrate.
                var at0 = checks.Describe(0, y0);
                return new HierarchyResult(new Trajectory([], columns, TimeUnit.Time, double.NaN), problem.InitialS.ToArray(), problem.InitialU.ToArray(),
                    new PhaseMarkers(null, options.EscapeThreshold, null, problem.InitialS[1]), new SimulationStatistics(method, 0, 0, 0),
                    Stopwatch.GetElapsedTime(started), system.ConditionNumber, maxAlignment, 0, at0);
            }
            // Terminal, so no sample, marker or observer call comes from past the first violation.
            events.Add(new OdeEvent(InvalidEvent, (_, y) => checks.Margin(y), EventDirection.Rising, Terminal: true));
        }
        // Real moments stay within a small multiple of the initial and teacher moments (the loss decreases); a truncated
        // hierarchy that leaves that range by a factor 1000 has blown up, and the run stops there instead of grinding on.
        double bound = 1e3 * Math.Max(1, Math.Max(y0.Max(Math.Abs), Enumerable.Range(0, order + 2).Max(k => constants.SStarMoment(k) / Math.Pow(rho, k))));
        double? blowUp = null;
        double worstMargin = double.NegativeInfinity;
        var throttle = new ThrottledProgress(progress);
        long accepted = 0;
        bool AfterStep(IDenseStep step)
        {
            if (checks is not null)
            {
                // The step that holds the violation was cut there (terminal event): its end is not part of the run.
                double margin = checks.Margin(step.YEnd);
                if (margin >= 0) return true;
                worstMargin = Math.Max(worstMargin, margin);
                checks.Steps++;
            }
            foreach (double v in step.YEnd)
                if (!(Math.Abs(v) <= bound))
                {
                    blowUp = step.TEnd;
                    return false;
                }
            maxS = Math.Max(maxS, S1(step.YEnd));
            if (track && seedT is null) Seed(step.TEnd, step.YEnd);
            accepted++;
            throttle.Report(step.TEnd, problem.Horizon, accepted);
            return true;
        }
        if (track) Seed(0, y0);
        var odeOptions = new OdeOptions
        {
            RelativeTolerance = options.RelativeTolerance,
            AbsoluteTolerance = atol,
            MaxSteps = options.MaxSteps,
            OutputTimes = options.Output.Resolve(problem.Horizon, integerSteps: false),
            OutputHandler = Record,
            Events = events,
            StepCallback = AfterStep,
        };
        var ode = new OdeProblem(compiled.Function, 0, y0, problem.Horizon);
        OdeSolution solution;
        try
        {
            solution = CreateIntegrator(options.Integrator, compiled, n).Solve(ode, odeOptions, null, cancellationToken);
        }
        catch (OdeIntegrationException e)
        {
            throw SimulationFailedException.FromIntegration(method, e, new Trajectory(samples.ToArray(), columns, TimeUnit.Time, double.NaN));
        }
        if (blowUp is { } tBlow)
            throw new SimulationFailedException(SimulationFailure.Diverged,
                $"{method} blew up at t = {tBlow.ToString("G6", CultureInfo.InvariantCulture)}: a moment left the physically possible range " +
                "by a factor 1000; the truncation is unstable from there (raise the order, change the closure, or shorten the horizon)",
                tBlow, null, new Trajectory(samples.ToArray(), columns, TimeUnit.Time, double.NaN));
        ReductionViolation? invalid = null;
        if (solution.TerminalEvent is { Name: InvalidEvent } stop)
        {
            invalid = checks!.Describe(stop.T, stop.Y.ToArray());
            maxS = Math.Max(maxS, rho * stop.Y[1]);
        }
        SimulationStatistics? errorStatistics = null;
        if (seedT is { } te && seedY is not null && te < solution.T)
        {
            int sigma = signInvariant && seedY[order + 1] < 0 ? -1 : 1;
            errorStatistics = ErrorMomentPass(problem, options, method, sigma, te, seedY, solution.T, samples, order0, cancellationToken);
        }
        if (errorStatistics is null) seedT = null;
        if (deferred is not null)
            for (int i = 0; i < samples.Count; i++) options.Observer!.OnSample(samples[i], deferred[i]);
        markers.Locate(solution.Events);
        progress?.Report(new SimulationProgress(solution.T, problem.Horizon, solution.Statistics.AcceptedSteps));
        var final = new double[n];
        Unscale(solution.Y.ToArray(), final);
        var finalS = final[..(order + 1)];
        var finalU = final[(order + 1)..];
        var st = solution.Statistics;
        return new HierarchyResult(
            new Trajectory(samples.ToArray(), columns, TimeUnit.Time, double.NaN), finalS, finalU,
            new PhaseMarkers(escape.Time, options.EscapeThreshold, crossing.Time, maxS),
            new SimulationStatistics(method, st.AcceptedSteps, st.RejectedSteps, st.FunctionEvaluations)
            {
                JacobianEvaluations = st.JacobianEvaluations,
                LinearSolves = st.LinearSolves,
            },
            Stopwatch.GetElapsedTime(started), system.ConditionNumber, maxAlignment, solution.T, invalid)
        {
            WorstMargin = worstMargin,
            ErrorMomentsFrom = seedT,
            ErrorMomentStatistics = errorStatistics,
        };
    }

    private const string InvalidEvent = "invalid moments";

    private const double Epsilon = 2.220446049250313e-16;

    /// <summary>Integrates the error moments for sign <paramref name="sigma"/> from <paramref name="from"/> (seeded from the
    /// scaled s, u state <paramref name="seed"/>) to <paramref name="to"/> and replaces the MSE of the samples after
    /// <paramref name="from"/>. Returns its statistics, or null (samples untouched) when the model has no error-moment
    /// hierarchy or the pass fails.</summary>
    private static SimulationStatistics? ErrorMomentPass(HierarchyProblem problem, HierarchyOptions options, string method, int sigma,
        double from, double[] seed, double to, List<TrajectorySample> samples, List<double> order0, CancellationToken cancellationToken)
    {
        var system = problem.System;
        var constants = system.Constants!;
        if (ErrorMoments.TryCreate(system, sigma) is not { } moments) return null;
        // The seed holds s^(0..K), u^(0..K); the error moments go to K' = r − 1 ≤ K.
        int n1Seed = system.Order + 1, order = moments.Order, n1 = order + 1, n = 2 * n1, d = constants.Dimension!.Value;
        double rho = constants.Scale, sStar0 = constants.SStarMoment(0);
        // e^(k) = s^(k) + s*^(k) − 2σu^(k), d^(k) = u^(k) − σs*^(k), scaled by ρ^k like s and u. At the seed e^(0) has just
        // fallen to a quarter of s*^(0) (it was above at the step end before), so this difference loses only a factor ~4 of
        // the relative accuracy s and u have (a run started nearer the teacher is seeded at t = 0 from the given moments).
        var y0 = new double[n];
        for (int k = 0; k <= order; k++)
        {
            double c = constants.SStarMoment(k) / Math.Pow(rho, k);
            y0[k] = seed[k] + c - 2 * sigma * seed[n1Seed + k];
            y0[n1 + k] = seed[n1Seed + k] - sigma * c;
        }
        int first = samples.FindIndex(x => x.T > from);
        if (first < 0) return null;
        var times = samples.Skip(first).Select(x => x.T).Where(t => t <= to).ToArray();
        var e0 = new List<double>(times.Length);
        var compiled = ScaledSystem.Compile(order, constants, moments.Equations, ErrorMoments.E, ErrorMoments.D);
        // Error control relative to the error moments themselves, down to ε² of the teacher's scale: below it not even the
        // direct flow, which carries w to rounding ε, resolves ‖w − w*‖².
        var odeOptions = new OdeOptions
        {
            RelativeTolerance = options.RelativeTolerance,
            AbsoluteTolerance = Epsilon * Epsilon * Math.Abs(constants.SStar) / rho,
            MaxSteps = options.MaxSteps,
            OutputTimes = times,
            OutputHandler = (_, y) => e0.Add(y[0]),
        };
        OdeSolution solution;
        try
        {
            solution = CreateIntegrator(options.Integrator, compiled, n).Solve(new OdeProblem(compiled.Function, from, y0, to), odeOptions, null, cancellationToken);
        }
        catch (OdeIntegrationException)
        {
            // The s, u run stands; its MSE stays as computed from s and u (ErrorMomentsFrom is null).
            return null;
        }
        bool signInvariant = system.Loss is null || system.Loss.SignInvariant;
        for (int i = 0; i < e0.Count; i++)
        {
            int j = first + i;
            // e_+ + e_− = 2(s^(0) + s*^(0)): the other sign's error, needed only while it is not the larger one.
            double mse = signInvariant ? Math.Min(e0[i], 2 * (order0[j] + sStar0) - e0[i]) : e0[i];
            // Negative only if the integration error exceeded e^(0) itself; reported as 0 in checked runs, like the first pass.
            if (options.CheckValidity) mse = Math.Max(0, mse);
            samples[j] = samples[j] with { Mse = mse / d };
        }
        var st = solution.Statistics;
        return new SimulationStatistics($"{method}, error moments", st.AcceptedSteps, st.RejectedSteps, st.FunctionEvaluations)
        {
            JacobianEvaluations = st.JacobianEvaluations,
            LinearSolves = st.LinearSolves,
        };
    }

    private static IOdeSolver CreateIntegrator(HierarchyIntegrator integrator, ScaledSystem compiled, int n) => integrator switch
    {
        HierarchyIntegrator.Rodas4 => Rosenbrock.Rodas4(DenseJacobianSolver.Analytic(n, compiled.Jacobian), autonomous: true),
        HierarchyIntegrator.DormandPrince54 => ExplicitRungeKutta.DormandPrince54(),
        _ => new DormandPrince853(),
    };

    private static void Validate(HierarchyOptions o)
    {
        Guard.Between(o.RelativeTolerance, 0, 0.1, "rtol", "(0, 0.1)");
        Guard.NonNegative(o.AbsoluteTolerance, "atol");
        Guard.AtLeast(o.MaxSteps, 1, "maxSteps");
        Guard.Between(o.EscapeThreshold, 0, 1, "escapeThreshold", "(0, 1)");
        if (!(o.ValidityFloor >= 0 && o.ValidityFloor < 0.1))
            throw new InvalidParameterException("validityFloor", "in [0, 0.1)", F(o.ValidityFloor));
        if (!Enum.IsDefined(o.Integrator))
            throw new InvalidParameterException("integrator", "Rodas4, DormandPrince54 or DormandPrince853", o.Integrator.ToString());
    }

    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>The closed system in scaled moments x[k] = s^(k)/ρ^k, y[k] = u^(k)/ρ^k with the constants substituted,
/// compiled with its Jacobian.</summary>
internal sealed class ScaledSystem
{
    private readonly CompiledSystem _rhs, _withJacobian;
    private readonly int _n;
    private readonly double[] _x, _f, _out;

    private ScaledSystem(CompiledSystem rhs, CompiledSystem withJacobian, int n)
    {
        _rhs = rhs;
        _withJacobian = withJacobian;
        _n = n;
        _x = new double[n];
        _f = new double[n];
        _out = new double[n + n * n];
    }

    public static ScaledSystem Compile(HierarchySystem system) =>
        Compile(system.Order, system.Constants!, system.Equations, HierarchySymbols.S, HierarchySymbols.U);

    /// <summary>Compiles equations for first[0..K] then second[0..K] (s, u or the error moments e, d) in the scaled
    /// variables x[k] = first[k]/ρ^k, y[k] = second[k]/ρ^k.</summary>
    public static ScaledSystem Compile(int order, HierarchyConstants constants, IReadOnlyList<HierarchyEquation> equations,
        Func<int, Expr> first, Func<int, Expr> second)
    {
        double rho = constants.Scale;
        var map = new Dictionary<Expr, Expr>();
        var variables = new List<Expr>();
        for (int k = 0; k <= order; k++) variables.Add(Expr.Indexed("x", k));
        for (int k = 0; k <= order; k++) variables.Add(Expr.Indexed("y", k));
        for (int k = 0; k <= order; k++)
        {
            var p = Expr.Number(Math.Pow(rho, k));
            map[first(k)] = p * Expr.Indexed("x", k);
            map[second(k)] = p * Expr.Indexed("y", k);
        }
        // The constants s_star[k] that occur (a custom closure may use any k) become numbers.
        foreach (var symbol in equations.SelectMany(e => e.RightHandSide.FreeSymbols()).Distinct())
            if (symbol is IndexedExpr { Name: "s_star", Index: NumberExpr idx } && idx.IsExact && idx.Exact.IsInteger)
            {
                int j = (int)idx.Exact.Numerator;
                if (j > constants.MaxOrder)
                    throw new InvalidParameterException("closure", $"to use s_star[k] with k <= {constants.MaxOrder} (the orders given)", symbol.ToString());
                map[symbol] = Expr.Number(constants.SStarMoment(j));
            }
        var rhs = new List<Expr>();
        foreach (var (e, i) in equations.Select((e, i) => (e, i)))
        {
            int k = i % (order + 1);
            rhs.Add(Expr.Number(Math.Pow(rho, -k)) * e.RightHandSide.Substitute(map));
        }
        return new ScaledSystem(Compiler.Compile(rhs, variables), Compiler.CompileWithJacobian(rhs, variables), variables.Count);
    }

    public void Function(double t, ReadOnlySpan<double> y, Span<double> dy)
    {
        y.CopyTo(_x);
        _rhs.Evaluate(_x, _f);
        _f.CopyTo(dy);
    }

    public void Jacobian(double t, ReadOnlySpan<double> y, Matrix<double> jacobian)
    {
        y.CopyTo(_x);
        _withJacobian.Evaluate(_x, _out);
        for (int r = 0; r < _n; r++)
            for (int c = 0; c < _n; c++) jacobian[r, c] = _out[_n + r * _n + c];
    }
}
