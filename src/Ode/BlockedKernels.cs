using System.Numerics;
using System.Runtime.InteropServices;

namespace PhaseFlow.Ode;

/// <summary>Linear combinations of long vectors done block by block, so that each input is read from memory once per
/// combination and the repeated passes of a stage hit the L1 cache (large systems are memory-bandwidth bound).</summary>
internal static class BlockedKernels
{
    public const int Block = 512;

    /// <summary>y += a·x, SIMD.</summary>
    public static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && y.Length >= Vector<double>.Count)
        {
            var va = new Vector<double>(a);
            var xv = MemoryMarshal.Cast<double, Vector<double>>(x);
            var yv = MemoryMarshal.Cast<double, Vector<double>>(y);
            for (int j = 0; j < yv.Length; j++) yv[j] += va * xv[j];
            i = yv.Length * Vector<double>.Count;
        }
        for (; i < y.Length; i++) y[i] += a * x[i];
    }

    /// <summary>x·y, SIMD.</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            var acc = Vector<double>.Zero;
            var xv = MemoryMarshal.Cast<double, Vector<double>>(x);
            var yv = MemoryMarshal.Cast<double, Vector<double>>(y);
            for (int j = 0; j < xv.Length; j++) acc += xv[j] * yv[j];
            sum = Vector.Sum(acc);
            i = xv.Length * Vector<double>.Count;
        }
        for (; i < x.Length; i++) sum += x[i] * y[i];
        return sum;
    }

    /// <summary>dst = baseVector + Σ_{j &lt; count} scale·coefficients[j]·ks[j]; an empty base counts as zero.</summary>
    public static void Combine(Span<double> dst, ReadOnlySpan<double> baseVector, ReadOnlySpan<double> coefficients, double scale,
        double[][] ks, int count)
    {
        int n = dst.Length;
        for (int start = 0; start < n; start += Block)
        {
            int len = Math.Min(Block, n - start);
            var d = dst.Slice(start, len);
            if (baseVector.IsEmpty) d.Clear();
            else baseVector.Slice(start, len).CopyTo(d);
            for (int j = 0; j < count; j++)
                if (coefficients[j] != 0) Axpy(scale * coefficients[j], ks[j].AsSpan(start, len), d);
        }
    }
}
