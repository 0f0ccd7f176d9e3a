namespace PhaseFlow.Duhamel;

/// <summary>Partial sums Σ_{i=m}^{n} i^{-p} for index ranges far too long to sum term by term (d = 10^9 or ∞):
/// exact summation of the first terms, Euler–Maclaurin beyond.</summary>
internal static class PowerSums
{
    // Beyond this index the Euler–Maclaurin remainder after the f^(5) term is below 1e-25 relative for p ≤ 20.
    private const long DirectLimit = 2000;

    /// <summary>Σ_{i=m}^{n} i^{-p} for 1 ≤ m ≤ n ≤ ∞ (n = long.MaxValue means ∞, which needs p &gt; 1).</summary>
    public static double Sum(long m, long n, double p)
    {
        if (n < m) return 0;
        double sum = 0;
        long directEnd = Math.Min(n, Math.Max(m, DirectLimit) - 1);
        // Smallest terms first.
        for (long i = directEnd; i >= m; i--) sum += Math.Pow(i, -p);
        long start = Math.Max(m, DirectLimit);
        if (start <= n) sum += EulerMaclaurin(start, n, p);
        return sum;
    }

    /// <summary>Euler–Maclaurin for Σ_{i=m}^{n} i^{-p}, m ≥ 2000, with the corrections up to f^(5).</summary>
    private static double EulerMaclaurin(long m, long n, double p)
    {
        bool infinite = n == long.MaxValue;
        double fm = Math.Pow(m, -p), fn = infinite ? 0 : Math.Pow(n, -p);
        double integral = Math.Abs(p - 1) < 1e-15
            ? (infinite ? double.PositiveInfinity : Math.Log((double)n / m))
            : (Math.Pow(m, 1 - p) - (infinite ? 0 : Math.Pow(n, 1 - p))) / (p - 1);
        // f' = -p x^{-p-1}, f''' = -p(p+1)(p+2) x^{-p-3}, f^(5) = -p(p+1)(p+2)(p+3)(p+4) x^{-p-5}.
        double D(int order, double x) => x == 0 ? 0 : -Falling(p, order) * Math.Pow(x, -p - order);
        double xm = m, xn = infinite ? 0 : n;
        return integral + (fm + fn) / 2
            + (D(1, xn) - D(1, xm)) / 12
            - (D(3, xn) - D(3, xm)) / 720
            + (D(5, xn) - D(5, xm)) / 30240;
    }

    private static double Falling(double p, int order)
    {
        double r = 1;
        for (int k = 0; k < order; k++) r *= p + k;
        return r;
    }
}
