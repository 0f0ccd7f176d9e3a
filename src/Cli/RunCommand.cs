using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using PhaseFlow.Cli.Problems;
using PhaseFlow.Core;

namespace PhaseFlow.Cli;

/// <summary><c>phaseflow run problem.json --out DIR</c>: solves one problem and writes trajectory.csv and summary.json.</summary>
public static class RunCommand
{
    /// <summary>Solves the problem file and writes the outputs atomically; returns the result.</summary>
    public static SimulationResult Execute(string problemPath, string outDirectory, IProgress<SimulationProgress>? progress,
        CancellationToken cancellationToken)
    {
        var problem = ProblemFile.Load(problemPath);
        var result = problem.Simulator.Solve(problem.Problem, new SimulationOptions { Output = problem.Output }, progress, cancellationToken);
        var trajectory = WithFlowTime(result.Trajectory);
        var summary = Summary(problemPath, problem, result);
        AtomicFile.WriteAll(outDirectory,
        [
            ("trajectory.csv", trajectory.WriteCsv),
            ("summary.json", w => w.Write(summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n")),
        ]);
        return result;
    }

    /// <summary>Discrete dynamics gain a column flow_time = η·k, the gradient-flow time of step k.</summary>
    private static Trajectory WithFlowTime(Trajectory t)
    {
        if (t.Unit != TimeUnit.Steps) return t;
        var samples = t.Samples.Select(p => p with { Extra = [.. p.Extra, p.T * t.StepSize] }).ToArray();
        return new Trajectory(samples, [.. t.ExtraColumns, "flow_time"], t.Unit, t.StepSize);
    }

    private static JsonObject Summary(string problemPath, ProblemFile problem, SimulationResult result)
    {
        var model = problem.Model;
        var m = result.Markers;
        double scale = result.Trajectory.Unit == TimeUnit.Steps ? result.Trajectory.StepSize : 1;
        JsonNode? Time(double? t) => t is { } v ? JsonValue.Create(v) : null;
        JsonNode? FlowTime(double? t) => t is { } v ? JsonValue.Create(v * scale) : null;
        var last = result.Trajectory.Samples.Count > 0 ? result.Trajectory.Samples[^1] : null;
        return new JsonObject
        {
            ["phaseflow"] = typeof(RunCommand).Assembly.GetName().Version?.ToString(3),
            ["problem"] = Path.GetFileName(problemPath),
            ["spectrum"] = problem.Spectrum.Description,
            ["d"] = model.Dimension,
            ["sStar"] = model.SStar,
            ["plateau"] = model.Plateau,
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
            ["samples"] = result.Trajectory.Samples.Count,
            ["wallTimeSeconds"] = Math.Round(result.WallTime.TotalSeconds, 6),
        };
    }
}
