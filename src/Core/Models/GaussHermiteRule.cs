using System.Collections.Concurrent;
using MathNet.Numerics.LinearAlgebra;
using PhaseFlow.Foundation;

namespace PhaseFlow.Core;

/// <summary>The n-point Gauss–Hermite rule for the standard normal weight: Σ wᵢ h(xᵢ) = E[h(ζ)], ζ ~ N(0, 1), exact for
/// polynomials of degree ≤ 2n − 1. MathNet.Numerics has no Hermite rule, so the nodes are computed by Golub–Welsch (the
/// eigenvalues of the symmetric Jacobi matrix with off-diagonal √k, by MathNet's symmetric eigen-solver), polished by
/// Newton steps on the orthonormal Hermite recurrence, and the weights are the Christoffel numbers
/// 1/Σ_{k&lt;n} pₖ(xᵢ)², which keep full relative accuracy even for the smallest weights. Rules are cached; immutable and
/// thread-safe.</summary>
public sealed class GaussHermiteRule
{
    /// <summary>The largest order offered (beyond it pₖ(xᵢ) leaves the range of doubles).</summary>
    public const int MaxOrder = 300;

    private static readonly ConcurrentDictionary<int, GaussHermiteRule> Cache = new();
    private readonly double[] nodes;
    private readonly double[] weights;

    private GaussHermiteRule(double[] nodes, double[] weights)
    {
        this.nodes = nodes;
        this.weights = weights;
    }

    /// <summary>The number of nodes n.</summary>
    public int Order => nodes.Length;

    /// <summary>The nodes, ascending and symmetric about 0.</summary>
    public ReadOnlySpan<double> Nodes => nodes;

    /// <summary>The weights, summing to 1.</summary>
    public ReadOnlySpan<double> Weights => weights;

    /// <summary>The n-point rule (computed once per n).</summary>
    /// <param name="order">n in [1, <see cref="MaxOrder"/>].</param>
    public static GaussHermiteRule Create(int order)
    {
        Guard.InRange(order, 1, MaxOrder, "order");
        return Cache.GetOrAdd(order, Compute);
    }

    /// <summary>E[h(ζ)] by the rule.</summary>
    /// <param name="h">The integrand.</param>
    public double Expectation(Func<double, double> h)
    {
        ArgumentNullException.ThrowIfNull(h);
        double sum = 0;
        for (int i = 0; i < nodes.Length; i++) sum += weights[i] * h(nodes[i]);
        return sum;
    }

    private static GaussHermiteRule Compute(int n)
    {
        var jacobi = Matrix<double>.Build.Dense(n, n);
        for (int k = 1; k < n; k++) jacobi[k - 1, k] = jacobi[k, k - 1] = Math.Sqrt(k);
        var x = jacobi.Evd(Symmetricity.Symmetric).EigenValues.Select(e => e.Real).Order().ToArray();
        var w = new double[n];
        for (int i = 0; i < n; i++)
        {
            for (int iteration = 0; iteration < 3; iteration++)
            {
                var (pn, pn1, _) = Orthonormal(n, x[i]);
                double step = pn / (Math.Sqrt(n) * pn1);   // pₙ′ = √n pₙ₋₁
                if (double.IsFinite(step)) x[i] -= step;
            }
            w[i] = 1 / Orthonormal(n, x[i]).SumSquares;
        }
        // Symmetrise exactly: xᵢ = −x_{n−1−i}, equal weights; a node at 0 for odd n.
        for (int i = 0; i < n / 2; i++)
        {
            double xi = 0.5 * (x[n - 1 - i] - x[i]), wi = 0.5 * (w[i] + w[n - 1 - i]);
            (x[i], x[n - 1 - i], w[i], w[n - 1 - i]) = (-xi, xi, wi, wi);
        }
        if (n % 2 == 1) x[n / 2] = 0;
        double total = w.Sum();
        for (int i = 0; i < n; i++) w[i] /= total;
        return new GaussHermiteRule(x, w);
    }

    /// <summary>pₙ(x), pₙ₋₁(x) and Σ_{k&lt;n} pₖ(x)² of the orthonormal probabilists' Hermite polynomials
    /// (p₀ = 1, √(k+1) pₖ₊₁ = x pₖ − √k pₖ₋₁).</summary>
    private static (double Pn, double Pn1, double SumSquares) Orthonormal(int n, double x)
    {
        double previous = 0, current = 1, sum = 0;
        for (int k = 0; k < n; k++)
        {
            sum += current * current;
            double next = (x * current - Math.Sqrt(k) * previous) / Math.Sqrt(k + 1);
            (previous, current) = (current, next);
        }
        return (current, previous, sum);
    }
}
