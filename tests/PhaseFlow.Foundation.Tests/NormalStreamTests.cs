using MathNet.Numerics.Distributions;

namespace PhaseFlow.Foundation.Tests;

/// <summary>The fast normal stream: it is the published xoshiro256** seeded by SplitMix64, a seed fixes every draw, and the
/// draws are standard normal by the usual tests. Every statistical bound is a z-score or a tail bound at a stated false-alarm
/// rate; with fixed seeds the outcomes are deterministic, the bounds say how unlikely a failure of a correct generator is.</summary>
public class NormalStreamTests
{
    /// <summary>The first 8 draws and the sum of the first 10^5 (summed in order) for seeds 0 and 42, as bits, from an
    /// independent transcription (Python, its own float arithmetic and libm) of SplitMix64, xoshiro256** as published by
    /// Blackman and Vigna, the ziggurat's table recurrence and NumPy's 64-bit ziggurat, four lanes interleaved: every draw,
    /// slow paths included, is the published algorithms' to the bit.</summary>
    [Theory]
    [InlineData(0L, new[] { 0x3FF8E172BE18CA74UL, 0xBFD92D8C9208ADD6UL, 0x3FE960D61686D3B5UL, 0x3FD800D3119A9B25UL, 0xBFECE19157BC6580UL,
        0x3FC5944491714A36UL, 0xBFCF13D5F26B4FCAUL, 0xBFE3D1310AB7AE48UL }, 0xC04141352E50B620UL)]
    [InlineData(42L, new[] { 0xBFDE9FB11564191AUL, 0x3FF7A43063713904UL, 0xBFEC0B5645AA1094UL, 0x3FC9832730D8B88AUL, 0x3FA8CF63D4A8946FUL,
        0x3FEEDB028C2AE162UL, 0x3FB942AC5960E7D3UL, 0x3FE1B524A2E295C3UL }, 0x406CF18058D41008UL)]
    public void DrawsAreThePublishedAlgorithms(long seed, ulong[] first, ulong sumOfFirst100000)
    {
        var z = new double[100_000];
        new NormalStream(seed).Fill(z);
        Assert.Equal(first, z.Take(8).Select(v => (ulong)BitConverter.DoubleToInt64Bits(v)).ToArray());
        double sum = 0;
        foreach (double v in z) sum += v;
        Assert.Equal(sumOfFirst100000, (ulong)BitConverter.DoubleToInt64Bits(sum));
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
        foreach (double score in NormalSampleStatistics.MomentScores(z)) Assert.InRange(score, -5, 5);
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
        double d = NormalSampleStatistics.KolmogorovSmirnovDistance(z);
        Assert.True(d <= NormalSampleStatistics.KolmogorovSmirnovBound(n, 1e-6), $"D = {d}");
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
        Assert.InRange(NormalSampleStatistics.Correlation(x.AsSpan(0, n), y, false), -bound, bound);
        Assert.InRange(NormalSampleStatistics.Correlation(x.AsSpan(0, n), y, true), -bound, bound);
        Assert.InRange(NormalSampleStatistics.Correlation(x.AsSpan(0, n), x.AsSpan(1, n), false), -bound, bound);
    }

    private static double[] Draw(long seed, int n)
    {
        var z = new double[n];
        new NormalStream(seed).Fill(z);
        return z;
    }
}
