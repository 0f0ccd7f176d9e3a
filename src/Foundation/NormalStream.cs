using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace PhaseFlow.Foundation;

/// <summary>A seeded stream of standard normal draws for the hot loops (online SGD): four xoshiro256** generators
/// (Blackman–Vigna) seeded through SplitMix64, each turned into normals by the 256-layer ziggurat of Marsaglia–Tsang in
/// NumPy's 64-bit form (8 bits pick the layer, 1 the sign, 52 the abscissa; Marsaglia's exact tail beyond r = 3.654…), their
/// draws interleaved: draw 4g + j is lane j's g-th normal. The lanes run side by side in SIMD registers (Vector256, on any
/// hardware: the same bits everywhere). A seed fixes every draw bit for bit, however they are requested; different seeds
/// give streams with no measurable correlation. No allocation.</summary>
/// <remarks>Written here because MathNet.Numerics' normal sampler (Box–Muller through <see cref="System.Random"/>, one virtual
/// call and a log, a square root and a sine per pair) cost 10–13× as much per draw, measured back to back, and no package served here offers a span-filling
/// ziggurat. Lane j's state is SplitMix64's outputs 4j … 4j + 3 from the seed. Not thread-safe: one stream per thread (or per
/// run). The layer tables are computed once from the ziggurat's
/// defining recurrence with <see cref="Math.Exp"/> and <see cref="Math.Log(double)"/>.</remarks>
public sealed class NormalStream
{
    private const int Lanes = 4;

    // Word k of lane j at [4k + j]: a Vector256 load takes word k of every lane.
    private readonly ulong[] _state = new ulong[4 * Lanes];
    // The rest of the last group when a request ended inside it, handed out first.
    private readonly double[] _spare = new double[Lanes];
    private int _spareNext = Lanes;

