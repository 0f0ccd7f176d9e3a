using System.Diagnostics;
using System.Globalization;
using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Ode;

namespace PhaseFlow.Duhamel;

/// <summary>Error control and recording of a spectral-node reduction. Immutable.</summary>
public sealed record SpectralNodeOptions
{
    /// <summary>Relative tolerance of the integrator, in (0, 0.1). Default 1e-10.</summary>
    public double RelativeTolerance { get; init; } = 1e-10;

    /// <summary>Absolute tolerance (Θ and the node amplitudes F_j = 8λ_j E_j are of order 1 or time), ≥ 0. Default 1e-14.</summary>
    public double AbsoluteTolerance { get; init; } = 1e-14;

    /// <summary>Step limit. Default 10^6.</summary>
    public long MaxSteps { get; init; } = 1_000_000;

    /// <summary>When samples are recorded (the direct simulators' schedule type).</summary>
    public OutputSchedule Output { get; init; } = OutputSchedule.LogSpaced(60, 0.01);

    /// <summary>The escape marker is the first time |u| ≥ EscapeThreshold · s*; in (0, 1). Default 0.5.</summary>
    public double EscapeThreshold { get; init; } = 0.5;

    /// <summary>s_0 of spec §5, relative to s*: the transition (Phase IIa) ends at T_1', the first time s ≥ (1/3 + s_0)·s*;
    /// in (0, 2/3). Default 0.1. Phase retrieval only (see <see cref="SpectralNodeResult.TransitionEndTime"/>).</summary>
    public double TransitionMargin { get; init; } = 0.1;

    /// <summary>For compressed nodes: solve again on the coarser compression and report the difference (see
    /// <see cref="SpectralNodeResult.NodeErrorEstimate"/>). Default true.</summary>
    public bool EstimateNodeError { get; init; } = true;

    /// <summary>Stop where the node state stops representing real weights (see <see cref="ReductionResult.InvalidFrom"/>).
    /// Default true.</summary>
    public bool CheckValidity { get; init; } = true;

    /// <summary>Report the MSE near convergence from a second pass in the error amplitudes Ĥ_j (w ∓ w* restricted to node j
    /// is z_j w⊥ + w* Ĥ_j, w⊥ the part of w(0) orthogonal to w* there; see NodeErrorSystem), integrated with relative error
    /// control, instead of ‖w‖² + ‖w*‖² − 2|w*ᵀw| from the
    /// node sums, a difference of O(1) numbers that loses all relative accuracy as w → ±w*. Applies when d is finite, P is
    /// phase retrieval's or a polynomial and ±w* is a fixed point; s, u and every other output are those of the first pass,
    /// unchanged. Default true. See <see cref="SpectralNodeResult.ErrorAmplitudesFrom"/>.</summary>
    public bool TrackErrorAmplitudes { get; init; } = true;
}

/// <summary>The outcome of a spectral-node reduction.</summary>
/// <remarks><see cref="ReductionResult.InvalidFrom"/> is the first time at which, for a node j,
/// Σ_{i∈j} w_i² = A_j z_j² + 2B_j z_j F_j + C_j F_j² ≥ 0 or (B_j z_j + C_j F_j)² ≤ (that)·C_j, or for the aggregates s ≥ 0,
/// u² ≤ s·s* or (Σ_j w*ᵀw)² ≤ ‖w‖²‖w*‖² (MSE ≥ 0), failed by more than the rounding of the sums, and which (Index = j, or
/// −1 for s and u, −2 for the k = 0 aggregate). With weights satisfying A_j, C_j ≥ 0 and B_j² ≤ A_jC_j (checked when nodes
/// are made) each node's form is positive semidefinite, so this fires only on non-finite states: the check certifies a
/// result rather than expecting failures. The trajectory carries Θ as the extra column "theta" (for any model Θ = Φ/4 with
/// Φ = ∫α, α = −2P_s: phase retrieval's Θ = ∫(s* − 3s), and for every model z_j = e^{4λ_jΘ}); its MSE (min over ± for an
/// even student, ‖w − w*‖²/d otherwise) is NaN for d = ∞; the wall time is the main solve's, not the error estimate's.</remarks>
public sealed class SpectralNodeResult : ReductionResult
{
    internal SpectralNodeResult(Trajectory trajectory, PhaseMarkers markers, SimulationStatistics statistics, TimeSpan wallTime,
        SpectralNodes nodes, double finalTheta, double maxTheta, double maxThetaTime, double? transitionEnd, double endTime,
        ReductionViolation? invalidFrom)
        : base(trajectory, markers, statistics, wallTime, endTime, invalidFrom)
    {
        TransitionEndTime = transitionEnd;
        Nodes = nodes;
        FinalTheta = finalTheta;
        MaxTheta = maxTheta;
        MaxThetaTime = maxThetaTime;
    }

