using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using PhaseFlow.Cli.Problems;
using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Experiments;
using PhaseFlow.Hierarchy;

namespace PhaseFlow.Cli;

/// <summary>What a run produced, whichever method solved it.</summary>
/// <param name="Run">The solver's result: trajectory, phase markers, work counters and wall time.</param>
/// <param name="Details">Method-specific facts for summary.json (null for direct runs).</param>
/// <param name="InvalidFrom">A reduction that left its domain of validity: where and why (the trajectory stops there).</param>
public sealed record RunOutcome(IRunResult<Trajectory, PhaseMarkers> Run, JsonObject? Details, ReductionViolation? InvalidFrom = null)
{
    /// <summary>Facts about the start (e.g. the fixed point w = 0) that the CLI prints as warnings and summary.json keeps.</summary>
    public IReadOnlyList<SimulationNote> Notes { get; init; } = [];
}

/// <summary><c>phaseflow run problem.json --out DIR</c>: solves one problem and writes trajectory.csv and summary.json.</summary>
public static class RunCommand
{
    /// <summary>Solves a parsed problem file (read from <paramref name="problemPath"/>, which summary.json names) and writes
    /// trajectory.csv and summary.json atomically; returns what was computed.</summary>
    /// <exception cref="InvalidReductionException">A reduction left its domain of validity; thrown after the valid part and a
    /// summary.json naming the time and the inequality were written.</exception>
    public static RunOutcome Execute(string problemPath, ProblemFile problem, string outDirectory, IProgress<SimulationProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(problem);
        RunOutcome outcome;
        if (problem.Hierarchy is { } method)
        {
            var r = method.Solve(problem.Problem, problem.Output, progress, cancellationToken);
            outcome = new RunOutcome(r, HierarchyDetails(method, r), r.InvalidFrom);
        }
        else if (problem.Volterra is { } volterra)
        {
            var run = volterra.Run(problem.Problem, problem.Output, progress, cancellationToken);
            var details = VolterraDetails(run.Result);
            if (run.Details() is { } auto) details["autoNodes"] = auto;
            outcome = new RunOutcome(run.Result, details, run.Result.InvalidFrom);
        }
        else
        {
            outcome = new RunOutcome(problem.Simulator.Solve(problem.Problem, new SimulationOptions { Output = problem.Output }, progress, cancellationToken), null);
        }
        outcome = outcome with { Notes = SimulationNote.ForStart(problem.Problem, stochastic: problem.DynamicsKind == "sgd") };
        var trajectory = WithFlowTime(outcome.Run.Trajectory);
        var summary = Summary(problemPath, problem, outcome);
        AtomicFile.WriteAll(outDirectory,
        [
            ("trajectory.csv", trajectory.WriteCsv),
            ("summary.json", w => w.Write(summary.ToJsonString(JsonFiles.Options) + "\n")),
        ]);
        if (outcome.InvalidFrom is { } invalid) throw new InvalidReductionException(outcome.Run.Statistics.Method, invalid, outcome.Run.Trajectory);
        return outcome;
    }

    /// <summary>The closure and its diagnostics, for summary.json.</summary>
    internal static JsonObject HierarchyDetails(HierarchyMethod method, HierarchyResult result) => new()
    {
        ["order"] = method.System.Order,
        ["closure"] = method.System.Closure.Name,
        ["integrator"] = method.IntegratorName,
        ["rtol"] = method.Options.RelativeTolerance,
        ["atol"] = method.Options.AbsoluteTolerance,
        ["closureNodes"] = method.System.ClosureNodes,
        ["conditionNumber"] = method.System.ConditionNumber,
        ["maxAlignment"] = result.MaxAlignment,
        ["scale"] = method.System.Constants!.Scale,
    };

