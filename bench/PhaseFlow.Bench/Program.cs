using System.Diagnostics;
using BenchmarkDotNet.Running;
using PhaseFlow.Bench;
using PhaseFlow.Core;
using PhaseFlow.Foundation;

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
// `volterra-convolution [log2 N] [log2 N direct]`: u = 1 + ∫cos(t − τ)u dτ, Gregory4 with fast history at N = 2^20,
// and direct against fast at 2^14; best of 3, error against the closed form.
if (args is ["volterra-convolution", ..])
{
    VolterraConvolutionCase.Run(args);
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
// `compare OUTDIR`: writes the shared problem (λ, w*, w0) for bench/compare_scipy.py and PhaseFlow's own timing and
// values at t = 1, 10, …, 1e7 (rtol 1e-6), plus a reference at rtol 1e-11.
if (args is ["compare", var outDir])
{
    var inv = System.Globalization.CultureInfo.InvariantCulture;
    var spectrum = Spectrum.PowerLaw(1000, 2);
    var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 1));
    var w0 = Initialization.Sphere(1000, 2);
    Directory.CreateDirectory(outDir);
    File.WriteAllLines(Path.Combine(outDir, "problem.csv"),
        ["lambda,teacher,w0", .. Enumerable.Range(0, 1000).Select(i => string.Create(inv, $"{model.Lambda[i]:R},{model.Teacher[i]:R},{w0[i]:R}"))]);
    var times = Enumerable.Range(0, 8).Select(k => Math.Pow(10, k)).ToArray();
    var problem = new PhaseRetrievalProblem(model, w0, 1e7);
    var options = new SimulationOptions { Output = OutputSchedule.At(times) };
    SimulationResult Run(double rtol, double atol) => new PopulationGradientFlow(rtol, atol).Solve(problem, options);
    Run(1e-6, 1e-9); // JIT warm-up
    var seconds = new List<double>();
    SimulationResult result = null!;
    for (int r = 0; r < 7; r++)
    {
        long start = Stopwatch.GetTimestamp();
        result = Run(1e-6, 1e-9);
        seconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
    }
    var reference = Run(1e-11, 1e-14);
    void Write(string name, SimulationResult res, double time) => File.WriteAllLines(Path.Combine(outDir, name),
        [string.Create(inv, $"# seconds {time:R} steps {res.Statistics.Steps}"), "t,u,mse",
         .. res.Trajectory.Samples.Select(p => string.Create(inv, $"{p.T:R},{p.U:R},{p.Mse:R}"))]);
    Write("phaseflow.csv", result, seconds.Order().ElementAt(3));
    Write("reference.csv", reference, double.NaN);
    Console.WriteLine(string.Create(inv, $"PhaseFlow Rodas4 + Woodbury: median {seconds.Order().ElementAt(3):F4} s over 7 runs, {result.Statistics.Steps} steps"));
    return;
}
if (args is ["volterra-nodes", ..])
{
    NodeBenchmarks.Run(args);
    return;
}
// `manifold-specgd [STEPS] [D] [OUTDIR]`: the polar backends on a Gaussian D×D matrix, then full-matrix SpecGD (d = m = D,
// STEPS steps) with each backend; OUTDIR/phaseflow.json feeds bench/scripts/specgd_numpy.py.
if (args is ["manifold-specgd", ..])
{
    ManifoldBenchmarks.Run(args);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(DirectSimulatorBenchmarks).Assembly).Run(args);
