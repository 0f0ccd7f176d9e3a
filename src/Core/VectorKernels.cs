using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PhaseFlow.Core;

/// <summary>SIMD loops of the direct simulators' hot paths.</summary>
internal static class VectorKernels
{
    /// <summary>A copy of <paramref name="source"/> whose first element is 32-byte aligned, for good: a slice of an array on
    /// the pinned-object heap, which the GC never moves. The SIMD loops over such copies never split a cache line, wherever
    /// the arrays would otherwise have landed; the loops, and so the results, are the same (they index from 0 either way).</summary>
    public static ArraySegment<double> Aligned(ReadOnlySpan<double> source)
    {
        const int Alignment = 32;
        var array = GC.AllocateUninitializedArray<double>(source.Length + Alignment / sizeof(double) - 1, pinned: true);
        long address = Marshal.UnsafeAddrOfPinnedArrayElement(array, 0);
        int offset = (int)((Alignment - (address & (Alignment - 1))) & (Alignment - 1)) / sizeof(double);
        var segment = new ArraySegment<double>(array, offset, source.Length);
        source.CopyTo(segment);
        return segment;
    }

    /// <summary>(Σ λ_i w_i², Σ qt_i w_i), with qt = Qw*.</summary>
    public static (double S, double U) QuadraticAndCross(ReadOnlySpan<double> lambda, ReadOnlySpan<double> qTeacher, ReadOnlySpan<double> w)
    {
        int n = w.Length, i = 0;
        double s = 0, u = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var vs = Vector<double>.Zero;
            var vu = Vector<double>.Zero;
            var lv = MemoryMarshal.Cast<double, Vector<double>>(lambda);
            var tv = MemoryMarshal.Cast<double, Vector<double>>(qTeacher);
            var wv = MemoryMarshal.Cast<double, Vector<double>>(w);
            for (int j = 0; j < wv.Length; j++)
            {
                var x = wv[j];
                vs += lv[j] * x * x;
                vu += tv[j] * x;
            }
            s = Vector.Sum(vs);
            u = Vector.Sum(vu);
            i = wv.Length * Vector<double>.Count;
        }
        for (; i < n; i++)
        {
            s += lambda[i] * w[i] * w[i];
            u += qTeacher[i] * w[i];
        }
        return (s, u);
    }

    /// <summary>One gradient-descent step w_i ← w_i (1 + α λ_i) + β qt_i, fused with the statistics of the new w.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static (double S, double U) DescentStep(ReadOnlySpan<double> lambda, ReadOnlySpan<double> qTeacher, Span<double> w,
        double alpha, double beta)
    {
        int n = w.Length, i = 0;
        double s = 0, u = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var va = new Vector<double>(alpha);
            var vb = new Vector<double>(beta);
            var vs0 = Vector<double>.Zero;
            var vu0 = Vector<double>.Zero;
            var vs1 = Vector<double>.Zero;
            var vu1 = Vector<double>.Zero;
            var lv = MemoryMarshal.Cast<double, Vector<double>>(lambda);
            var tv = MemoryMarshal.Cast<double, Vector<double>>(qTeacher);
            var wv = MemoryMarshal.Cast<double, Vector<double>>(w);
            int m = wv.Length, j = 0;
            // Two accumulator pairs hide the latency of the reductions.
            for (; j + 1 < m; j += 2)
            {
                var l0 = lv[j];
                var x0 = wv[j] + va * l0 * wv[j] + vb * tv[j];
                wv[j] = x0;
                vs0 += l0 * x0 * x0;
                vu0 += tv[j] * x0;
                var l1 = lv[j + 1];
                var x1 = wv[j + 1] + va * l1 * wv[j + 1] + vb * tv[j + 1];
                wv[j + 1] = x1;
                vs1 += l1 * x1 * x1;
                vu1 += tv[j + 1] * x1;
            }
            for (; j < m; j++)
            {
                var l0 = lv[j];
                var x0 = wv[j] + va * l0 * wv[j] + vb * tv[j];
                wv[j] = x0;
                vs0 += l0 * x0 * x0;
                vu0 += tv[j] * x0;
            }
            s = Vector.Sum(vs0 + vs1);
            u = Vector.Sum(vu0 + vu1);
            i = m * Vector<double>.Count;
        }
        for (; i < n; i++)
        {
            double x = w[i] + alpha * lambda[i] * w[i] + beta * qTeacher[i];
            w[i] = x;
            s += lambda[i] * x * x;
            u += qTeacher[i] * x;
        }
        return (s, u);
    }

    /// <summary>dw_i = α λ_i w_i + β qt_i, SIMD.</summary>
    public static void FlowField(ReadOnlySpan<double> lambda, ReadOnlySpan<double> qTeacher, ReadOnlySpan<double> w, Span<double> dw,
        double alpha, double beta)
    {
        int n = w.Length, i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<double>.Count)
        {
            var va = new Vector<double>(alpha);
            var vb = new Vector<double>(beta);
            var lv = MemoryMarshal.Cast<double, Vector<double>>(lambda);
            var tv = MemoryMarshal.Cast<double, Vector<double>>(qTeacher);
            var wv = MemoryMarshal.Cast<double, Vector<double>>(w);
            var dv = MemoryMarshal.Cast<double, Vector<double>>(dw);
            for (int j = 0; j < wv.Length; j++) dv[j] = va * lv[j] * wv[j] + vb * tv[j];
            i = wv.Length * Vector<double>.Count;
        }
        for (; i < n; i++) dw[i] = alpha * lambda[i] * w[i] + beta * qTeacher[i];
    }
}
