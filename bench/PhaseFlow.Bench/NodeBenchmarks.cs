using System.Diagnostics;
using System.Globalization;
using PhaseFlow.Core;
using PhaseFlow.Duhamel;
using PhaseFlow.Foundation;

namespace PhaseFlow.Bench;

/// <summary><c>volterra-nodes [D] [HORIZON]</c>: the spectral-node reduction at d = 10^9 and d = ∞ (a = 2, t to 1e15, 64
/// nodes, best of 5), and at the largest d where direct GF is feasible: 64 compressed nodes of the same draw against the
/// direct run (default d = 10^5, t to 1e11).</summary>
public static class NodeBenchmarks
{
    public static void Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        int d = args.Length > 1 ? int.Parse(args[1], inv) : 100_000;
        double horizon = args.Length > 2 ? double.Parse(args[2], inv) : 1e11;
        var options = new SpectralNodeOptions { RelativeTolerance = 1e-9, AbsoluteTolerance = 1e-13, Output = OutputSchedule.LogSpaced(60, 1e-2, includeInitial: true) };
        foreach (double dim in new[] { 1e9, double.PositiveInfinity })
        {
            var nodes = SpectralNodes.PowerLaw(2, dim, 64, 1e15, 1e-4, double.IsFinite(dim) ? 1 : 0);
            SpectralNodeResult result = null!;
            double best = double.PositiveInfinity;
            for (int r = 0; r < 5; r++)
            {
                long start = Stopwatch.GetTimestamp();
                result = SpectralNodeReduction.Solve(nodes, 1e15, options with { EstimateNodeError = false });
                best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
            var estimated = SpectralNodeReduction.Solve(nodes, 1e15, options);
            Console.WriteLine(string.Create(inv, $"nodes a=2 d={(double.IsFinite(dim) ? dim.ToString("G3", inv) : "inf")} t=[0,1e15] 64 nodes: best {best:F3} s " +
                $"({result.Statistics.Steps} steps), compression estimate {estimated.NodeErrorEstimate!.Max:E2}, final u {result.Trajectory.Samples[^1].U:F6}"));
        }

        var spectrum = Spectrum.PowerLaw(d, 2);
        var problem = new PhaseRetrievalProblem(new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 1)), Initialization.Sphere(d, 2), horizon);
        long t0 = Stopwatch.GetTimestamp();
        var direct = new PopulationGradientFlow(1e-9, 1e-13).Solve(problem, new SimulationOptions { Output = options.Output });
        double directSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        t0 = Stopwatch.GetTimestamp();
        var compressed = SpectralNodeReduction.Solve(problem, 64, options);
        double nodeSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var (ds, du, dm) = direct.Trajectory.MaxDeviation(compressed.Trajectory);
        Console.WriteLine(string.Create(inv, $"direct GF a=2 d={d} t=[0,{horizon:G3}] rtol 1e-9: {directSeconds:F2} s ({direct.Statistics.Steps} steps)"));
        Console.WriteLine(string.Create(inv, $"64 compressed nodes of the same draw: {nodeSeconds:F3} s incl. the estimate; max |Δs| = {ds:E2}, |Δu| = {du:E2}, " +
            $"|ΔMSE| = {dm:E2} (MSE {direct.Trajectory.Samples[^1].Mse:G4} at the horizon); estimate {compressed.NodeErrorEstimate!.Max:E2} (MSE {compressed.NodeErrorEstimate.Mse:E2})"));
    }
}
