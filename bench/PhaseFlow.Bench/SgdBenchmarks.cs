using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using PhaseFlow.Core;
using PhaseFlow.Foundation;

namespace PhaseFlow.Bench;

/// <summary><c>sgd-step D [SECONDS]</c>: online SGD on the issue-17 problem (power law a = 2, η = 5e-3, label noise σ = √0.05,
/// Gaussian teacher seed 1, unit-sphere start seed 2), timed through <see cref="OnlineSgd.Solve"/> for about SECONDS per
/// repeat (median of 3 after a warm-up), beside the generator-plus-memory bound: filling d normals with
/// <see cref="NormalStream"/> and two plain SIMD passes (x = √λ z with xᵀw and xᵀw*; w += a·x). Prints one tab-separated
/// line: phaseflow, d, µs per step, µs of the bound, steps per repeat.</summary>
public static class SgdBenchmarks
{
    public static void Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        int d = int.Parse(args[1], inv);
        double seconds = args.Length > 2 ? double.Parse(args[2], inv) : 1.0;
        var spectrum = Spectrum.PowerLaw(d, 2);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 1));
        var w0 = Initialization.Sphere(d, 2);
        var sgd = new OnlineSgd(5e-3, Math.Sqrt(0.05), 1, 3);

        double StepMicroseconds(long steps)
        {
            var problem = new PhaseRetrievalProblem(model, w0, steps);
            long start = Stopwatch.GetTimestamp();
            sgd.Solve(problem, new SimulationOptions { Output = OutputSchedule.At(steps) });
            return Stopwatch.GetElapsedTime(start).TotalMicroseconds / steps;
        }

        // Calibrate the step count to about `seconds` per repeat.
        long n = Math.Max(100, 1_000_000_000L / d / 100);
        double probe = StepMicroseconds(n);
        n = Math.Max(100, (long)(seconds * 1e6 / probe));
        StepMicroseconds(n);
        double step = Median(Enumerable.Range(0, 3).Select(_ => StepMicroseconds(n)));

        var sqrtLambda = model.Lambda.ToArray().Select(Math.Sqrt).ToArray();
        var teacher = model.Teacher.ToArray();
        var w = w0.ToArray();
        var z = new double[d];
        var x = new double[d];
        var normals = new NormalStream(3);
        double Bound(long reps)
        {
            long start = Stopwatch.GetTimestamp();
            double sink = 0;
            for (long r = 0; r < reps; r++)
            {
                normals.Fill(z);
                var (xw, xt) = Project(sqrtLambda, z, x, w, teacher);
                Axpy(-1e-12 * (xw + xt), x, w);
                sink += xw;
            }
            GC.KeepAlive(sink);
            return Stopwatch.GetElapsedTime(start).TotalMicroseconds / reps;
        }
        Bound(n);
        double bound = Median(Enumerable.Range(0, 3).Select(_ => Bound(n)));
        Console.WriteLine(string.Create(inv, $"phaseflow\t{d}\t{step:F3}\t{bound:F3}\t{n}"));
    }

    /// <summary><c>normal-fill D [SECONDS]</c>: ns per normal of <see cref="NormalStream.Fill"/> in spans of D (median and minimum of 7
    /// repeats of about SECONDS each after a warm-up), and a checksum of the bits of the first 2·10^6 draws or so (fills of D).</summary>
    public static void Fill(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        int d = int.Parse(args[1], inv);
        double seconds = args.Length > 2 ? double.Parse(args[2], inv) : 0.5;
        var z = new double[d];
        ulong check = 0;
        double Repeat(long reps, bool sum)
        {
            var normals = new NormalStream(3);
            long start = Stopwatch.GetTimestamp();
            for (long r = 0; r < reps; r++) normals.Fill(z);
            double ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds / reps / d;
            if (sum)
            {
                normals = new NormalStream(3);
                for (long r = 0; r < 2_000_000 / d + 1; r++)
                {
                    normals.Fill(z);
                    foreach (double v in z) check = unchecked(BitOperations.RotateLeft(check, 5) ^ (ulong)BitConverter.DoubleToInt64Bits(v)) * 0x9E3779B97F4A7C15UL;
                }
            }
            return ns;
        }
        long n = Math.Max(10, 10_000_000L / d);
        double probe = Repeat(n, false);
        n = Math.Max(10, (long)(seconds * 1e9 / probe / d));
        Repeat(n, true);
        var each = Enumerable.Range(0, 7).Select(_ => Repeat(n, false)).ToArray();
        Console.WriteLine(string.Create(inv, $"normal-fill\t{d}\tmedian {Median(each):F3} min {each.Min():F3} ns/normal\tchecksum {check:X16}\t{n} reps"));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    /// <summary>x = r ∘ z, and xᵀw, xᵀt.</summary>
    private static (double, double) Project(double[] r, double[] z, double[] x, double[] w, double[] t)
    {
        var rv = MemoryMarshal.Cast<double, Vector<double>>(r);
        var zv = MemoryMarshal.Cast<double, Vector<double>>(z);
        var xv = MemoryMarshal.Cast<double, Vector<double>>(x.AsSpan());
        var wv = MemoryMarshal.Cast<double, Vector<double>>(w.AsSpan());
        var tv = MemoryMarshal.Cast<double, Vector<double>>(t);
        var sw = Vector<double>.Zero;
        var st = Vector<double>.Zero;
        for (int j = 0; j < rv.Length; j++)
        {
            var xj = rv[j] * zv[j];
            xv[j] = xj;
            sw += xj * wv[j];
            st += xj * tv[j];
        }
        double xw = Vector.Sum(sw), xt = Vector.Sum(st);
        for (int i = rv.Length * Vector<double>.Count; i < r.Length; i++)
        {
            x[i] = r[i] * z[i];
            xw += x[i] * w[i];
            xt += x[i] * t[i];
        }
        return (xw, xt);
    }

    private static void Axpy(double a, double[] x, double[] w)
    {
        var xv = MemoryMarshal.Cast<double, Vector<double>>(x.AsSpan());
        var wv = MemoryMarshal.Cast<double, Vector<double>>(w.AsSpan());
        var va = new Vector<double>(a);
        for (int j = 0; j < xv.Length; j++) wv[j] += va * xv[j];
        for (int i = xv.Length * Vector<double>.Count; i < x.Length; i++) w[i] += a * x[i];
    }
}
