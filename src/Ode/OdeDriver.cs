using System.Diagnostics;
using MathNet.Numerics.RootFinding;

namespace PhaseFlow.Ode;

/// <summary>One method's workspace: it forms a step and its interpolant; <see cref="OdeDriver"/> does everything else.</summary>
internal abstract class Stepper : IDenseStep
{
    protected Stepper(OdeProblem problem, OdeOptions options)
    {
        Problem = problem;
        Options = options;
        N = problem.Dimension;
        Y = problem.InitialState.ToArray();
        YNew = new double[N];
        Norm = new ErrorNorm(options);
    }

    protected OdeProblem Problem { get; }
    protected OdeOptions Options { get; }
    protected int N { get; }
    protected ErrorNorm Norm { get; }
    protected double[] Y;
    protected double[] YNew;

    public abstract string Name { get; }
    public double TStart { get; set; }
    public double TEnd { get; set; }
    public ReadOnlySpan<double> YStart => Y;
    public ReadOnlySpan<double> YEnd => YNew;
    public double[] State => Y;
    public double[] Candidate => YNew;

    public long FunctionEvaluations;
    public long JacobianFunctionEvaluations;
    public long JacobianEvaluations;
    public long Factorizations;
    public long LinearSolves;

    /// <summary>Called once at t0 before the first step.</summary>
    public abstract void Initialize(double t0);

    /// <summary>A first step size chosen from the problem.</summary>
    public abstract double AutomaticInitialStep(double t0);

    /// <summary>Forms a step of size h from (t, Y) into YNew; returns the normalised error (0 when not estimated),
    /// NaN when values are not finite, +∞ when the step could not be formed (e.g. a singular matrix).</summary>
    public abstract double Attempt(double t, double h, bool estimateError);

    /// <summary>Step-size factor after an accepted step with error err ≤ 1.</summary>
    public abstract double AcceptFactor(double err, double h);

    /// <summary>Step-size factor after a rejected step.</summary>
    public abstract double RejectFactor(double err, bool firstStep);

    /// <summary>Makes YNew the current state (after outputs and callbacks have seen the step).</summary>
    public virtual void Advance(double tNew) => (Y, YNew) = (YNew, Y);

    public abstract void Interpolate(double t, Span<double> y);
}

/// <summary>The generic driver (after OrdinaryDiffEq.jl): step control, output times on the dense output, events,
/// step callbacks, progress, cancellation, limits and statistics, shared by every adaptive method.</summary>
internal static class OdeDriver
{
    private static readonly long ProgressInterval = Stopwatch.Frequency / 10;

