using PhaseFlow.Foundation;
using PhaseFlow.Ode;

namespace PhaseFlow.Core;

/// <summary>Which integrator a gradient-flow run uses.</summary>
public enum GradientFlowIntegrator
{
    /// <summary>Rodas4 with the exact diagonal + rank-2 Jacobian solved by Woodbury: L-stable, O(d) per step, the default.</summary>
    Rodas4,

    /// <summary>Dormand–Prince 5(4), explicit: for short, non-stiff horizons and as an independent cross-check.</summary>
    DormandPrince54,
}

/// <summary>Population gradient flow ẇ = −∇L(w), per eigen-coordinate ẇ_i = λ_i(α w_i + β w*_i) with α = −2P_s(s, u, s*),
/// β = −P_u(s, u, s*) for the model's single-index loss (phase retrieval: α = 4(s* − 3s), β = 8u), integrated by an adaptive
/// ODE solver with dense output. Phase markers are located on the dense output to the solver's accuracy.</summary>
/// <remarks>The flow is stiff (λ_1/λ_d = d^a for power laws, horizons to 1e12): the default Rodas4 + Woodbury takes steps
/// limited by accuracy only, at O(d) work and memory per step.</remarks>
public sealed record PopulationGradientFlow : IDirectSimulator
{
    /// <summary>The default atol, <see cref="ScalesAbsoluteTolerance"/> being set: 1e-9 for problems whose weights are
    /// of order one or larger, scaled down for the others (see <see cref="EffectiveAbsoluteTolerance(PhaseRetrievalProblem)"/>).</summary>
    public const double DefaultAbsoluteTolerance = 1e-9;

    /// <summary>Creates the simulator.</summary>
    /// <param name="relativeTolerance">rtol in (0, 1).</param>
    /// <param name="absoluteTolerance">atol ≥ 0, absolute in the components of w and used as given; null (the default)
    /// for <see cref="DefaultAbsoluteTolerance"/> scaled to the problem.</param>
    /// <param name="integrator">The ODE method.</param>
    /// <param name="maxSteps">Step limit of the integrator.</param>
    public PopulationGradientFlow(double relativeTolerance = 1e-6, double? absoluteTolerance = null,
        GradientFlowIntegrator integrator = GradientFlowIntegrator.Rodas4, long maxSteps = 10_000_000)
    {
        if (!(relativeTolerance > 0 && relativeTolerance < 1))
            throw new InvalidParameterException("rtol", "in (0, 1)", InvalidParameterException.Format(relativeTolerance));
        if (absoluteTolerance is { } atol) Guard.NonNegative(atol, "atol");
        Guard.InRange(maxSteps, 1, long.MaxValue, "maxSteps");
        RelativeTolerance = relativeTolerance;
        AbsoluteTolerance = absoluteTolerance ?? DefaultAbsoluteTolerance;
        ScalesAbsoluteTolerance = absoluteTolerance is null;
        Integrator = integrator;
        MaxSteps = maxSteps;
    }

    /// <summary>rtol.</summary>
    public double RelativeTolerance { get; }

    /// <summary>atol as given (absolute in the components of w), or <see cref="DefaultAbsoluteTolerance"/> when none was
    /// given; a run uses <see cref="EffectiveAbsoluteTolerance(PhaseRetrievalProblem)"/>.</summary>
    public double AbsoluteTolerance { get; }

    /// <summary>True when no atol was given: the default is then scaled to each problem.</summary>
    public bool ScalesAbsoluteTolerance { get; }