    /// <summary>A stream seeded with <paramref name="seed"/> (expanded to the lanes' 4 × 256 bits of state by SplitMix64, as the
    /// authors of xoshiro256** recommend).</summary>
    public NormalStream(long seed)
    {
        ulong x = unchecked((ulong)seed);
        for (int lane = 0; lane < Lanes; lane++)
            for (int k = 0; k < 4; k++)
                _state[k * Lanes + lane] = SplitMix64(ref x);
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = unchecked(x += 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>One standard normal draw.</summary>
    public double NextNormal()
    {
        if (_spareNext == Lanes)
        {
            Groups(_spare);
            _spareNext = 0;
        }
        return _spare[_spareNext++];
    }

    /// <summary>Fills <paramref name="values"/> with the stream's next draws, in order.</summary>
    public void Fill(Span<double> values)
    {
        int taken = Math.Min(Lanes - _spareNext, values.Length);
        _spare.AsSpan(_spareNext, taken).CopyTo(values);
        _spareNext += taken;
        values = values[taken..];
        int whole = values.Length / Lanes * Lanes;
        Groups(values[..whole]);
        if (whole < values.Length)
        {
            Groups(_spare);
            int rest = values.Length - whole;
            _spare.AsSpan(0, rest).CopyTo(values[whole..]);
            _spareNext = rest;
        }
    }

    /// <summary>values.Length / 4 groups of one draw per lane.</summary>
    private void Groups(Span<double> values)
    {
        ref ulong state = ref MemoryMarshal.GetArrayDataReference(_state);
        ref double v = ref MemoryMarshal.GetReference(values);
        int groups = values.Length / Lanes;
        Span<ulong> raw = stackalloc ulong[Lanes];
        ref double wk = ref MemoryMarshal.GetArrayDataReference(Tables.WiKi);
        for (int g = Fast(ref state, ref v, 0, groups, ref raw[0], ref wk); g < groups; g = Fast(ref state, ref v, g + 1, groups, ref raw[0], ref wk))
        {
            // The rare lane outside its layer's inner rectangle (1.2 % of draws) finishes in scalar code on its own state,
            // which Fast left just past group g.
            for (int lane = 0; lane < Lanes; lane++)
            {
                ulong r = raw[lane];
                int layer = (int)(r & 0xFF);
                if (((r >> 9) & 0x000F_FFFF_FFFF_FFFFUL) >= Tables.Ki[layer])
                    Unsafe.Add(ref v, g * Lanes + lane) = Slow(layer, Unsafe.Add(ref v, g * Lanes + lane), ref state, lane);
            }
        }
    }

    /// <summary>Groups <paramref name="g"/>, … of the fast path, all four lanes at once, until one with a lane outside its
    /// layer's inner rectangle (its draws written as if inside, its raw outputs in <paramref name="raw"/>, the state just past
    /// it) or <paramref name="groups"/>: returns that group. No call inside (not even a static constructor check: the tables
    /// come as arguments), so the state stays in registers; with a call the JIT keeps it on the stack.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Fast(ref ulong state, ref double v, int g, int groups, ref ulong raw, ref double wk)
    {
        var s0 = Vector256.LoadUnsafe(ref state, 0);
        var s1 = Vector256.LoadUnsafe(ref state, 4);
        var s2 = Vector256.LoadUnsafe(ref state, 8);
        var s3 = Vector256.LoadUnsafe(ref state, 12);
        var mantissa = Vector256.Create(0x000F_FFFF_FFFF_FFFFUL);
        var exponent52 = Vector256.Create(0x4330_0000_0000_0000UL);
        var two52 = Vector256.Create(4503599627370496.0);
        var signBit = Vector256.Create(1UL << 63);
        for (; g < groups; g++)
        {
            // xoshiro256** in every lane; × 5 and × 9 as shifts and adds (AVX2 has no 64-bit multiply).
            var m = s1 + (s1 << 2);
            var rotated = (m << 7) | (m >>> 57);
            var r = rotated + (rotated << 3);
            var t = s1 << 17;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = (s3 << 45) | (s3 >>> 19);

            var rabs = (r >>> 9) & mantissa;
            // The layers are r's low bytes: stored and read back as bytes, cheaper than four extractions from the register.
            r.StoreUnsafe(ref raw);
            nuint l0 = Unsafe.Add(ref Unsafe.As<ulong, byte>(ref raw), 0), l1 = Unsafe.Add(ref Unsafe.As<ulong, byte>(ref raw), 8),
                l2 = Unsafe.Add(ref Unsafe.As<ulong, byte>(ref raw), 16), l3 = Unsafe.Add(ref Unsafe.As<ulong, byte>(ref raw), 24);
            Vector256<double> w;
            Vector256<ulong> k;
            if (Avx.IsSupported)
            {
                // Wi and Ki side by side per layer: two 16-byte loads per register half, then one unpack each.
                var a = Vector256.Create(Vector128.LoadUnsafe(ref wk, 2 * l0), Vector128.LoadUnsafe(ref wk, 2 * l2));
                var b = Vector256.Create(Vector128.LoadUnsafe(ref wk, 2 * l1), Vector128.LoadUnsafe(ref wk, 2 * l3));
                w = Avx.UnpackLow(a, b);
                k = Avx.UnpackHigh(a, b).AsUInt64();
            }
            else
            {
                w = Vector256.Create(Unsafe.Add(ref wk, 2 * l0), Unsafe.Add(ref wk, 2 * l1), Unsafe.Add(ref wk, 2 * l2), Unsafe.Add(ref wk, 2 * l3));
                k = Vector256.Create(Unsafe.Add(ref wk, 2 * l0 + 1), Unsafe.Add(ref wk, 2 * l1 + 1), Unsafe.Add(ref wk, 2 * l2 + 1),
                    Unsafe.Add(ref wk, 2 * l3 + 1)).AsUInt64();
            }
            // rabs < 2^52 as a double, exactly: its bits under the exponent of 2^52, minus 2^52. The sign is bit 8 of r.
            var x = ((rabs | exponent52).AsDouble() - two52) * w;
            x = (x.AsUInt64() ^ ((r << 55) & signBit)).AsDouble();
            x.StoreUnsafe(ref v, (nuint)(g * Lanes));
            if (Vector256.LessThan(rabs.AsInt64(), k.AsInt64()).ExtractMostSignificantBits() != 0xF) break;
        }
        s0.StoreUnsafe(ref state, 0);
        s1.StoreUnsafe(ref state, 4);
        s2.StoreUnsafe(ref state, 8);
        s3.StoreUnsafe(ref state, 12);
        return g;
    }

    /// <summary>The next output of one lane's xoshiro256** (its words at <paramref name="lane"/> + 4k).</summary>
    private static ulong Next(ref ulong state, int lane)
    {
        ref ulong s0 = ref Unsafe.Add(ref state, lane);
        ref ulong s1 = ref Unsafe.Add(ref state, Lanes + lane);
        ref ulong s2 = ref Unsafe.Add(ref state, 2 * Lanes + lane);
        ref ulong s3 = ref Unsafe.Add(ref state, 3 * Lanes + lane);
        ulong result = unchecked(BitOperations.RotateLeft(s1 * 5, 7) * 9);
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = BitOperations.RotateLeft(s3, 45);
        return result;
    }

    private static double Uniform(ref ulong state, int lane) => (Next(ref state, lane) >> 11) * (1.0 / (1UL << 53));

    /// <summary>The draw whose abscissa fell outside its layer's inner rectangle: the tail (layer 0) or the wedge test, and
    /// on a rejection a fresh draw, all from the lane's own generator.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Slow(int layer, double x, ref ulong state, int lane)
    {
        while (true)
        {
            if (layer == 0)
            {
                // Marsaglia's tail: x = r + e1/r with e1, e2 exponential, accepted when 2 e2 > (e1/r)²; 1 − U ∈ (0, 1] keeps the logs finite.
                double xx, yy;
                do
                {
                    xx = -Tables.InverseR * Math.Log(1 - Uniform(ref state, lane));
                    yy = -Math.Log(1 - Uniform(ref state, lane));
                } while (yy + yy <= xx * xx);
                return x < 0 ? -(Tables.R + xx) : Tables.R + xx;
            }
            var fi = Tables.Fi;
            if ((fi[layer - 1] - fi[layer]) * Uniform(ref state, lane) + fi[layer] < Math.Exp(-0.5 * x * x)) return x;

            ulong r = Next(ref state, lane);
            layer = (int)(r & 0xFF);
            ulong rabs = (r >> 9) & 0x000F_FFFF_FFFF_FFFFUL;
            x = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits((long)rabs * Tables.Wi[layer]) ^ (long)((r << 55) & (1UL << 63)));
            if (rabs < Tables.Ki[layer]) return x;
        }
    }

    /// <summary>The ziggurat's layers: 256 of equal area v under the standard normal density (unnormalised, e^{−x²/2}),
    /// layer 0 the base strip with the tail beyond r. x_i = √(−2 ln(v/x_{i+1} + f(x_{i+1}))) downwards from x_255 = r;
    /// Wi = x_i/2^52 scales the 52-bit abscissa, Ki = 2^52 x_{i−1}/x_i bounds the part of layer i wholly under the curve,
    /// Fi = f(x_i).</summary>
    private static class Tables
    {
        public const double R = 3.6541528853610088, InverseR = 1 / R;
        private const double V = 4.92867323399e-3;
        public static readonly ulong[] Ki = new ulong[256];
        public static readonly double[] Wi = new double[256];
        public static readonly double[] Fi = new double[256];
        /// <summary>Wi[i] at 2i and Ki[i]'s bits at 2i + 1, for the fast path's paired loads.</summary>
        public static readonly double[] WiKi = new double[512];

#pragma warning disable CA1810 // one loop fills three tables together
        static Tables()
#pragma warning restore CA1810
        {
            const double M = 1UL << 52;
            double dn = R, tn = R;
            double q = V / Math.Exp(-0.5 * dn * dn); // width of the base strip's rectangle
            Ki[0] = (ulong)(dn / q * M);
            Ki[1] = 0;
            Wi[0] = q / M;
            Wi[255] = dn / M;
            Fi[0] = 1;
            Fi[255] = Math.Exp(-0.5 * dn * dn);
            for (int i = 254; i >= 1; i--)
            {
                dn = Math.Sqrt(-2 * Math.Log(V / dn + Math.Exp(-0.5 * dn * dn)));
                Ki[i + 1] = (ulong)(dn / tn * M);
                tn = dn;
                Fi[i] = Math.Exp(-0.5 * dn * dn);
                Wi[i] = dn / M;
            }
            for (int i = 0; i < 256; i++)
            {
                WiKi[2 * i] = Wi[i];
                WiKi[2 * i + 1] = BitConverter.UInt64BitsToDouble(Ki[i]);
            }
        }
    }
}