    /// <summary>The nodes solved on.</summary>
    public SpectralNodes Nodes { get; }

    /// <summary>T_1': the first time s ≥ (1/3 + s_0)·s* (see <see cref="SpectralNodeOptions.TransitionMargin"/>), located on
    /// the dense output; null if not reached, and for models other than phase retrieval (the level is phase retrieval's
    /// Phase IIa, where P_s depends on s alone; no analogue is derived).</summary>
    public double? TransitionEndTime { get; }

    /// <summary>Θ at <see cref="ReductionResult.EndTime"/>.</summary>
    public double FinalTheta { get; }

    /// <summary>Returns this result if it is valid.</summary>
    /// <exception cref="InvalidReductionException">The node state stopped representing real weights; carries where, why and
    /// the valid samples.</exception>
    public SpectralNodeResult EnsureValid()
    {
        ThrowIfInvalid();
        return this;
    }

    /// <summary>Θ_max = max_t Θ(t) over the accepted steps (Θ rises while α = −2P_s &gt; 0, i.e. until the critical crossing:
    /// s = s*/3 for phase retrieval, then falls).</summary>
    public double MaxTheta { get; }

    /// <summary>Time of <see cref="MaxTheta"/> (the end of an accepted step; the critical crossing time is located
    /// exactly in <see cref="ReductionResult.Markers"/>).</summary>
    public double MaxThetaTime { get; }

    /// <summary>Compressed nodes: an estimate of the compression error, max over the samples of |Δs|, |Δu| (and |ΔMSE|)
    /// between this solve and one on the coarser compression, divided by 3 (the error is second order in the log-spacing
    /// of the nodes, and coarsening doubles it). Null for exact nodes or when not requested.</summary>
    public NodeErrorEstimate? NodeErrorEstimate { get; internal set; }

    /// <summary>The time t_e from which the samples' MSE comes from the error amplitudes Ĥ_j = F_j − σ + (B_j/C_j)z_j
    /// (<see cref="SpectralNodeOptions.TrackErrorAmplitudes"/>): the first accepted step end at which the MSE from the node
    /// sums fell to a quarter of the plateau ‖w*‖²/d, seeding Ĥ there, whence a second pass integrates (Θ, Ĥ) with relative
    /// error control on Ĥ. Before t_e the MSE is (‖w‖² + ‖w*‖² − 2|w*ᵀw|)/d, then above a quarter of the plateau. Null:
    /// every sample's MSE is that formula (not tracked, not applicable — a closed-form or quadrature P, ±w* not a fixed
    /// point, d = ∞ — or never below a quarter).</summary>
    public double? ErrorAmplitudesFrom { get; internal init; }

    /// <summary>Statistics of the error-amplitude pass (null when it did not run); <see cref="ReductionResult.Statistics"/>
    /// are those of the first pass alone.</summary>
    public SimulationStatistics? ErrorAmplitudeStatistics { get; internal init; }
}

/// <summary>Estimated compression error of a spectral-node reduction (see <see cref="SpectralNodeResult.NodeErrorEstimate"/>).</summary>
/// <param name="S">Estimated max error in s.</param>
/// <param name="U">Estimated max error in u.</param>
/// <param name="Mse">Estimated max error in the MSE (NaN for d = ∞).</param>
/// <param name="CoarseNodes">Number of nodes of the coarser compression compared with.</param>
public sealed record NodeErrorEstimate(double S, double U, double Mse, int CoarseNodes)
{
    /// <summary>max(S, U).</summary>
    public double Max => Math.Max(S, U);
}

