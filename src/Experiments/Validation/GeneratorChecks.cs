using System.Globalization;
using PhaseFlow.Foundation;

namespace PhaseFlow.Experiments.Validation;

/// <summary>The normal generator online SGD draws from (<see cref="NormalStream"/>): its moments, its distance to Φ, and
/// the independence of streams of different seeds. Bounds are standard errors under normality or the DKW tail bound.</summary>
internal static class GeneratorChecks
{
    private const double FalseAlarm = 1e-6;

    /// <summary>Three rows: the largest |z-score| of the first four raw moments (tolerance 5); the Kolmogorov–Smirnov
    /// distance (tolerance the DKW–Massart bound at false-alarm rate 1e-6); the largest |correlation| between neighbouring
    /// seeds' streams, of the draws and of their squares, and of a stream with itself one draw later (tolerance 5/√n).</summary>
    public static IReadOnlyList<ValidationResult> Rows(bool full)
    {
        int n = full ? 10_000_000 : 1_000_000, nKs = full ? 2_000_000 : 200_000;
        var z = Draw(SgdSeed, n);
        double[] scores = NormalSampleStatistics.MomentScores(z);
        var moments = new ValidationResult("normal generator (xoshiro256** + ziggurat): moments vs N(0, 1)", scores.Max(Math.Abs), 5,
            Invariant($"seed {SgdSeed}, n = {n:N0}; z-scores of E z, E z², E z³, E z⁴ against 0, 1, 0, 3 with standard errors √(1, 2, 15, 96)/√n: ") +
            string.Join(", ", scores.Select(s => s.ToString("F2", CultureInfo.InvariantCulture))) + "; tolerance 5");

        double d = NormalSampleStatistics.KolmogorovSmirnovDistance(z.AsSpan(0, nKs));
        var ks = new ValidationResult("normal generator: Kolmogorov–Smirnov distance to Φ", d, NormalSampleStatistics.KolmogorovSmirnovBound(nKs, FalseAlarm),
            Invariant($"seed {SgdSeed}, n = {nKs:N0}; tolerance the Dvoretzky–Kiefer–Wolfowitz–Massart bound √(ln(2/α)/(2n)), α = {FalseAlarm:G1} (√n·D = {Math.Sqrt(nKs) * d:F3})"));

        var next = Draw(SgdSeed + 1, n);
        double worst = Math.Max(Math.Abs(NormalSampleStatistics.Correlation(z, next, false)), Math.Max(Math.Abs(NormalSampleStatistics.Correlation(z, next, true)),
            Math.Abs(NormalSampleStatistics.Correlation(z.AsSpan(0, n - 1), z.AsSpan(1, n - 1), false))));
        var streams = new ValidationResult("normal generator: correlation between streams of seeds s and s + 1", worst, 5 / Math.Sqrt(n),
            Invariant($"seeds {SgdSeed}, {SgdSeed + 1}, n = {n:N0}; largest |correlation| of the draws, of their squares, and of one stream with itself one draw later; tolerance 5/√n (5 standard errors under independence)"));
        return [moments, ks, streams];
    }

    /// <summary>The first seed the SGD experiments use (SgdRuns.Seed(0)).</summary>
    private const int SgdSeed = 100;

    private static double[] Draw(long seed, int n)
    {
        var z = new double[n];
        new NormalStream(seed).Fill(z);
        return z;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
