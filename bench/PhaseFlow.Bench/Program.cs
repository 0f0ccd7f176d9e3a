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
BenchmarkSwitcher.FromAssembly(typeof(DirectSimulatorBenchmarks).Assembly).Run(args);