/// <summary>The closed, dimension-free reduction of gradient flow in (Θ, E_1..E_M) of spec §4, integrated with Rodas4 and
/// a diagonal + rank-two Jacobian (O(M) per step). The state is Θ and the node amplitudes F_j = 8λ_j E_j, so that
/// w_i(t) = e^{4λ_iΘ} w_i(0) + w*_i F_j for every mode i of node j:
/// <c>Θ' = s* − 3s</c>, <c>F_j' = 4λ_j Θ' F_j + 8λ_j u</c>, with
/// <c>u = Σ λ_j (B_j z_j + C_j F_j)</c>, <c>s = Σ λ_j (A_j z_j² + 2B_j z_j F_j + C_j F_j²)</c>, <c>z_j = e^{4λ_jΘ}</c>.
/// F_j' is the recursion E_j(t+h) = e^{4λ_jΔΘ}E_j(t) + ∫ e^{4λ_j(Θ(t+h)−Θ(τ))}u dτ in differential form: no
/// e^{−4λΘ} is ever formed, and z_j underflows harmlessly to 0 as Θ → −∞.
/// Any single-index model (spec single-index §4, <see cref="SpectralNodes.Loss"/>): with α = −2P_s, β = −P_u and Φ = ∫α = 4Θ,
/// <c>Θ' = α/4</c> and <c>F_j' = 4λ_j(Θ' F_j + β/4)</c> (phase retrieval: α = 4(s* − 3s), β = 8u); P is evaluated at the
/// nearest possible overlaps. The critical crossing is the first root of P_s.</summary>
public static class SpectralNodeReduction
{
    /// <summary>Integrates the reduction on <paramref name="nodes"/> from Θ = 0, F = 0 to <paramref name="horizon"/>.</summary>
    /// <exception cref="InvalidParameterException">Invalid horizon or options.</exception>
    /// <exception cref="SimulationFailedException">The integration could not finish; says when.</exception>
    public static SpectralNodeResult Solve(SpectralNodes nodes, double horizon, SpectralNodeOptions? options = null,
        IProgress<SimulationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        options ??= new SpectralNodeOptions();
        Validate(options, horizon);
        var result = SolveOnce(nodes, horizon, options, progress, cancellationToken);
        if (options.EstimateNodeError && nodes.CanCoarsen && result.IsValid)
        {
            var coarse = nodes.Coarsen();
            var other = SolveOnce(coarse, horizon, options, null, cancellationToken);
            if (!other.IsValid) return result;
            var (ds, du, dm) = result.Trajectory.MaxDeviation(other.Trajectory);
            result.NodeErrorEstimate = new NodeErrorEstimate(ds / 3, du / 3, double.IsFinite(nodes.Dimension) ? dm / 3 : double.NaN, coarse.Count);
        }
        return result;
    }

    /// <summary>The exact reduction of a direct gradient-flow problem (one node per distinct eigenvalue) — or, with
    /// <paramref name="nodes"/>, its compression — integrated to the problem's horizon.</summary>
    public static SpectralNodeResult Solve(PhaseRetrievalProblem problem, int? nodes = null, SpectralNodeOptions? options = null,
        IProgress<SimulationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var spectral = nodes is { } m ? SpectralNodes.Compressed(problem, m) : SpectralNodes.Exact(problem);
        return Solve(spectral, problem.Horizon, options, progress, cancellationToken);
    }

