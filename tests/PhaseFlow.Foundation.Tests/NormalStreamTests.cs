using MathNet.Numerics.Distributions;

namespace PhaseFlow.Foundation.Tests;

/// <summary>The fast normal stream: it is the published xoshiro256** seeded by SplitMix64, a seed fixes every draw, and the
/// draws are standard normal by the usual tests. Every statistical bound is a z-score or a tail bound at a stated false-alarm
/// rate; with fixed seeds the outcomes are deterministic, the bounds say how unlikely a failure of a correct generator is.</summary>
public class NormalStreamTests
{
    /// <summary>First outputs for seeds 0, 42, −1 from an independent transcription (Python) of SplitMix64 and xoshiro256**
    /// as published by Blackman and Vigna.</summary>
    [Theory]
    [InlineData(0L, 0x99ec5f36cb75f2b4UL, 0xbf6e1f784956452aUL, 0x1a5f849d4933e6e0UL)]
    [InlineData(42L, 0x15780b2e0c2ec716UL, 0x6104d9866d113a7eUL, 0xae17533239e499a1UL)]
    [InlineData(-1L, 0x8f5520d52a7ead08UL, 0xc476a018caa1802dUL, 0x81de31c0d260469eUL)]
    public void BitsAreThePublishedGenerators(long seed, ulong first, ulong second, ulong third)
    {
        var stream = new NormalStream(seed);
        Assert.Equal([first, second, third], new[] { stream.NextUInt64(), stream.NextUInt64(), stream.NextUInt64() });
    }

    [Fact]
    public void ASeedFixesEveryDrawHoweverTheyAreRequested()
    {
        var whole = new double[10_000];
        new NormalStream(5).Fill(whole);
        var pieces = new double[whole.Length];
        var stream = new NormalStream(5);
        stream.Fill(pieces.AsSpan(0, 3));
        stream.Fill(pieces.AsSpan(3, 4000));
        for (int i = 4003; i < pieces.Length; i++) pieces[i] = stream.NextNormal();
        Assert.Equal(whole, pieces);
        var other = new double[whole.Length];
        new NormalStream(6).Fill(other);
        Assert.NotEqual(whole, other);
    }

    /// <summary>Raw moments about the known mean 0 against 0, 1, 0, 3, each within 5 of its standard error under normality
    /// (Var z = 1, Var z² = 2, Var z³ = 15, Var z⁴ = 96).</summary>
    [Fact]
    public void MomentsAreTheNormals()
    {
        const int n = 2_000_000;
        var z = Draw(1, n);
        double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
        foreach (double v in z)
        {
            double v2 = v * v;
            m1 += v;
            m2 += v2;
            m3 += v2 * v;
            m4 += v2 * v2;
        }
        Assert.InRange(m1 / n / Math.Sqrt(1.0 / n), -5, 5);
        Assert.InRange((m2 / n - 1) / Math.Sqrt(2.0 / n), -5, 5);
        Assert.InRange(m3 / n / Math.Sqrt(15.0 / n), -5, 5);
        Assert.InRange((m4 / n - 3) / Math.Sqrt(96.0 / n), -5, 5);
    }

    /// <summary>Kolmogorov–Smirnov distance to Φ below the Dvoretzky–Kiefer–Wolfowitz–Massart bound at false-alarm rate
    /// 1e-6: P(D &gt; ε) ≤ 2 exp(−2nε²).</summary>
    [Theory]
    [InlineData(2L)]
    [InlineData(3L)]
    public void KolmogorovSmirnovAgainstThePhiPasses(long seed)
    {
        const int n = 200_000;
        var z = Draw(seed, n);
        Array.Sort(z);
        double d = 0;
        for (int i = 0; i < n; i++)
        {
            double f = Normal.CDF(0, 1, z[i]);
            d = Math.Max(d, Math.Max((i + 1.0) / n - f, f - (double)i / n));
        }
        Assert.True(d <= Math.Sqrt(Math.Log(2 / 1e-6) / (2 * n)), $"D = {d}");
    }

    /// <summary>The ziggurat's tail (beyond r = 3.654) and its wedges: the counts beyond several levels against the binomial
    /// expectation n·2(1 − Φ(x)), within 5 standard deviations.</summary>
    [Fact]
    public void TailsHaveTheNormalsMass()
    {
        const int n = 10_000_000;
        var z = Draw(4, n);
        foreach (double level in new[] { 0.5, 2, 3.6541528853610088, 4.5 })
        {
            double p = 2 * Normal.CDF(0, 1, -level), expected = n * p;
            long count = z.LongCount(v => Math.Abs(v) > level);
            Assert.True(Math.Abs(count - expected) <= 5 * Math.Sqrt(expected * (1 - p)), $"|z| > {level}: {count}, expected {expected:F0}");
        }
    }

    /// <summary>Streams of neighbouring and of unrelated seeds, and a stream against itself one draw later: the correlation of
    /// the draws and of their squares is within 5/√n of 0 (its standard error under independence is 1/√n).</summary>
    [Theory]
    [InlineData(0L, 1L)]
    [InlineData(100L, 101L)]
    [InlineData(7L, -7L)]
    [InlineData(1000L, 2000L)]
    public void StreamsOfDifferentSeedsAreUncorrelated(long a, long b)
    {
        const int n = 1_000_000;
        var x = Draw(a, n + 1);
        var y = Draw(b, n);
        double bound = 5 / Math.Sqrt(n);
        Assert.InRange(Correlation(x.AsSpan(0, n), y, v => v), -bound, bound);
        Assert.InRange(Correlation(x.AsSpan(0, n), y, v => v * v), -bound, bound);
        Assert.InRange(Correlation(x.AsSpan(0, n), x.AsSpan(1, n), v => v), -bound, bound);
    }

    private static double[] Draw(long seed, int n)
    {
        var z = new double[n];
        new NormalStream(seed).Fill(z);
        return z;
    }

    private static double Correlation(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Func<double, double> map)
    {
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double a = map(x[i]), b = map(y[i]);
            sx += a;
            sy += b;
            sxx += a * a;
            syy += b * b;
            sxy += a * b;
        }
        int n = x.Length;
        return (sxy - sx * sy / n) / Math.Sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
    }
}
