using MathNet.Numerics.Distributions;

namespace PhaseFlow.Foundation;

/// <summary>Statistics of a sample that should be independent standard normal draws: the generator's validation rows and its
/// tests use the same ones.</summary>
public static class NormalSampleStatistics
{
    /// <summary>z-scores of the raw moments E z, E z², E z³, E z⁴ against 0, 1, 0, 3, with their standard errors under
    /// normality √(1, 2, 15, 96)/√n.</summary>
    public static double[] MomentScores(ReadOnlySpan<double> z)
    {
        int n = z.Length;
        double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
        foreach (double v in z)
        {
            double v2 = v * v;
            m1 += v;
            m2 += v2;
            m3 += v2 * v;
            m4 += v2 * v2;
        }
        return [m1 / n / Math.Sqrt(1.0 / n), (m2 / n - 1) / Math.Sqrt(2.0 / n), m3 / n / Math.Sqrt(15.0 / n), (m4 / n - 3) / Math.Sqrt(96.0 / n)];
    }

    /// <summary>The Kolmogorov–Smirnov distance of the sample's empirical CDF to Φ (the sample is copied and sorted).</summary>
    public static double KolmogorovSmirnovDistance(ReadOnlySpan<double> z)
    {
        var sorted = z.ToArray();
        Array.Sort(sorted);
        int n = sorted.Length;
        double d = 0;
        for (int i = 0; i < n; i++)
        {
            double f = Normal.CDF(0, 1, sorted[i]);
            d = Math.Max(d, Math.Max((i + 1.0) / n - f, f - (double)i / n));
        }
        return d;
    }

    /// <summary>The Dvoretzky–Kiefer–Wolfowitz–Massart bound √(ln(2/α)/(2n)): P(D &gt; bound) ≤ α for n exact draws.</summary>
    public static double KolmogorovSmirnovBound(int n, double falseAlarm) => Math.Sqrt(Math.Log(2 / falseAlarm) / (2 * n));

    /// <summary>The sample correlation of x and y (of their squares with <paramref name="squares"/>); its standard error under
    /// independence is 1/√n.</summary>
    public static double Correlation(ReadOnlySpan<double> x, ReadOnlySpan<double> y, bool squares)
    {
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double a = squares ? x[i] * x[i] : x[i], b = squares ? y[i] * y[i] : y[i];
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