    /// <summary>The argument checks every solver makes before it builds its stepper.</summary>
    public static void Validate(OdeProblem problem, OdeOptions options)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(problem);
    }

    public static OdeSolution Run(Stepper s, OdeProblem problem, OdeOptions options, IProgress<OdeProgress>? progress, CancellationToken ct)
    {
        double t0 = problem.T0, tEnd = problem.TEnd, t = t0;
        double? fixedStep = options.FixedStep;
        s.Initialize(t0);
        double h = fixedStep ?? Math.Min(options.InitialStep ?? s.AutomaticInitialStep(t0), options.MaxStep);

        var outTimes = options.OutputTimes;
        var storedTimes = new List<double>();
        var storedStates = new List<double[]>();
        var scratch = new double[problem.Dimension];
        int nextOut = 0;
        while (nextOut < outTimes.Count && outTimes[nextOut] <= t) Emit(options, outTimes[nextOut++], s.State, storedTimes, storedStates);

        var events = options.Events;
        var gPrevious = new double[events.Count];
        for (int e = 0; e < events.Count; e++) gPrevious[e] = events[e].Function(t, s.State);
        var occurrences = new List<OdeEventOccurrence>();
        OdeEventOccurrence? terminal = null;

        long accepted = 0, rejected = 0, lastReport = Stopwatch.GetTimestamp();
        double minStep = double.PositiveInfinity, maxStep = 0;
        bool rejectedLast = false, lastWasNonFinite = false, stopped = false;
        while (t < tEnd)
        {
            ct.ThrowIfCancellationRequested();
            if (accepted + rejected >= options.MaxSteps)
                throw new OdeIntegrationException(OdeFailure.MaxStepsExceeded, t, h,
                    $"{s.Name}: step limit of {options.MaxSteps} reached at t = {t:G6} (step {h:G3}); the problem may be stiff for this method.");
            double hMin = 16 * double.Epsilon + 16 * Math.ScaleB(Math.Abs(t), -52);
            if (h < hMin)
            {
                string why = lastWasNonFinite ? "values became NaN or infinite" : "step size too small";
                throw new OdeIntegrationException(lastWasNonFinite ? OdeFailure.NonFiniteValues : OdeFailure.StepSizeTooSmall, t, h,
                    $"{s.Name}: {why} at t = {t:G6} (step {h:G3}).");
            }
            bool final = t + h >= tEnd || tEnd - (t + h) < hMin;
            if (final) h = tEnd - t;

            double err = s.Attempt(t, h, estimateError: fixedStep is null);
            if (fixedStep is not null)
            {
                if (double.IsNaN(err) || !AllFinite(s.Candidate))
                    throw new OdeIntegrationException(OdeFailure.NonFiniteValues, t, h,
                        $"{s.Name}: values became NaN or infinite at t = {t:G6} with fixed step {h:G3}.");
                err = 0;
            }
            if (!(err <= 1))
            {
                rejected++;
                lastWasNonFinite = double.IsNaN(err);
                h *= s.RejectFactor(err, accepted == 0);
                rejectedLast = true;
                continue;
            }

            double factor = fixedStep is null ? s.AcceptFactor(err, h) : 1;
            if (rejectedLast) factor = Math.Min(factor, 1);
            s.TStart = t;
            s.TEnd = final ? tEnd : t + h;
            accepted++;
            minStep = Math.Min(minStep, h);
            maxStep = Math.Max(maxStep, h);

            double tStop = s.TEnd;
            if (events.Count > 0)
            {
                terminal = LocateEvents(s, events, gPrevious, occurrences, scratch);
                if (terminal is not null) tStop = terminal.T;
            }
            while (nextOut < outTimes.Count && outTimes[nextOut] <= tStop)
            {
                double to = outTimes[nextOut++];
                if (to == s.TEnd) Emit(options, to, s.Candidate, storedTimes, storedStates);
                else
                {
                    s.Interpolate(to, scratch);
                    Emit(options, to, scratch, storedTimes, storedStates);
                }
            }
            if (options.StepCallback is { } callback && !callback(s)) stopped = true;
            if (terminal is not null)
            {
                terminal.Y.ToArray().CopyTo(s.Candidate, 0);
                s.Advance(terminal.T);
                t = terminal.T;
                break;
            }
            s.Advance(s.TEnd);
            t = s.TEnd;
            h = fixedStep ?? Math.Min(h * factor, options.MaxStep);
            rejectedLast = false;
            lastWasNonFinite = false;
            if (progress is not null && Stopwatch.GetTimestamp() - lastReport > ProgressInterval)
            {
                lastReport = Stopwatch.GetTimestamp();
                progress.Report(new OdeProgress(t, t0, tEnd, accepted));
            }
            if (stopped) break;
        }
        progress?.Report(new OdeProgress(t, t0, tEnd, accepted));
        var stats = new OdeStatistics
        {
            AcceptedSteps = accepted,
            RejectedSteps = rejected,
            FunctionEvaluations = s.FunctionEvaluations,
            JacobianFunctionEvaluations = s.JacobianFunctionEvaluations,
            JacobianEvaluations = s.JacobianEvaluations,
            Factorizations = s.Factorizations,
            LinearSolves = s.LinearSolves,
            MinStep = accepted > 0 ? minStep : 0,
            MaxStep = maxStep,
        };
        return new OdeSolution(t, s.State.ToArray(), storedTimes, storedStates, stats, stopped, occurrences, terminal);
    }

    /// <summary>Finds the sign changes of each event function over the step, locates them on the dense output (Brent),
    /// records them in time order up to the first terminal one, and returns that terminal occurrence if any.</summary>
    private static OdeEventOccurrence? LocateEvents(Stepper s, IReadOnlyList<OdeEvent> events, double[] gPrevious,
        List<OdeEventOccurrence> occurrences, double[] scratch)
    {
        List<(OdeEvent Event, double T)>? found = null; // allocated only when a step holds an event
        for (int e = 0; e < events.Count; e++)
        {
            var ev = events[e];
            double gStart = gPrevious[e], gEnd = ev.Function(s.TEnd, s.YEnd);
            gPrevious[e] = gEnd;
            bool rising = gStart < 0 && gEnd >= 0, falling = gStart > 0 && gEnd <= 0;
            if (!(ev.Direction switch { EventDirection.Rising => rising, EventDirection.Falling => falling, _ => rising || falling })) continue;
            double G(double t)
            {
                if (t == s.TEnd) return gEnd;
                s.Interpolate(t, scratch);
                return ev.Function(t, scratch);
            }
            double tol = 4 * Math.ScaleB(Math.Max(Math.Abs(s.TStart), Math.Abs(s.TEnd)), -52) + 1e-300;
            double root = gEnd == 0 ? s.TEnd
                : Brent.TryFindRoot(G, s.TStart, s.TEnd, tol, 200, out double r) ? r : s.TEnd;
            (found ??= []).Add((ev, root));
        }
        if (found is null) return null;
        OdeEventOccurrence? terminal = null;
        foreach (var (ev, time) in found.OrderBy(f => f.T))
        {
            if (terminal is not null) break;
            var y = new double[scratch.Length];
            if (time == s.TEnd) s.YEnd.CopyTo(y);
            else s.Interpolate(time, y);
            var occurrence = new OdeEventOccurrence(ev.Name, time, y);
            occurrences.Add(occurrence);
            if (ev.Terminal) terminal = occurrence;
        }
        return terminal;
    }

    private static void Emit(OdeOptions options, double t, double[] y, List<double> times, List<double[]> states)
    {
        if (options.OutputHandler is { } handler) handler(t, y);
        else
        {
            times.Add(t);
            states.Add((double[])y.Clone());
        }
    }

    private static bool AllFinite(double[] y)
    {
        foreach (double v in y)
            if (!double.IsFinite(v)) return false;
        return true;
    }
}
