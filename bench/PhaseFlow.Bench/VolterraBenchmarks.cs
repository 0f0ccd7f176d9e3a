using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using PhaseFlow.Volterra;

namespace PhaseFlow.Bench;

/// <summary>u = 1 + ∫_0^t cos(t − τ) u(τ) dτ on [0, 10], whose Laplace transform (s² + 1)/(s(s² − s + 1)) gives
/// u = 1 + (2/√3) e^{t/2} sin(√3 t/2).</summary>
public static class VolterraConvolutionCase
{
    public const double TEnd = 10;

    public static VolterraProblem Problem { get; } =
        new((t, f) => f[0] = 1, ConvolutionKernel.Scalar(Math.Cos), TEnd);

    public static double Exact(double t) => 1 + 2 / Math.Sqrt(3) * Math.Exp(t / 2) * Math.Sin(Math.Sqrt(3) * t / 2);

    public static VolterraSolution Solve(int steps, HistoryAlgorithm history) =>
        VolterraSolver.Solve(Problem, new VolterraOptions { Method = VolterraMethod.Gregory4, Steps = steps, History = history });

    public static double MaxRelativeError(VolterraSolution solution)
    {
        double error = 0, scale = 0;
        for (int i = 0; i < solution.Times.Length; i++)
        {
            double exact = Exact(solution.Times[i]);
            error = Math.Max(error, Math.Abs(solution.At(i)[0] - exact));
            scale = Math.Max(scale, Math.Abs(exact));
        }
        return error / scale;
    }

    /// <summary>Best of <paramref name="repeats"/> wall times (after one warm-up run at a small N).</summary>
    public static (double Seconds, VolterraSolution Solution) Time(int steps, HistoryAlgorithm history, int repeats = 3)
    {
        Solve(1024, history);
        double best = double.PositiveInfinity;
        VolterraSolution solution = null!;
        for (int r = 0; r < repeats; r++)
        {
            long start = Stopwatch.GetTimestamp();
            solution = Solve(steps, history);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return (best, solution);
    }

    /// <summary>`volterra-convolution [log2 N] [log2 N for direct]`.</summary>
    public static void Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        int log2 = args.Length > 1 ? int.Parse(args[1], inv) : 20;
        int log2Direct = args.Length > 2 ? int.Parse(args[2], inv) : 14;
        var (fast, solution) = Time(1 << log2, HistoryAlgorithm.Fast);
        Console.WriteLine(string.Create(inv,
            $"Volterra convolution K = cos, Gregory4, fast history, N = 2^{log2}: {fast:F3} s (best of 3), max relative error {MaxRelativeError(solution):E2}, {solution.Statistics.FftCount} FFTs"));
        var (direct, d) = Time(1 << log2Direct, HistoryAlgorithm.Direct);
        var (fastSmall, f) = Time(1 << log2Direct, HistoryAlgorithm.Fast);
        double deviation = 0;
        for (int i = 0; i < d.Times.Length; i++) deviation = Math.Max(deviation, Math.Abs(d.At(i)[0] - f.At(i)[0]));
        Console.WriteLine(string.Create(inv,
            $"N = 2^{log2Direct}: direct {direct:F3} s, fast {fastSmall:F4} s, ratio {direct / fastSmall:F1}; max |fast − direct| = {deviation:E2}, max relative error {MaxRelativeError(f):E2}"));
    }
}

/// <summary>Fast against direct history on the convolution case (BenchmarkDotNet; the timed command is
/// `volterra-convolution`).</summary>
[MemoryDiagnoser]
public class VolterraBenchmarks
{
    [Params(4096, 16384)]
    public int Steps { get; set; }

    [Benchmark(Baseline = true, Description = "direct history")]
    public double Direct() => VolterraConvolutionCase.Solve(Steps, HistoryAlgorithm.Direct).At(Steps)[0];

    [Benchmark(Description = "fast history")]
    public double Fast() => VolterraConvolutionCase.Solve(Steps, HistoryAlgorithm.Fast).At(Steps)[0];
}
