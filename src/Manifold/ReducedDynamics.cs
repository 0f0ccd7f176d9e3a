using PhaseFlow.Foundation;
using PhaseFlow.Ode;

namespace PhaseFlow.Manifold;

/// <summary>A run of the reduced dynamics: the model, the initial group values, the method and the horizon.</summary>
public sealed class ManifoldProblem
{
    private readonly double[] _initial;

    /// <summary>Creates the problem; <paramref name="initial"/> is copied.</summary>
    /// <param name="model">The reduced model.</param>
    /// <param name="initial">x(0), one finite value per group (e.g. <see cref="ManifoldModel.Uniform"/>).</param>
    /// <param name="method">The algorithm.</param>
    /// <param name="horizon">A whole number of steps in [1, 2^40] for GD/SpecGD; a time, finite and &gt; 0, for GF/SpecGF.</param>
    /// <param name="stepSize">η̃ (GD) or η (SpecGD), finite and &gt; 0; ignored by the flows.</param>
    public ManifoldProblem(ManifoldModel model, ReadOnlySpan<double> initial, ManifoldMethod method, double horizon, double stepSize = double.NaN)
    {
        Model = Check.NotNull(model, "model");
        model.CheckLength(initial, "initial");
        Check.Finite(initial, "initial");
        _initial = initial.ToArray();
        if (!Enum.IsDefined(method)) throw new InvalidParameterException("method", "gd, specgd, gf or specgf", method.ToString());
        Method = method;
        if (method.IsDiscrete())
        {
            if (!(horizon >= 1 && horizon <= MaxSteps) || horizon != Math.Floor(horizon))
                throw new InvalidParameterException("steps", "a whole number in [1, 2^40]", Check.F(horizon));
            StepSize = Check.Positive(stepSize, "eta");
        }
        else
        {
            Check.Positive(horizon, "horizon");
            StepSize = double.NaN;
        }
        Horizon = horizon;
    }

    /// <summary>Largest number of steps of a map.</summary>
    public const double MaxSteps = 1L << 40;

    /// <summary>The model.</summary>
    public ManifoldModel Model { get; }

    /// <summary>x(0).</summary>
    public ReadOnlySpan<double> Initial => _initial;

    /// <summary>The algorithm.</summary>
    public ManifoldMethod Method { get; }

    /// <summary>Steps (maps) or final time (flows).</summary>
    public double Horizon { get; }

    /// <summary>η̃ or η (NaN for flows).</summary>
    public double StepSize { get; }
}

/// <summary>What a run records and how it is integrated. Immutable (lists are copied when set); the solvers validate it.</summary>
public sealed record ManifoldOptions
{
    /// <summary>Output times (steps for the maps). Null: 1001 evenly spaced times from 0 to the horizon (every step when
    /// there are at most 1000).</summary>
    public OutputSchedule? Output { get; init; }

    /// <summary>Loss levels ε whose first crossing L &lt; ε is reported; each finite and &gt; 0. Default 1e-3 and 1e-5.</summary>
    public IReadOnlyList<double> LossLevels { get; init => field = value?.ToArray().AsReadOnly()!; } = [1e-3, 1e-5];

    /// <summary>Escape: the first time α a²/ρ ≥ this level, in (0, 1). Default 1/2.</summary>
    public double EscapeLevel { get; init; } = 0.5;

    /// <summary>SpecGD: sign(g_i x_i) counts as 0 when |g_i x_i| ≤ SignCutoff · max_j |g_j x_j| — the rule the exact polar
    /// factor applies to the singular values |g_i x_i| of the gradient on the manifold (<see cref="PolarOptions.RelativeCutoff"/>).
    /// In [0, 1e-3]; default 1e-12.</summary>
    public double SignCutoff { get; init; } = 1e-12;

    /// <summary>GF: relative tolerance of Rodas4, in (0, 1). Default 1e-10.</summary>
    public double RelativeTolerance { get; init; } = 1e-10;

    /// <summary>GF: absolute tolerance, ≥ 0. Default 1e-14.</summary>
    public double AbsoluteTolerance { get; init; } = 1e-14;

    /// <summary>SpecGF: largest number of switching events before the run stops with <see cref="ManifoldSolverException"/>
    /// (guards against Zeno behaviour). Default 10^6.</summary>
    public long MaxEvents { get; init; } = 1_000_000;

    /// <summary>A run whose loss exceeds this factor times max(L(0), c_L σ_max² ρ²) is declared diverged. Default 1e8.</summary>
    public double DivergenceFactor { get; init; } = 1e8;

