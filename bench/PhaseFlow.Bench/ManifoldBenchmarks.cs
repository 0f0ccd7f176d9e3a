using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MathNet.Numerics.LinearAlgebra;
using PhaseFlow.Foundation;
using PhaseFlow.Manifold;

namespace PhaseFlow.Bench;

/// <summary><c>manifold-specgd [STEPS] [D] [OUTDIR]</c>: (1) each polar backend on a Gaussian D×D matrix (median of repeated
/// calls after warm-up, error against the SVD route); (2) full-matrix SpecGD, d = m = D, STEPS steps from W_0 = ε Q_0
/// (κ = 10, η = 1e-3, population gradient), once per backend: wall time, share of the polar factor, final loss, and the
/// largest deviation from the reduced map up to the signal's first switch. Writes OUTDIR/phaseflow.json for
/// bench/scripts/specgd_numpy.py, which times NumPy's SVD route on the same sizes.</summary>
public static class ManifoldBenchmarks
{
    private static readonly PolarMethod[] Backends = [PolarMethod.Svd, PolarMethod.GramEigen, PolarMethod.NewtonSchulz, PolarMethod.MuonNewtonSchulz];

    public static void Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        int steps = args.Length > 1 ? int.Parse(args[1], inv) : 1000;
        int d = args.Length > 2 ? int.Parse(args[2], inv) : 256;
        string? outDir = args.Length > 3 ? args[3] : null;
        var json = new JsonObject { ["d"] = d, ["m"] = d, ["steps"] = steps };

        // (1) The polar factor alone, on a Gaussian matrix (κ(G) ≈ 10^3 for d = 256).
        var g = RandomMatrices.Gaussian(d, d, 7);
        var reference = PolarFactor.Compute(g, PolarMethod.Svd);
        var polarJson = new JsonObject();
        Console.WriteLine($"polar factor of a Gaussian {d}×{d} matrix (median of repeated calls):");
        foreach (var method in Backends)
        {
            var options = new PolarOptions { Method = method };
            var first = PolarFactor.Compute(g, options);
            for (int i = 0; i < 2; i++) PolarFactor.Compute(g, options);
            int reps = method == PolarMethod.Svd ? 7 : 21;
            var times = new List<double>();
            for (int i = 0; i < reps; i++)
            {
                long start = Stopwatch.GetTimestamp();
                PolarFactor.Compute(g, options);
                times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            times.Sort();
            double error = (first.Polar - reference).FrobeniusNorm() / Math.Sqrt(d);
            double orth = (first.Polar.TransposeThisAndMultiply(first.Polar) - Matrix<double>.Build.DenseIdentity(d)).FrobeniusNorm();
            Console.WriteLine(string.Create(inv, $"  {method,-18} median {times[reps / 2],8:F1} ms (min {times[0],7:F1}), {first.Iterations,2} iterations, " +
                                                 $"‖P − P_svd‖_F/√d = {error:E1}, ‖PᵀP − I‖_F = {orth:E1}"));
            polarJson[method.ToString()] = new JsonObject { ["medianMs"] = times[reps / 2], ["minMs"] = times[0], ["iterations"] = first.Iterations, ["errorVsSvd"] = error };
        }
        json["polar"] = polarJson;

        // (2) Full-matrix SpecGD from W_0 = ε Q_0.
        var model = SpikedManifold.FromKappa(10, d).ToModel();
        var full = FullMatrixModel.FromManifold(model);
        var q0 = RandomMatrices.Orthogonal(d, d, 5);
        var x0 = model.Uniform(1e-3);
        const double eta = 1e-3;
        var all = OutputSchedule.At(Enumerable.Range(0, steps + 1).Select(k => (double)k).ToArray());
        var reduced = ReducedDynamics.Solve(new ManifoldProblem(model, x0, ManifoldMethod.SpectralGradientDescent, steps, eta), new ManifoldOptions { Output = all });
        long upTo = Math.Min(steps, reduced.Stages.FirstSwitch[0]?.Step ?? steps);
        // Gradient alone, for the polar share.
        var w0 = full.Frame!.Embed(x0, q0);
        full.Gradient(w0);
        long gStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < 20; i++) full.Gradient(w0);
        double gradientMs = Stopwatch.GetElapsedTime(gStart).TotalMilliseconds / 20;
        Console.WriteLine(string.Create(inv, $"full-matrix SpecGD, d = m = {d}, κ = 10, η = {eta}, {steps} steps from ε Q_0 (population gradient {gradientMs:F1} ms per step incl. allocation):"));
        var runJson = new JsonObject { ["gradientMs"] = gradientMs };
        foreach (var method in Backends)
        {
            var options = new FullMatrixOptions { Frame = q0, Polar = new PolarOptions { Method = method }, Recording = new ManifoldOptions { Output = all } };
            long start = Stopwatch.GetTimestamp();
            var run = FullMatrixDynamics.Solve(new FullMatrixProblem(full, w0, ManifoldMethod.SpectralGradientDescent, steps, eta), options);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            double deviation = 0;
            for (int k = 0; k <= upTo; k++)
            {
                var a = run.Trajectory.Samples[k].Coordinates;
                var b = reduced.Trajectory.Samples[k].Coordinates;
                for (int i = 0; i < 3; i++) deviation = Math.Max(deviation, Math.Abs(a[i] - b[i]) / b.Max(Math.Abs));
            }
            double maxDistance = run.Trajectory.Samples.Take((int)upTo + 1).Max(s => s.Distance);
            Console.WriteLine(string.Create(inv, $"  {method,-18} {seconds,7:F2} s ({seconds / steps * 1e3,6:F1} ms/step), final loss {run.FinalLoss:E2} (reduced {reduced.FinalLoss:E2}), " +
                                                 $"max deviation from the reduced map to step {upTo}: {deviation:E1}, distance {maxDistance:E1}, polar iterations {run.Statistics.PolarIterations}"));
            runJson[method.ToString()] = new JsonObject
            {
                ["seconds"] = seconds, ["finalLoss"] = run.FinalLoss, ["deviation"] = deviation, ["maxDistance"] = maxDistance,
                ["polarIterations"] = run.Statistics.PolarIterations, ["comparedSteps"] = upTo,
            };
        }
        json["specgd"] = runJson;
        if (outDir is not null)
        {
            Directory.CreateDirectory(outDir);
            File.WriteAllText(Path.Combine(outDir, "phaseflow.json"), json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        }
    }
}