    /// <summary>The atol a run of <paramref name="model"/> uses. A given atol is used as is. The default is
    /// 1e-9 · min(1, √(s*/λ_max)): √(s*/λ_max) is the size of w along the top eigenvector at the solution, so the
    /// tolerance stays below the weights however the spectrum is scaled (eigenvalues 1e100 put w* near 1e-50, where an
    /// absolute 1e-9 would accept any answer), while normalised problems (s* = 1, λ ≤ 1) keep exactly 1e-9.</summary>
    public double EffectiveAbsoluteTolerance(PhaseRetrievalModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!ScalesAbsoluteTolerance) return AbsoluteTolerance;
        double scale = Math.Sqrt(Math.Abs(model.SStar) / model.Spectrum.Max);
        return scale >= 1 ? AbsoluteTolerance : AbsoluteTolerance * scale;
    }

    /// <summary>The first step of Rodas4: its default 1e-6·horizon, but at most 1/ρ,
    /// ρ = λ_max(max(α, 0) + 4(max(−P_ss, 0) + |P_su|)s + (max(−P_uu, 0) + |P_su|)s*) bounding the growth rates of the flow at
    /// the start (the positive eigenvalues of the Jacobian diag(αλ) − [2Qw, Qw*] H [2Qw, Qw*]ᵀ: H is bounded above by
    /// the diagonal of its absolute row sums, and [2Qw, Qw*]ᵀ[2Qw, Qw*] by λ_max [[4s, ·], [·, s*]]). Phase retrieval:
    /// ρ = 4λ_max(max(s* − 3s, 0) + 2s*), to the last bit. An L-stable step
    /// with hρ far past 1/γ = 4 damps a growing mode instead of following it, and near the fixed point w = 0 its error
    /// estimate is as small as w: a start of size 1e-3 at horizon 1e12 (first step 1e6) was carried to w = 0 and reported
    /// as the final state. The bound binds only for horizons beyond about 1e6/ρ.</summary>
    internal static double Rodas4InitialStep(PhaseRetrievalModel model, SummaryStatistics start, double horizon)
    {
        var p = model.Derivatives(start);
        double su = Math.Abs(p.Psu);
        // Zero terms add exact zeros, so phase retrieval's bound is the product 4λ_max(max(s* − 3s, 0) + 2s*) it always was.
        double rate = model.Spectrum.Max * (Math.Max(-2 * p.Ps, 0) + 4 * (Math.Max(-p.Pss, 0) + su) * start.S
            + (Math.Max(-p.Puu, 0) + su) * model.SStar);
        double h = 1e-6 * horizon;
        return double.IsFinite(rate) && rate * h > 1 ? 1 / rate : h;
    }

    /// <summary>The atol a run of <paramref name="problem"/> uses: <see cref="EffectiveAbsoluteTolerance(PhaseRetrievalModel)"/>,
    /// the default being also at most 1e-6·‖w(0)‖ (the default rtol applied to the start). A start far below the absolute
    /// tolerance is not resolved: from |w(0)| = 1e-20 the flow drifted at the level of atol and ended at w = 0 at t = 100
    /// (true escape near t = 12), from 1e-12 it lost the sign of u. Starts of size 1e-3 or more keep their atol.</summary>
    public double EffectiveAbsoluteTolerance(PhaseRetrievalProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        double atol = EffectiveAbsoluteTolerance(problem.Model);
        if (!ScalesAbsoluteTolerance) return atol;
        double norm = 0;
        foreach (double x in problem.InitialWeights) norm += x * x;
        double start = 1e-6 * Math.Sqrt(norm);
        return start > 0 && start < atol ? start : atol;
    }

    /// <summary>Gradient flow never raises the loss, whatever the model. A sample whose loss exceeds an earlier one (or
    /// L(w(0))) by more than max(1e-3, 10·rtol)·L(w(0)) plus rounding (64ε times the size of the terms P is made of, taken as
    /// |P| + |sP_s| + |uP_u| + σ²: 12s*² at w = w* for phase retrieval, as its terms 3s² + 3s*² + 4u² + 2s*s give) is an integration that did not follow the flow: rtol 0.9999 ended at
    /// s = 212 with the loss risen from 2.9 to 1.3e5, atol 1e300 at s = 2e49, both with exit 0.</summary>
    private void CheckLossDoesNotRise(PhaseRetrievalModel model, SummaryStatistics start, Trajectory trajectory)
    {
        double lowest = model.Loss(start), lowestTime = 0;
        double allowed = Math.Max(1e-3, 10 * RelativeTolerance) * Math.Abs(lowest);
        foreach (var p in trajectory.Samples)
        {
            var d = model.Derivatives(new SummaryStatistics(p.S, p.U));
            double noise = model.PopulationLoss.Noise;
            double rounding = 64 * 2.220446049250313e-16 * (Math.Abs(d.Value) + Math.Abs(p.S * d.Ps) + Math.Abs(p.U * d.Pu) + noise * noise);
            if (p.Loss > lowest + allowed + rounding)
                throw new SimulationFailedException(SimulationFailure.Inaccurate,
                    $"{Name} did not follow the flow: the loss rose from {lowest:G6} at t = {lowestTime:G6} to {p.Loss:G6} at t = {p.T:G6}, " +
                    "which gradient flow never does; tighten the tolerance (rtol, atol).", p.T, null, trajectory);
            if (p.Loss < lowest) (lowest, lowestTime) = (p.Loss, p.T);
        }
    }

    /// <summary>The ODE method.</summary>
    public GradientFlowIntegrator Integrator { get; }

    /// <summary>Step limit.</summary>
    public long MaxSteps { get; }

    /// <inheritdoc />
    public string Name => $"population GF ({(Integrator == GradientFlowIntegrator.Rodas4 ? "Rodas4 + Woodbury" : "Dormand–Prince 5(4)")})";

    /// <inheritdoc />
    public TimeUnit Unit => TimeUnit.Time;

    /// <summary>The right-hand side −∇L(w) in the form the ODE solvers take.</summary>
    public static OdeFunction RightHandSide(PhaseRetrievalModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var lambda = model.LambdaArray;
        var qt = model.QTeacherArray;
        var loss = model.PopulationLoss;
        double sStar = model.SStar;
        return (_, w, dw) =>
        {
            var (s, u) = VectorKernels.QuadraticAndCross(lambda, qt, w);
            // An overflowing trial stage is the integrator's to reject (NaN), not the model's range error to end the run.
            if (!double.IsFinite(s) || !double.IsFinite(u))
            {
                dw.Fill(double.NaN);
                return;
            }
            var p = loss.Derivatives(s, u, sStar);
            VectorKernels.FlowField(lambda, qt, w, dw, -2 * p.Ps, -p.Pu);
        };
    }

    /// <summary>The exact Jacobian J = −∇²L = diag(αλ) − [2Qw, Qw*] H [2Qw, Qw*]ᵀ, α = −2P_s, H = [[P_ss, P_su], [P_su, P_uu]],
    /// as a diagonal + rank-2 solver: J = diag(αλ) + a bᵀ + c dᵀ with b = Qw, d = Qw*, a = −(4P_ss Qw + 2P_su Qw*),
    /// c = −(2P_su Qw + P_uu Qw*) (phase retrieval: diag(4λ_i(s* − 3s)) − 24 (Qw)(Qw)ᵀ + 8 (Qw*)(Qw*)ᵀ).</summary>
    public static DiagonalLowRankJacobianSolver StructuredJacobian(PhaseRetrievalModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var lambda = model.LambdaArray;
        var qt = model.QTeacherArray;
        var loss = model.PopulationLoss;
        double sStar = model.SStar;
        int n = lambda.Length;
        return new DiagonalLowRankJacobianSolver(n, 2, (_, w, diagonal, u, v) =>
        {
            var (s, cross) = VectorKernels.QuadraticAndCross(lambda, qt, w);
            var p = loss.Derivatives(s, cross, sStar);
            double alpha = -2 * p.Ps, ww = -4 * p.Pss, wt = -2 * p.Psu, tt = -p.Puu;
            if (wt == 0)
            {
                // No cross term (phase retrieval): the arithmetic it always had, two products per row.
                for (int i = 0; i < n; i++)
                {
                    double qw = lambda[i] * w[i];
                    diagonal[i] = alpha * lambda[i];
                    u[i] = ww * qw;
                    v[i] = qw;
                    u[n + i] = tt * qt[i];
                    v[n + i] = qt[i];
                }
                return;
            }
            for (int i = 0; i < n; i++)
            {
                double qw = lambda[i] * w[i];
                diagonal[i] = alpha * lambda[i];
                u[i] = ww * qw + wt * qt[i];
                v[i] = qw;
                u[n + i] = wt * qw + tt * qt[i];
                v[n + i] = qt[i];
            }
        });
    }

    private IOdeSolver CreateIntegrator(PhaseRetrievalModel model) => Integrator == GradientFlowIntegrator.Rodas4
        ? Rosenbrock.Rodas4(StructuredJacobian(model), autonomous: true)
        : ExplicitRungeKutta.DormandPrince54();

    /// <inheritdoc />
    public SimulationResult Solve(PhaseRetrievalProblem problem, SimulationOptions options, IProgress<SimulationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        SimulationMemory.EnsureFits(this, problem.Model.Dimension);
        var model = problem.Model;
        var recorder = new RunRecorder(Name, model, options, progress, Unit, double.NaN);
        recorder.Notes = SimulationNote.ForStart(problem, stochastic: false);
        double[] outputs = options.Output.Resolve(problem.Horizon, integerSteps: false);
        var ode = new OdeProblem(RightHandSide(model), 0, problem.InitialWeights, problem.Horizon);
        var start = model.Statistics(problem.InitialWeights);
        var lambda = model.LambdaArray;
        var qt = model.QTeacherArray;
        // Markers are events located on the dense output, handed out for both markers before the start is tracked (a
        // marker reached at t = 0 keeps that time). The driver evaluates each event first at the step end, so the
        // tracker retires an event once its threshold has been passed for good and it costs nothing from then on (at
        // large d every pass over w counts). Until then the crossing event also keeps the running maximum of s.
        recorder.Escape.EventFunction = (_, w) => Math.Abs(VectorKernels.QuadraticAndCross(lambda, qt, w).U) - recorder.Escape.Level;
        recorder.CriticalCrossing.EventFunction = (_, w) =>
        {
            var (s, u) = VectorKernels.QuadraticAndCross(lambda, qt, w);
            recorder.ObserveS(s);
            return recorder.CrossingObservable(s, u) - recorder.CriticalCrossing.Level;
        };
        var events = recorder.Tracker.PendingEvents(retireOnceHeld: true);
        recorder.Track(0, start.S, start.U);
        bool AfterStep(IDenseStep _)
        {
            recorder.Tracker.StepAccepted();
            return true;
        }
        var odeOptions = new OdeOptions
        {
            RelativeTolerance = RelativeTolerance,
            AbsoluteTolerance = EffectiveAbsoluteTolerance(problem),
            InitialStep = Integrator == GradientFlowIntegrator.Rodas4 ? Rodas4InitialStep(model, start, problem.Horizon) : null,
            MaxSteps = MaxSteps,
            OutputTimes = outputs,
            OutputHandler = (t, w) => recorder.Record(t, w),
            Events = events,
            StepCallback = AfterStep,
        };
        var odeProgress = progress is null ? null
            : new SynchronousProgress<OdeProgress>(p => recorder.Report(p.T, problem.Horizon, p.AcceptedSteps));
        OdeSolution solution;
        try
        {
            solution = CreateIntegrator(model).Solve(ode, odeOptions, odeProgress, cancellationToken);
        }
        catch (OdeIntegrationException e)
        {
            throw SimulationFailedException.FromIntegration(Name, e, recorder.BuildTrajectory());
        }
        var final = solution.Y.ToArray();
        var end = model.Statistics(final);
        recorder.CheckFinite(problem.Horizon, end.S, end.U, 0);
        CheckLossDoesNotRise(model, start, recorder.BuildTrajectory());
        var st = solution.Statistics;
        recorder.Tracker.Locate(solution.Events);
        recorder.Report(problem.Horizon, problem.Horizon, st.AcceptedSteps, force: true);
        return recorder.Result(final,
            new SimulationStatistics(Name, st.AcceptedSteps, st.RejectedSteps, st.FunctionEvaluations)
            {
                JacobianEvaluations = st.JacobianEvaluations,
                LinearSolves = st.LinearSolves,
            });
    }
}