    private static SpectralNodeResult SolveOnce(SpectralNodes nodes, double horizon, SpectralNodeOptions options,
        IProgress<SimulationProgress>? progress, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        var system = new NodeSystem(nodes);
        var generic = system.Loss; // null: phase retrieval, on its hand-written expressions
        int n = nodes.Count + 1;
        double sStar = nodes.SStar;
        double dimension = nodes.Dimension;
        var samples = new List<TrajectorySample>();
        double maxS = nodes.InitialS, maxTheta = 0, maxThetaTime = 0;

        void Record(double t, ReadOnlySpan<double> y)
        {
            var m = system.Moments(y);
            // ‖w ∓ w*‖²: the sign chosen only where w and −w are equivalent (an even student; always for phase retrieval).
            double cross = generic is null || generic.SignInvariant ? Math.Abs(m.Overlap) : m.Overlap;
            // Negative only by rounding (the validity check holds it to that): reported as 0.
            double mse = double.IsFinite(dimension) ? Math.Max(0, m.NormSquared + nodes.TeacherNormSquared - 2 * cross) / dimension : double.NaN;
            double loss = generic is null ? 3 * m.S * m.S + 3 * sStar * sStar - 4 * m.U * m.U - 2 * sStar * m.S : system.LossAt(m.S, m.U);
            samples.Add(new TrajectorySample(t, m.S, m.U, mse, loss, [y[0]]));
            maxS = Math.Max(maxS, m.S);
        }

        // Markers reached by w(0) are set at t = 0; the others are located on the dense output.
        var markers = new MarkerTracker();
        double escapeLevel = options.EscapeThreshold * sStar, crossingLevel = sStar / 3;
        double transitionLevel = (1.0 / 3 + options.TransitionMargin) * sStar;
        var escape = markers.Add("escape", escapeLevel, eventFunction: (_, y) => Math.Abs(system.Moments(y).U) - escapeLevel);
        // The critical crossing is where α = −2P_s changes sign (Φ at its maximum): the first root of P_s (spec single-index §5),
        // for phase retrieval s = s*/3, which stays the observable there. The transition end s ≥ (1/3 + s_0)s* is phase
        // retrieval's Phase IIa (P_s a function of s alone); no analogue is derived for a P_s that depends on u too, so other
        // models leave it unset.
        LevelMarker crossing;
        LevelMarker? transitionEnd = null;
        if (generic is null)
        {
            crossing = markers.Add("critical crossing", crossingLevel, eventFunction: (_, y) => system.Moments(y).S - crossingLevel);
            transitionEnd = markers.Add("transition end", transitionLevel, eventFunction: (_, y) => system.Moments(y).S - transitionLevel);
        }
        else
        {
            crossing = markers.Add("critical crossing", 0, eventFunction: (_, y) =>
            {
                var m = system.Moments(y);
                return system.PsAt(m.S, m.U);
            });
        }
        escape.Observe(0, Math.Abs(nodes.InitialU));
        crossing.Observe(0, generic is null ? nodes.InitialS : system.PsAt(nodes.InitialS, nodes.InitialU));
        transitionEnd?.Observe(0, nodes.InitialS);
        var events = markers.PendingEvents().ToList();
        // Terminal, so no sample or marker comes from past the first violation. The state starts at Θ = 0, F = 0: w(0) itself.
        bool violated = false;
        double Margin(ReadOnlySpan<double> y)
        {
            double m = system.Margin(y);
            violated |= m >= 0;
            return m;
        }
        if (options.CheckValidity) events.Add(new OdeEvent(InvalidEvent, (_, y) => Margin(y), EventDirection.Rising, Terminal: true));
        // Where the error amplitudes take over (see SpectralNodeResult.ErrorAmplitudesFrom): only a polynomial P expands
        // into a coupling without constant term, and only finite d has an MSE.
        bool track = options.TrackErrorAmplitudes && double.IsFinite(dimension) && nodes.Loss is PhaseRetrievalLoss or PolynomialLoss;
        bool signInvariant = generic is null || generic.SignInvariant;
        double? seedT = null;
        double[]? seedY = null;
        int seedSigma = 1;
        void Seed(double t, ReadOnlySpan<double> y)
        {
            var m = system.Moments(y);
            int sigma = signInvariant && m.Overlap < 0 ? -1 : 1;
            if (m.NormSquared + nodes.TeacherNormSquared - 2 * sigma * m.Overlap > nodes.TeacherNormSquared / 4) return;
            (seedT, seedY, seedSigma) = (t, y.ToArray(), sigma);
        }
        var throttle = new ThrottledProgress(progress);
        long accepted = 0;
        bool AfterStep(IDenseStep step)
        {
            accepted++;
            var y = step.YEnd;
            // The step that holds the violation (its end evaluated by the event) was cut there: its end is not part of the run.
            if (violated) return true;
            if (track && seedT is null) Seed(step.TEnd, y);
            if (y[0] > maxTheta)
            {
                maxTheta = y[0];
                maxThetaTime = step.TEnd;
            }
            maxS = Math.Max(maxS, system.Moments(y).S);
            throttle.Report(step.TEnd, horizon, accepted);
            return true;
        }
        // Θ enters through z_j = e^{4λ_jΘ}, so its scale is 1/λ_max: with λ = 1e100 an absolute 1e-14 on Θ accepted anything
        // (s 6 % off at t = 1e-140, exit 0). Θ's atol is kept at most 1e-3 × that scale; for λ_max ≤ 1e3 nothing changes.
        double lambdaMax = 0;
        foreach (double l in nodes.Lambda) lambdaMax = Math.Max(lambdaMax, l);
        double[]? atols = null;
        if (lambdaMax > 1e3)
        {
            atols = new double[n];
            Array.Fill(atols, options.AbsoluteTolerance);
            atols[0] = options.AbsoluteTolerance * 1e3 / lambdaMax;
        }
        var odeOptions = new OdeOptions
        {
            RelativeTolerance = options.RelativeTolerance,
            AbsoluteTolerance = options.AbsoluteTolerance,
            AbsoluteTolerances = atols,
            MaxSteps = options.MaxSteps,
            OutputTimes = options.Output.Resolve(horizon, integerSteps: false),
            OutputHandler = Record,
            Events = events,
            StepCallback = AfterStep,
        };
        string method = $"spectral-node reduction, {nodes.Count} nodes, Rodas4";
        if (track) Seed(0, new double[n]);
        var solver = Rosenbrock.Rodas4(new DiagonalLowRankJacobianSolver(n, 2, system.Jacobian), autonomous: true);
        OdeSolution solution;
        try
        {
            solution = solver.Solve(new OdeProblem(system.Function, 0, new double[n], horizon), odeOptions, null, cancellationToken);
        }
        catch (OdeIntegrationException e)
        {
            throw SimulationFailedException.FromIntegration(method, e, new Trajectory(samples.ToArray(), ["theta"], TimeUnit.Time, double.NaN));
        }
        markers.Locate(solution.Events);
        ReductionViolation? invalid = solution.TerminalEvent is { Name: InvalidEvent } stop ? system.Describe(stop.T, stop.Y.ToArray()) : null;
        SimulationStatistics? errorStatistics = null;
        if (seedT is { } te && seedY is not null && te < solution.T)
            errorStatistics = NodeErrorPass.Run(nodes, options, atols?[0] ?? options.AbsoluteTolerance, method, seedSigma, te, seedY, solution.T, samples, cancellationToken);
        var st = solution.Statistics;
        progress?.Report(new SimulationProgress(solution.T, horizon, st.AcceptedSteps));
        return new SpectralNodeResult(new Trajectory(samples.ToArray(), ["theta"], TimeUnit.Time, double.NaN),
            new PhaseMarkers(escape.Time, options.EscapeThreshold, crossing.Time, maxS),
            new SimulationStatistics(method, st.AcceptedSteps, st.RejectedSteps, st.FunctionEvaluations)
            {
                JacobianEvaluations = st.JacobianEvaluations,
                LinearSolves = st.LinearSolves,
            },
            Stopwatch.GetElapsedTime(started), nodes, solution.Y[0], maxTheta, maxThetaTime, transitionEnd?.Time, solution.T, invalid)
        {
            ErrorAmplitudesFrom = errorStatistics is null ? null : seedT,
            ErrorAmplitudeStatistics = errorStatistics,
        };
    }