    /// <summary>The nodes, the escape rate and the phase markers of the reduction, for summary.json.</summary>
    internal static JsonObject VolterraDetails(PhaseFlow.Duhamel.SpectralNodeResult result)
    {
        // Models without a linear escape phase get the reason instead of a rate (the reduction itself still holds).
        var theory = PhaseFlow.Duhamel.EscapeTheory.Applicability(result.Nodes.Loss, result.Nodes.SStar);
        var rate = theory.Applies ? PhaseFlow.Duhamel.EscapeRate.Solve(result.Nodes) : null;
        var estimate = result.NodeErrorEstimate;
        var details = new JsonObject
        {
            ["nodes"] = result.Nodes.Count,
            ["exact"] = result.Nodes.IsExact,
            ["description"] = result.Nodes.Description,
            ["escapeRate"] = rate?.Rate,
            ["topRate"] = rate?.TopRate,
            // +∞ when the start has no weight on the growing mode (w(0) = 0 is a fixed point): JSON null, "never".
            ["growingModeEscapeTime"] = rate is null ? null : Finite(rate.TimeToReach(result.Markers.EscapeThreshold)),
            ["T1"] = result.Markers.EscapeTime,
            ["criticalCrossingTime"] = result.Markers.CriticalCrossingTime,
            ["T1Prime"] = result.TransitionEndTime,
            ["maxTheta"] = result.MaxTheta,
            ["finalTheta"] = result.FinalTheta,
            ["nodeErrorEstimate"] = estimate is null ? null : new JsonObject
            {
                ["s"] = estimate.S,
                ["u"] = estimate.U,
                ["mse"] = double.IsFinite(estimate.Mse) ? estimate.Mse : null,
                ["coarseNodes"] = estimate.CoarseNodes,
            },
        };
        if (theory.Reason is { } reason) details.Insert(details.IndexOf("escapeRate"), "escapeTheory", reason);
        return details;
    }

    /// <summary>Where and why a reduction became invalid, for summary.json (null when it did not).</summary>
    internal static JsonObject? Violation(ReductionViolation? v) => v is null ? null : new JsonObject
    {
        ["t"] = v.Time,
        ["inequality"] = v.Inequality.ToString(),
        ["index"] = v.Index,
        ["statement"] = v.Statement,
        ["left"] = v.Left,
        ["right"] = v.Right,
        ["slack"] = v.Slack,
        ["message"] = v.Message,
    };

    private static double? Finite(double x) => double.IsFinite(x) ? x : null;

    /// <summary>Discrete dynamics gain a column flow_time = η·k, the gradient-flow time of step k.</summary>
    private static Trajectory WithFlowTime(Trajectory t)
    {
        if (t.Unit != TimeUnit.Steps) return t;
        var samples = t.Samples.Select(p => p with { Extra = [.. p.Extra, p.T * t.StepSize] }).ToArray();
        return new Trajectory(samples, [.. t.ExtraColumns, "flow_time"], t.Unit, t.StepSize);
    }

    /// <summary>Phase markers and slope fits (Foundation.PhaseAnalysis) from the recorded samples, beside the theory's exponents
    /// for power laws: 1 − u ≍ Λ^{−(a−1)/a} ≍ t^{−(a−1)/a} in Phase IIb (the count of unlearnt modes; the spec prints −1/a,
    /// which the d = ∞ reduction contradicts for a ≠ 2, see docs/mathematics.md), MSE decrement ≍ τ^{1/a} in Phase III. Times are in the trajectory's
    /// unit; slopes against log steps equal slopes against log flow time.</summary>
    /// <remarks>For SGD (<paramref name="noisy"/>) the markers are last crossings: the noise touches thresholds early.</remarks>
    /// <remarks>Other models: the crossing and T_1' from P_s (EscapeTheory.MarkerLevels); the exponents only for f = g with
    /// P_s(s*, s*, s*) &gt; 0 (the Phase III theory), where the flow near w* is phase retrieval's up to the rate 2P_s.</remarks>
    internal static JsonObject Analysis(Trajectory trajectory, double sStar, Spectrum spectrum, bool noisy, SingleIndexLoss loss)
    {
        var options = new PhaseAnalysisOptions { Crossing = noisy ? CrossingRule.Last : CrossingRule.First, Levels = PhaseFlow.Duhamel.EscapeTheory.MarkerLevels(loss, sStar) };
        var report = PhaseAnalysis.Analyze(trajectory, sStar, options);
        bool powerLaw = spectrum.Kind == SpectrumKind.PowerLaw && PhaseFlow.Duhamel.PhaseThreeApplicability.Of(loss, sStar).Applies;
        JsonObject? Fit(SlopeFit? f, double? predicted) => f is null ? null : new JsonObject
        {
            ["slope"] = f.Slope,
            ["lower"] = f.Lower,
            ["upper"] = f.Upper,
            ["standardError"] = f.StandardError,
            ["points"] = f.Points,
            ["from"] = f.From,
            ["to"] = f.To,
            ["predicted"] = predicted,
        };
        var convergence = new JsonArray();
        foreach (var (epsilon, time) in report.ConvergenceTimes)
            convergence.Add(new JsonObject { ["epsilon"] = epsilon, ["T2"] = time });
        return new JsonObject
        {
            ["confidence"] = options.Confidence,
            ["crossing"] = noisy ? "last" : "first",
            ["T1"] = report.EscapeTime,
            ["criticalCrossingTime"] = report.CriticalCrossingTime,
            ["T1Prime"] = report.TransitionEndTime,
            ["convergence"] = convergence,
            ["oneMinusUSlope"] = Fit(report.OneMinusU, powerLaw ? -(spectrum.Exponent - 1) / spectrum.Exponent : null),
            ["mseDecrementSlope"] = Fit(report.MseDecrement, powerLaw ? 1 / spectrum.Exponent : null),
        };
    }