    internal void Validate()
    {
        Check.NotNull(LossLevels, "LossLevels");
        for (int i = 0; i < LossLevels.Count; i++) Check.Positive(LossLevels[i], $"LossLevels[{i}]");
        Check.Open01(EscapeLevel, "EscapeLevel");
        if (!(SignCutoff >= 0 && SignCutoff <= 1e-3)) throw new InvalidParameterException("SignCutoff", "in [0, 1e-3]", Check.F(SignCutoff));
        Check.Open01(RelativeTolerance, "RelativeTolerance");
        Check.NonNegative(AbsoluteTolerance, "AbsoluteTolerance");
        Check.InRange(MaxEvents, 1, long.MaxValue, "MaxEvents");
        if (!(DivergenceFactor > 1) || !double.IsFinite(DivergenceFactor))
            throw new InvalidParameterException("DivergenceFactor", "finite and > 1", Check.F(DivergenceFactor));
    }

    internal double[] ResolveOutput(double horizon, bool discrete)
    {
        if (Output is { } schedule) return schedule.Resolve(horizon, discrete);
        int count = discrete ? (int)Math.Min(horizon, 1000) : 1000;
        var times = new double[count + 1];
        for (int i = 0; i <= count; i++) times[i] = horizon * i / count;
        times[^1] = horizon;
        return OutputSchedule.At(times).Resolve(horizon, discrete);
    }
}