    private const string InvalidEvent = "invalid node state";

    private static void Validate(SpectralNodeOptions o, double horizon)
    {
        Guard.Positive(horizon, "horizon");
        Guard.Between(o.RelativeTolerance, 0, 0.1, "rtol", "(0, 0.1)");
        Guard.NonNegative(o.AbsoluteTolerance, "atol");
        Guard.AtLeast(o.MaxSteps, 1, "maxSteps");
        Guard.Between(o.EscapeThreshold, 0, 1, "escapeThreshold", "(0, 1)");
        Guard.Between(o.TransitionMargin, 0, 2.0 / 3, "transitionMargin", "(0, 2/3)");
        ArgumentNullException.ThrowIfNull(o.Output);
    }

    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>Moments of the weights represented by a node state.</summary>
internal readonly record struct NodeMoments(double S, double U, double NormSquared, double Overlap);

/// <summary>Right-hand side and structured Jacobian of the node system, state (Θ, F_1..F_M).</summary>
internal sealed class NodeSystem(SpectralNodes nodes)
{
    private readonly double[] _lambda = nodes.Lambda.ToArray(), _a = nodes.A.ToArray(), _b = nodes.B.ToArray(), _c = nodes.C.ToArray();
    private readonly double _sStar = nodes.SStar;

