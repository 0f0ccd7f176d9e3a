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
// `compare OUTDIR [he3]`: writes the shared problem (λ, w*, w0) for bench/compare_scipy.py and PhaseFlow's own timing and
// values at t = 1, 10, …, 1e7 (rtol 1e-6), plus a reference at rtol 1e-11. Phase retrieval by default; `he3` is the
// polynomial model f = g = z³ − 3z (PolynomialLoss, exact by Wick) with s* = 2 (teacher √2 × the unit-s* draw) from
// w0 = w*/2 + (unit sphere)/2, where P_u ≠ 0 and P_su = 18 − 18s* ≠ 0, so the flow moves at once and the Jacobian's
// rank-2 block is full.
if (args is ["compare", var outDir, ..] && args.Length <= 3)
{
    var inv = System.Globalization.CultureInfo.InvariantCulture;
    bool he3 = args.Length == 3 && args[2] == "he3";
    if (args.Length == 3 && !he3) throw new ArgumentException($"compare: unknown model {args[2]} (phase retrieval by default, or he3)");
    var spectrum = Spectrum.PowerLaw(1000, 2);
    var teacher = Teacher.Gaussian(spectrum, 1);
    var w0 = Initialization.Sphere(1000, 2);
    if (he3)
    {
        for (int i = 0; i < teacher.Length; i++) teacher[i] *= Math.Sqrt(2);
        for (int i = 0; i < w0.Length; i++) w0[i] = 0.5 * teacher[i] + 0.5 * w0[i];
    }
    var model = he3 ? new PhaseRetrievalModel(spectrum, teacher, new PolynomialLoss("z^3 - 3*z", "z^3 - 3*z")) : new PhaseRetrievalModel(spectrum, teacher);
    Directory.CreateDirectory(outDir);
    if (he3)
    {
        // The loss and its derivatives at the start, for the script to check its hand-written P against.
        var (s0, u0) = (model.S(w0, 1), model.U(w0, 1));
        var p0 = model.PopulationLoss.Derivatives(s0, u0, model.SStar);
        File.WriteAllLines(Path.Combine(outDir, "model.csv"), ["s,u,s_star,P,Ps,Pu,Pss,Psu,Puu",
            string.Create(inv, $"{s0:R},{u0:R},{model.SStar:R},{p0.Value:R},{p0.Ps:R},{p0.Pu:R},{p0.Pss:R},{p0.Psu:R},{p0.Puu:R}")]);
    }
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
    if (he3)
    {
        // Tighter tolerances too, so the script can compare at equal accuracy whichever solver is more accurate at 1e-6.
        foreach (double rtol in new[] { 1e-7, 1e-8 })
        {
            var tightSeconds = new List<double>();
            SimulationResult tight = null!;
            for (int r = 0; r < 7; r++)
            {
                long start = Stopwatch.GetTimestamp();
                tight = Run(rtol, rtol * 1e-3);
                tightSeconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
            Write(string.Create(inv, $"phaseflow-{rtol:E0}.csv"), tight, tightSeconds.Order().ElementAt(3));
            Console.WriteLine(string.Create(inv, $"PhaseFlow at rtol {rtol:G1}: median {tightSeconds.Order().ElementAt(3):F4} s over 7 runs, {tight.Statistics.Steps} steps"));
        }
    }
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
// `rosenbrock [REPEATS]`: Rodas4 against Rodas5P on Robertson, Van der Pol μ = 1000 and HIRES at rtol 1e-6, 1e-8, 1e-10.
if (args is ["rosenbrock", ..])
{
    RosenbrockComparison.Run(args);
    return;
}
// `sgd-step D [SECONDS]`: online SGD per step at dimension D beside the generator-plus-memory bound; read by
// bench/compare-numpy-sgd.sh.
if (args is ["sgd-step", ..])
{
    SgdBenchmarks.Run(args);
    return;
}
// `normal-fill D [SECONDS]`: NormalStream.Fill of D normals, ns per normal (median of 5 repeats) and a checksum of the bits.
if (args is ["normal-fill", ..])
{
    SgdBenchmarks.Fill(args);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(DirectSimulatorBenchmarks).Assembly).Run(args);