/// <summary>The reduced dynamics on the manifold (exact there): the GD and SpecGD maps, the GF and SpecGF flows.</summary>
public static class ReducedDynamics
{
    /// <summary>One GD step x_i ← (1 − η̃ g_i) x_i, in place; <paramref name="rates"/> receives the g_i used.</summary>
    public static void GradientDescentStep(ManifoldModel model, double stepSize, Span<double> x, Span<double> rates)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Rates(x, rates);
        for (int i = 0; i < x.Length; i++) x[i] *= 1 - stepSize * rates[i];
    }

    /// <summary>One SpecGD step x_i ← x_i − η sign(g_i x_i), in place, where sign counts as 0 when
    /// |g_i x_i| ≤ <paramref name="cutoff"/>·max_j |g_j x_j| (the polar factor drops singular values that are zero relative to
    /// the largest); <paramref name="rates"/> receives the g_i used.</summary>
    public static void SpectralStep(ManifoldModel model, double stepSize, Span<double> x, Span<double> rates, double cutoff = 1e-12)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Rates(x, rates);
        double max = 0;
        for (int i = 0; i < x.Length; i++) max = Math.Max(max, Math.Abs(rates[i] * x[i]));
        double cut = cutoff * max;
        for (int i = 0; i < x.Length; i++)
        {
            double gx = rates[i] * x[i];
            if (Math.Abs(gx) > cut) x[i] -= stepSize * Math.Sign(gx);
        }
    }

    /// <summary>Runs the problem to its horizon.</summary>
    /// <exception cref="InvalidParameterException">Invalid options.</exception>
    /// <exception cref="ManifoldDivergedException">The run diverged; says at which step or time.</exception>
    /// <exception cref="ManifoldSolverException">SpecGF exceeded its event limit.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static ManifoldResult Solve(ManifoldProblem problem, ManifoldOptions? options = null, IProgress<SimulationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        options ??= new ManifoldOptions();
        options.Validate();
        var model = problem.Model;
        if (!double.IsFinite(model.Loss(problem.Initial)))
            throw new InvalidParameterException("initial", "a state whose loss is finite (the loss is quartic in the state)", Check.F(model.Loss(problem.Initial)));
        var tracker = new RunTracker(model.GroupCount, model.GroupNames, model.Alpha, model.Rho, options, hasDistance: false, progress);
        return problem.Method switch
        {
            ManifoldMethod.GradientDescent or ManifoldMethod.SpectralGradientDescent => SolveMap(problem, options, tracker, cancellationToken),
            ManifoldMethod.GradientFlow => SolveFlow(problem, options, tracker, cancellationToken),
            _ => SolveSpectralFlow(problem, options, tracker, cancellationToken),
        };
    }

    private static double DivergenceLevel(ManifoldModel model, double initialLoss, ManifoldOptions options)
    {
        double sMax = model.Sigma.ToArray().Max();
        return options.DivergenceFactor * Math.Max(initialLoss, model.LossScale * sMax * sMax * model.Rho * model.Rho);
    }

    private static ManifoldSample Sample(ManifoldModel model, long index, double time, ReadOnlySpan<double> x, double loss) =>
        new(index, time, x.ToArray(), loss, model.Alignment(x), 0);

    private static (double A2, double B2) SignalSpike(ManifoldModel model, ReadOnlySpan<double> x)
    {
        double a = x[model.SignalGroup], b = model.SpikeGroup >= 0 ? x[model.SpikeGroup] : 0;
        return (a * a, b * b);
    }

    private static ManifoldResult SolveMap(ManifoldProblem problem, ManifoldOptions options, RunTracker tracker, CancellationToken ct)
    {
        var model = problem.Model;
        bool spectral = problem.Method == ManifoldMethod.SpectralGradientDescent;
        string name = spectral ? "reduced SpecGD" : "reduced GD";
        long steps = (long)problem.Horizon;
        double eta = problem.StepSize;
        var outputs = options.ResolveOutput(problem.Horizon, discrete: true);
        int g = model.GroupCount;
        var x = problem.Initial.ToArray();
        var rates = new double[g];
        var signs = new double[g];
        int next = 0;
        double loss = model.Loss(x), limit = DivergenceLevel(model, loss, options);
        for (long k = 0; ; k++)
        {
            model.Rates(x, rates);
            for (int i = 0; i < g; i++) signs[i] = Math.Sign(rates[i] * x[i]);
            var (a2, b2) = SignalSpike(model, x);
            tracker.Observe(k * eta, k, a2, b2, loss, signs, 0);
            if (next < outputs.Length && outputs[next] == k) { tracker.Record(Sample(model, k, k * eta, x, loss)); next++; }
            if (k == steps) break;
            if (spectral)
            {
                double max = 0;
                for (int i = 0; i < g; i++) max = Math.Max(max, Math.Abs(rates[i] * x[i]));
                double cut = options.SignCutoff * max;
                for (int i = 0; i < g; i++)
                {
                    double gx = rates[i] * x[i];
                    if (Math.Abs(gx) > cut) x[i] -= eta * Math.Sign(gx);
                }
            }
            else
                for (int i = 0; i < g; i++) x[i] *= 1 - eta * rates[i];
            loss = model.Loss(x);
            if (!double.IsFinite(loss) || loss > limit)
                throw tracker.Diverged(name, (k + 1) * eta, k + 1,
                    double.IsFinite(loss) ? $"the loss grew to {loss:G3} from {model.Loss(problem.Initial):G3}" : "values overflowed or became NaN");
            if (((k + 1) & 4095) == 0)
            {
                ct.ThrowIfCancellationRequested();
                tracker.Report(k + 1, steps, k + 1);
            }
        }
        tracker.Report(steps, steps, steps, force: true);
        return new ManifoldResult(problem.Method, eta, tracker.Trajectory(), x, loss, tracker.Stages(model.SpikeGroup, null), tracker.Extremes(), [],
            new ManifoldStatistics(name, steps, steps + 1), tracker.Elapsed);
    }

    /// <summary>ẋ_i = −g_i x_i with Rodas4 and the exact Jacobian diag(D) + u wᵀ, u_i = −8c_Lα²σ_i x_i, w_j = n_jσ_j x_j,
    /// D_i = −4c_Lασ_i(T + 2μ_i) − 16c_Lα²σ_i²x_i² (solved by Sherman–Morrison, O(groups) per step).</summary>
    internal static OdeFunction FlowField(ManifoldModel model)
    {
        var sigma = model.SigmaArray;
        return (_, y, dy) =>
        {
            model.Rates(y, dy);
            for (int i = 0; i < sigma.Length; i++) dy[i] = -dy[i] * y[i];
        };
    }

    private static DiagonalLowRankJacobianSolver FlowJacobian(ManifoldModel model)
    {
        var sigma = model.SigmaArray;
        var n = model.MultiplicityArray;
        int g = sigma.Length, k = model.SignalGroup;
        double alpha = model.Alpha, cl = model.LossScale, rho = model.Rho;
        return new DiagonalLowRankJacobianSolver(g, 1, (_, y, diagonal, u, v) =>
        {
            double t = model.Trace(y);
            for (int i = 0; i < g; i++)
            {
                double mu = sigma[i] * (alpha * y[i] * y[i] - (i == k ? rho : 0));
                diagonal[i] = -4 * cl * alpha * sigma[i] * (t + 2 * mu) - 16 * cl * alpha * alpha * sigma[i] * sigma[i] * y[i] * y[i];
                u[i] = -8 * cl * alpha * alpha * sigma[i] * y[i];
                v[i] = n[i] * sigma[i] * y[i];
            }
        });
    }

    private static ManifoldResult SolveFlow(ManifoldProblem problem, ManifoldOptions options, RunTracker tracker, CancellationToken ct)
    {
        var model = problem.Model;
        const string name = "reduced GF (Rodas4)";
        int g = model.GroupCount;
        var outputs = options.ResolveOutput(problem.Horizon, discrete: false);
        var rates = new double[g];
        var signs = new double[g];
        double initialLoss = model.Loss(problem.Initial), limit = DivergenceLevel(model, initialLoss, options);
        void Observe(double t, ReadOnlySpan<double> y)
        {
            model.Rates(y, rates);
            for (int i = 0; i < g; i++) signs[i] = Math.Sign(rates[i] * y[i]);
            var (a2, b2) = SignalSpike(model, y);
            tracker.Observe(t, null, a2, b2, model.Loss(y), signs, 0);
        }
        var levels = options.LossLevels;
        double escape = options.EscapeLevel * model.Rho / model.Alpha;
        var events = tracker.LevelEvents(l =>
        {
            double level = levels[l];
            return (_, y) => model.Loss(y) - level;
        }, (_, y) => y[model.SignalGroup] * y[model.SignalGroup] - escape).ToList();
        if (g <= 64)
            for (int i = 0; i < g; i++)
            {
                int group = i;
                events.Add(new OdeEvent($"switch:{group}", (_, y) =>
                {
                    double t = model.Trace(y);
                    double mu = model.Sigma[group] * (model.Alpha * y[group] * y[group] - (group == model.SignalGroup ? model.Rho : 0));
                    return (t + 2 * mu) * Math.Sign(y[group]);
                }));
            }
        int index = 0;
        long accepted = 0;
        var odeOptions = new OdeOptions
        {
            RelativeTolerance = options.RelativeTolerance,
            AbsoluteTolerance = options.AbsoluteTolerance,
            OutputTimes = outputs,
            Events = events,
            OutputHandler = (t, y) =>
            {
                tracker.Record(Sample(model, index++, t, y, model.Loss(y)));
                Observe(t, y);
            },
            StepCallback = step =>
            {
                accepted++;
                double loss = model.Loss(step.YEnd);
                if (!double.IsFinite(loss) || loss > limit) return false;
                Observe(step.TEnd, step.YEnd);
                tracker.Report(step.TEnd, problem.Horizon, accepted);
                return true;
            },
        };
        OdeSolution solution;
        try
        {
            solution = Rosenbrock.Rodas4(FlowJacobian(model), autonomous: true)
                .Solve(new OdeProblem(FlowField(model), 0, problem.Initial, problem.Horizon), odeOptions, null, ct);
        }
        catch (OdeIntegrationException e)
        {
            throw new ManifoldDivergedException($"{name} stopped at t = {e.T:G6}: {e.Message}", e.T, null, tracker.Trajectory(), e);
        }
        if (solution.StoppedByCallback)
        {
            double loss = model.Loss(solution.Y.ToArray());
            throw tracker.Diverged(name, solution.T, null,
                double.IsFinite(loss) ? $"the loss grew to {loss:G3} from {initialLoss:G3}" : "values overflowed or became NaN");
        }
        // The first occurrence of each event, located on the dense output, replaces the step-end observation.
        tracker.Locate(solution.Events);
        foreach (var e in solution.Events.Where(e => e.Name.StartsWith("switch:", StringComparison.Ordinal)).GroupBy(e => e.Name).Select(g => g.First()))
            tracker.SetSwitch(int.Parse(e.Name[7..], System.Globalization.CultureInfo.InvariantCulture), new StageTime(e.T, null), located: true);
        var final = solution.Y.ToArray();
        tracker.Report(problem.Horizon, problem.Horizon, accepted, force: true);
        return new ManifoldResult(problem.Method, double.NaN, tracker.Trajectory(), final, model.Loss(final),
            tracker.Stages(model.SpikeGroup, null), tracker.Extremes(), [],
            new ManifoldStatistics(name, solution.Statistics.AcceptedSteps, solution.Statistics.FunctionEvaluations), tracker.Elapsed);
    }

    private static ManifoldResult SolveSpectralFlow(ManifoldProblem problem, ManifoldOptions options, RunTracker tracker, CancellationToken ct)
    {
        var model = problem.Model;
        const string name = "reduced SpecGF (exact Filippov)";
        int g = model.GroupCount;
        double horizon = problem.Horizon;
        var outputs = options.ResolveOutput(horizon, discrete: false);
        var flow = new FilippovSignFlow(model, problem.Initial);
        var x = new double[g];
        var y = new double[g];
        int next = 0, index = 0, seenEvents = 0;
        long pieces = 0;
        StageTime? equilibrium = null;
        void Observe(double t, ReadOnlySpan<double> state)
        {
            var (a2, b2) = SignalSpike(model, state);
            tracker.Observe(t, null, a2, b2, model.Loss(state), [], 0);
        }
        flow.State(x);
        Observe(0, x);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            foreach (var e in flow.Events.Skip(seenEvents)) tracker.SetSwitch(e.Group, new StageTime(e.Time, null));
            seenEvents = flow.Events.Count;
            if (flow.Stationary && equilibrium is null) equilibrium = new StageTime(flow.Time, null);
            double remaining = horizon - flow.Time;
            var (tau, kind, group) = flow.NextEvent(remaining);
            if (kind == FilippovSignFlow.EventKind.None) tau = remaining;
            // Stage crossings (exact, by bisection) and then the outputs inside the piece [Time, Time + τ].
            LocateCrossings(flow, model, tau, tracker, y);
            double end = kind == FilippovSignFlow.EventKind.None ? double.PositiveInfinity : flow.Time + tau; // the last piece takes every remaining output
            while (next < outputs.Length && outputs[next] <= end)
            {
                flow.StateAt(Math.Clamp(outputs[next] - flow.Time, 0, tau), y);
                tracker.Record(Sample(model, index++, outputs[next], y, model.Loss(y)));
                Observe(outputs[next], y);
                next++;
            }
            flow.Advance(tau, kind, group);
            flow.State(x);
            Observe(flow.Time, x);
            if (++pieces > options.MaxEvents)
                throw new ManifoldSolverException(
                    $"{name}: more than {options.MaxEvents} switching events before t = {flow.Time:G6} (the sliding structure is chattering; " +
                    "raise MaxEvents or check the initial state)", flow.Time);
            tracker.Report(flow.Time, horizon, pieces);
            if (kind == FilippovSignFlow.EventKind.None) break;
        }
        foreach (var e in flow.Events.Skip(seenEvents)) tracker.SetSwitch(e.Group, new StageTime(e.Time, null));
        if (flow.Stationary && equilibrium is null) equilibrium = new StageTime(flow.Time, null);
        tracker.Report(horizon, horizon, pieces, force: true);
        return new ManifoldResult(problem.Method, double.NaN, tracker.Trajectory(), x, model.Loss(x), tracker.Stages(model.SpikeGroup, equilibrium),
            tracker.Extremes(), flow.Events.ToArray(), new ManifoldStatistics(name, pieces, pieces), tracker.Elapsed);
    }

    /// <summary>Loss levels and the escape level crossed within the next piece, located by bisection on the exact piecewise
    /// solution (the loss is non-increasing along SpecGF, so its crossing is unique).</summary>
    private static void LocateCrossings(FilippovSignFlow flow, ManifoldModel model, double tau, RunTracker tracker, double[] y)
    {
        if (!(tau > 0)) return;
        double Loss(double s) { flow.StateAt(s, y); return model.Loss(y); }
        double Signal(double s) { flow.StateAt(s, y); return model.Alpha * y[model.SignalGroup] * y[model.SignalGroup] / model.Rho; }
        var levels = tracker.Levels;
        double endLoss = Loss(tau);
        for (int l = 0; l < levels.Count; l++)
            if (!tracker.LossFound(l) && endLoss < levels[l])
                tracker.SetLossBelow(l, new StageTime(flow.Time + Bisect(s => Loss(s) < levels[l], tau), null));
        if (!tracker.EscapeFound)
        {
            double level = tracker.EscapeLevel;
            if (Signal(tau) >= level) tracker.SetEscape(new StageTime(flow.Time + Bisect(s => Signal(s) >= level, tau), null));
        }
    }

    /// <summary>The smallest s in [0, τ] (to rounding) with <paramref name="holds"/>(s), given that it holds at τ.</summary>
    private static double Bisect(Func<double, bool> holds, double tau)
    {
        double lo = 0, hi = tau;
        if (holds(0)) return 0;
        for (int i = 0; i < 200; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) break;
            if (holds(mid)) hi = mid; else lo = mid;
        }
        return hi;
    }
}
