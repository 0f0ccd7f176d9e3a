using System.Diagnostics;
using BenchmarkDotNet.Running;
using PhaseFlow.Bench;
using PhaseFlow.Core;

// `gd-figure2`: the paper's Figure 2 run (a = 2, d = 1000, η = 1e-2, 10^7 steps), timed end to end.
// Anything else is handed to BenchmarkDotNet (e.g. `--filter *`).
if (args is ["gd-figure2", ..])
{
    int repeats = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
    var spectrum = Spectrum.PowerLaw(1000, 2);
    var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 1));
    var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(1000, 2), 1e7);
    var options = new SimulationOptions { Output = OutputSchedule.LogSpaced(60, 1, includeInitial: true) };
    for (int r = 0; r < repeats; r++)
    {
        long start = Stopwatch.GetTimestamp();
        var result = new PopulationGradientDescent(1e-2).Solve(problem, options);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var last = result.Trajectory.Samples[^1];
        Console.WriteLine($"GD a=2 d=1000 eta=1e-2 1e7 steps: {seconds:F2} s ({seconds / 1e7 * 1e9:F0} ns/step); " +
                          $"final u = {last.U:F6}, s = {last.S:F6}, MSE = {last.Mse:E3}");
    }
    return;
}
// `gf D HORIZON [A] [RTOL]`: population gradient flow with Rodas4 + Woodbury, timed, with peak memory.
if (args is ["gf", ..])
{
    var inv = System.Globalization.CultureInfo.InvariantCulture;
    int d = int.Parse(args[1], inv);
    double horizon = double.Parse(args[2], inv), a = args.Length > 3 ? double.Parse(args[3], inv) : 2, rtol = args.Length > 4 ? double.Parse(args[4], inv) : 1e-6;
    var spectrum = Spectrum.PowerLaw(d, a);
    var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 1));
    var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(d, 2), horizon);
    long start = Stopwatch.GetTimestamp();
    var result = new PopulationGradientFlow(rtol, rtol * 1e-3).Solve(problem,
        new SimulationOptions { Output = OutputSchedule.LogSpaced((int)Math.Log10(horizon) + 3, 0.1, includeInitial: true) });
    double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
    var st = result.Statistics;
    Console.WriteLine($"GF a={a} d={d} t=[0,{horizon:G3}] rtol={rtol:G2}: {seconds:F2} s, {st.Steps} steps ({st.RejectedSteps} rejected), " +
                      $"{st.FunctionEvaluations} f-evals, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB");
    foreach (var p in result.Trajectory.Samples) Console.WriteLine($"  t={p.T,-10:G3} u={p.U,-12:F8} s={p.S,-12:F8} mse={p.Mse:E6}");
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(DirectSimulatorBenchmarks).Assembly).Run(args);