    private static JsonObject Summary(string problemPath, ProblemFile problem, RunOutcome outcome)
    {
        var model = problem.Model;
        var result = outcome.Run;
        var m = result.Markers;
        double scale = result.Trajectory.Unit == TimeUnit.Steps ? result.Trajectory.StepSize : 1;
        JsonNode? Time(double? t) => t is { } v ? JsonValue.Create(v) : null;
        JsonNode? FlowTime(double? t) => t is { } v ? JsonValue.Create(v * scale) : null;
        var last = result.Trajectory.Samples.Count > 0 ? result.Trajectory.Samples[^1] : null;
        var summary = new JsonObject
        {
            ["phaseflow"] = typeof(RunCommand).Assembly.GetName().Version?.ToString(3),
            ["problem"] = Path.GetFileName(problemPath),
            ["spectrum"] = problem.Spectrum.Description,
            ["d"] = model.Dimension,
            ["sStar"] = model.SStar,
            ["plateau"] = model.Plateau,
            ["model"] = new JsonObject
            {
                ["student"] = model.PopulationLoss.Student.Text,
                ["teacher"] = model.PopulationLoss.Teacher.Text,
                ["noise"] = model.PopulationLoss.Noise,
                ["loss"] = model.PopulationLoss.Method,
            },
            ["dynamics"] = problem.DynamicsKind,
            ["method"] = problem.MethodKind,
            ["timeUnit"] = result.Trajectory.Unit == TimeUnit.Steps ? "steps" : "time",
            ["stepSize"] = result.Trajectory.Unit == TimeUnit.Steps ? result.Trajectory.StepSize : null,
            ["horizon"] = problem.Problem.Horizon,
            ["markers"] = new JsonObject
            {
                ["escapeThreshold"] = m.EscapeThreshold,
                ["escapeTime"] = Time(m.EscapeTime),
                ["escapeFlowTime"] = FlowTime(m.EscapeTime),
                ["criticalCrossingTime"] = Time(m.CriticalCrossingTime),
                ["criticalCrossingFlowTime"] = FlowTime(m.CriticalCrossingTime),
                ["maxS"] = m.MaxS,
            },
            ["final"] = last is null ? null : new JsonObject
            {
                ["t"] = last.T,
                ["s"] = last.S,
                ["u"] = last.U,
                ["mse"] = last.Mse,
                ["loss"] = last.Loss,
            },
            ["solver"] = new JsonObject
            {
                ["method"] = result.Statistics.Method,
                ["steps"] = result.Statistics.Steps,
                ["rejectedSteps"] = result.Statistics.RejectedSteps,
                ["functionEvaluations"] = result.Statistics.FunctionEvaluations,
                ["jacobianEvaluations"] = result.Statistics.JacobianEvaluations,
                ["linearSolves"] = result.Statistics.LinearSolves,
            },
            ["analysis"] = Analysis(result.Trajectory, model.SStar, problem.Spectrum, noisy: problem.DynamicsKind == "sgd", model.PopulationLoss),
            ["samples"] = result.Trajectory.Samples.Count,
            ["wallTimeSeconds"] = Math.Round(result.WallTime.TotalSeconds, 6),
        };
        if (outcome.Details is not null)
        {
            summary.Insert(summary.IndexOf("method") + 1, problem.MethodKind, outcome.Details);
            // Reductions say whether they stayed valid; null when they did.
            summary.Insert(summary.IndexOf(problem.MethodKind) + 1, "invalidFrom", Violation(outcome.InvalidFrom));
        }
        summary["notes"] = new JsonArray([.. outcome.Notes.Select(n => (JsonNode)new JsonObject { ["kind"] = JsonNamingPolicy.CamelCase.ConvertName(n.Kind.ToString()), ["message"] = n.Message })]);
        return summary;
    }
}
