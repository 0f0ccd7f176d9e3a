using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;

namespace PhaseFlow.Foundation;

/// <summary>Seeded random streams: every draw in PhaseFlow comes from an explicit seed and is bit-identical run to run.</summary>
public static class SeededRandom
{
    /// <summary>A xoshiro256** generator (MathNet.Numerics) seeded with <paramref name="seed"/>; not thread-safe.</summary>
    public static System.Random Create(int seed) => new Xoshiro256StarStar(seed, threadSafe: false);

    /// <summary>Fills <paramref name="values"/> with independent standard normal draws.</summary>
    public static void FillStandardNormal(System.Random random, double[] values) => Normal.Samples(random, values, 0, 1);
}