    /// <summary>The model's loss, or null for phase retrieval, whose Θ' = s* − 3s and γ = 2u keep their hand-written
    /// arithmetic (the same floating-point operations as before the generic law).</summary>
    public SingleIndexLoss? Loss { get; } = nodes.Loss is PhaseRetrievalLoss ? null : nodes.Loss;

    /// <summary>The nearest overlaps real weights have (s ≥ 0, u² ≤ s·s*), where a generic P is evaluated: the node state
    /// represents real weights, so this moves (s, u) by rounding only, but keeps P's domain (e.g. ReLU's u/√(s s*)).</summary>
    private (double S, double U) Possible(double s, double u)
    {
        s = Math.Max(s, 0);
        double bound = Math.Sqrt(s * _sStar);
        return (s, Math.Clamp(u, -bound, bound));
    }

    private LossDerivatives DerivativesAt(double s, double u)
    {
        // A trial stage of a too-long step can overflow z_j: NaN makes the integrator reject the step and retry shorter,
        // where the model's range check would end the run (He₃ collapsing to w = 0 over t ≤ 1e8 did).
        if (!double.IsFinite(s) || !double.IsFinite(u)) return new LossDerivatives(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        var (ps, pu) = Possible(s, u);
        return Loss!.Derivatives(ps, pu, _sStar);
    }

    /// <summary>P_s at the nearest possible overlaps (generic models only): the critical crossing is its first root.</summary>
    public double PsAt(double s, double u) => DerivativesAt(s, u).Ps;

    /// <summary>P + σ² at the nearest possible overlaps (generic models only).</summary>
    public double LossAt(double s, double u)
    {
        var (ps, pu) = Possible(s, u);
        return Loss!.Loss(ps, pu, _sStar);
    }
    private readonly double[] _z = new double[nodes.Count];
    private double _zTheta = double.NaN;

    /// <summary>z_j = e^{4λ_jΘ}, cached for the last Θ: the events and the check at a step end share one Θ, and the exps
    /// dominate the cost of a node evaluation. z_j only multiplies A_j and B_j, so it is 0 where both are: exact, and it
    /// keeps a start without weight there (w(0) = 0, Θ = s*·t) from overflowing z into 0·∞ = NaN (t ≈ 290 at a = 2).</summary>
    private double[] Z(double theta)
    {
        if (!theta.Equals(_zTheta))
        {
            for (int j = 0; j < _lambda.Length; j++) _z[j] = _a[j] == 0 && _b[j] == 0 ? 0 : Math.Exp(4 * _lambda[j] * theta);
            _zTheta = theta;
        }
        return _z;
    }

    private const double Eps = 2.220446049250313e-16;

    /// <summary>max over the violated inequalities of (excess − slack)/slack, or −1 while all hold. Slack: 16ε times the sum of the
    /// absolute terms, the rounding of these sums; integration errors in (Θ, F) cannot break the inequalities, since each
    /// node's Σw_i² is a positive semidefinite form in (z_j, F_j).</summary>
    public double Margin(ReadOnlySpan<double> y) => Check(y).Margin;

    /// <summary>The worst inequality at <paramref name="t"/>.</summary>
    public ReductionViolation Describe(double t, ReadOnlySpan<double> y)
    {
        var w = Check(y);
        string statement = w.Index switch
        {
            -1 => w.Which == MomentInequality.NonNegativity ? "0 ≤ s" : "u² ≤ s·s*",
            -2 => "(wᵀw*)² ≤ ‖w‖²·‖w*‖²",
            int j => w.Which == MomentInequality.NonNegativity ? $"0 ≤ W_{j} = Σ_(i∈node {j}) w_i²" : $"(Σ_(i∈node {j}) w*_i w_i)² ≤ W_{j}·C_{j}",
        };
        return new ReductionViolation(t, w.Which, w.Index, w.Left, w.Right, w.Slack, statement);
    }

    private (double Margin, MomentInequality Which, int Index, double Left, double Right, double Slack) Check(ReadOnlySpan<double> y)
    {
        // −1 while everything holds (the event only needs the sign change; no division per node on the common path).
        var worst = (Margin: -1.0, Which: MomentInequality.NonNegativity, Index: 0, Left: 0.0, Right: 0.0, Slack: 0.0);
        void Consider(double left, double right, double slack, MomentInequality which, int index)
        {
            // Exactly at the edge of its slack (also 0 = 0, as for w = 0) still holds; NaN is the worst violation.
            double excess = left - right - slack;
            if (excess <= 0) return;
            double m = excess / Math.Max(slack, 1e-300);
            if (double.IsNaN(m)) m = double.PositiveInfinity;
            if (m > worst.Margin) worst = (m, which, index, left, right, slack);
        }
        double s = 0, u = 0, norm = 0, overlap = 0, sTerms = 0, uTerms = 0, normTerms = 0, overlapTerms = 0, teacher = 0;
        var zs = Z(y[0]);
        for (int j = 0; j < _lambda.Length; j++)
        {
            double l = _lambda[j], z = zs[j], f = y[j + 1];
            double wj = _a[j] * z * z + 2 * _b[j] * z * f + _c[j] * f * f, oj = _b[j] * z + _c[j] * f;
            double wTerms = _a[j] * z * z + 2 * Math.Abs(_b[j] * z * f) + _c[j] * f * f, oTerms = Math.Abs(_b[j] * z) + Math.Abs(_c[j] * f);
            Consider(0, wj, 16 * Eps * wTerms, MomentInequality.NonNegativity, j);
            Consider(oj * oj, wj * _c[j], 16 * Eps * (oTerms * oTerms + wTerms * _c[j]), MomentInequality.CauchySchwarz, j);
            norm += wj; overlap += oj; s += l * wj; u += l * oj; teacher += _c[j];
            normTerms += wTerms; overlapTerms += oTerms; sTerms += l * wTerms; uTerms += l * oTerms;
        }
        Consider(0, s, 16 * Eps * sTerms, MomentInequality.NonNegativity, -1);
        Consider(u * u, s * _sStar, 16 * Eps * (uTerms * uTerms + sTerms * _sStar), MomentInequality.CauchySchwarz, -1);
        Consider(overlap * overlap, norm * teacher, 16 * Eps * (overlapTerms * overlapTerms + normTerms * teacher), MomentInequality.CauchySchwarz, -2);
        return worst;
    }

    public NodeMoments Moments(ReadOnlySpan<double> y)
    {
        double s = 0, u = 0, norm = 0, overlap = 0;
        var zs = Z(y[0]);
        for (int j = 0; j < _lambda.Length; j++)
        {
            double l = _lambda[j], z = zs[j], f = y[j + 1];
            double wj = _a[j] * z * z + 2 * _b[j] * z * f + _c[j] * f * f, oj = _b[j] * z + _c[j] * f;
            norm += wj;
            overlap += oj;
            s += l * wj;
            u += l * oj;
        }
        return new NodeMoments(s, u, norm, overlap);
    }

    public void Function(double t, ReadOnlySpan<double> y, Span<double> dy)
    {
        var m = Moments(y);
        if (Loss is not null)
        {
            // Φ = 4Θ: Θ' = α/4 = −P_s/2 and γ = β/4 = −P_u/4 (spec single-index §4; powers of two, exact).
            var p = DerivativesAt(m.S, m.U);
            double rate = -0.5 * p.Ps, gamma = -0.25 * p.Pu;
            dy[0] = rate;
            for (int j = 0; j < _lambda.Length; j++) dy[j + 1] = 4 * _lambda[j] * (rate * y[j + 1] + gamma);
            return;
        }
        double thetaDot = _sStar - 3 * m.S;
        dy[0] = thetaDot;
        for (int j = 0; j < _lambda.Length; j++)
        {
            double l = _lambda[j];
            dy[j + 1] = 4 * l * (thetaDot * y[j + 1] + 2 * m.U);
        }
    }

    /// <summary>Phase retrieval: J = diag(0, 4λ_jΘ') + a (−3∇s)ᵀ + b (∇u)ᵀ with a = (1, 4λ_j F_j), b = (0, 8λ_j). Other
    /// models: J = diag(0, 4λ_jΘ') + a (∇s)ᵀ + b (∇u)ᵀ with a = (Θ'_s, 4λ_j(F_jΘ'_s + γ_s)), b = (Θ'_u, 4λ_j(F_jΘ'_u + γ_u)),
    /// where (Θ'_s, Θ'_u) = −(P_ss, P_su)/2 and (γ_s, γ_u) = −(P_su, P_uu)/4.</summary>
    public void Jacobian(double t, ReadOnlySpan<double> y, Span<double> diagonal, Span<double> u, Span<double> v)
    {
        if (Loss is not null)
        {
            GenericJacobian(y, diagonal, u, v);
            return;
        }
        int n = _lambda.Length + 1;
        double s = 0, dsTheta = 0, duTheta = 0;
        var zs = Z(y[0]);
        for (int j = 0; j < _lambda.Length; j++)
        {
            double l = _lambda[j], z = zs[j], f = y[j + 1];
            s += l * (_a[j] * z * z + 2 * _b[j] * z * f + _c[j] * f * f);
            dsTheta += 8 * l * l * z * (_a[j] * z + _b[j] * f);
            duTheta += 4 * l * l * _b[j] * z;
            // ∂s/∂F_j and ∂u/∂F_j, negated/scaled below.
            v[j + 1] = -3 * 2 * l * (_b[j] * z + _c[j] * f);
            v[n + j + 1] = l * _c[j];
        }
        double thetaDot = _sStar - 3 * s;
        diagonal[0] = 0;
        u[0] = 1;
        u[n] = 0;
        v[0] = -3 * dsTheta;
        v[n] = duTheta;
        for (int j = 0; j < _lambda.Length; j++)
        {
            double l = _lambda[j];
            diagonal[j + 1] = 4 * l * thetaDot;
            u[j + 1] = 4 * l * y[j + 1];
            u[n + j + 1] = 8 * l;
        }
    }

    private void GenericJacobian(ReadOnlySpan<double> y, Span<double> diagonal, Span<double> u, Span<double> v)
    {
        int n = _lambda.Length + 1;
        double s = 0, uu = 0, dsTheta = 0, duTheta = 0;
        var zs = Z(y[0]);
        for (int j = 0; j < _lambda.Length; j++)
        {
            double l = _lambda[j], z = zs[j], f = y[j + 1];
            s += l * (_a[j] * z * z + 2 * _b[j] * z * f + _c[j] * f * f);
            uu += l * (_b[j] * z + _c[j] * f);
            dsTheta += 8 * l * l * z * (_a[j] * z + _b[j] * f);
            duTheta += 4 * l * l * _b[j] * z;
            v[j + 1] = 2 * l * (_b[j] * z + _c[j] * f);
            v[n + j + 1] = l * _c[j];
        }
        var p = DerivativesAt(s, uu);
        double rate = -0.5 * p.Ps, rateS = -0.5 * p.Pss, rateU = -0.5 * p.Psu, gammaS = -0.25 * p.Psu, gammaU = -0.25 * p.Puu;
        diagonal[0] = 0;
        u[0] = rateS;
        u[n] = rateU;
        v[0] = dsTheta;
        v[n] = duTheta;
        for (int j = 0; j < _lambda.Length; j++)
        {
            double l = _lambda[j], f = y[j + 1];
            diagonal[j + 1] = 4 * l * rate;
            u[j + 1] = 4 * l * (f * rateS + gammaS);
            u[n + j + 1] = 4 * l * (f * rateU + gammaU);
        }
    }
}
