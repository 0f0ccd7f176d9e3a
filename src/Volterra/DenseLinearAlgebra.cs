namespace PhaseFlow.Volterra;

/// <summary>Small dense kernels for the n×n Newton systems (n is the equation's dimension, usually small).</summary>
internal static class DenseLinearAlgebra
{
    /// <summary>y = A x for square row-major A.</summary>
    public static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> x, Span<double> y)
    {
        int n = x.Length;
        for (int r = 0; r < n; r++)
        {
            double s = 0;
            var row = a.Slice(r * n, n);
            for (int c = 0; c < n; c++) s += row[c] * x[c];
            y[r] = s;
        }
    }

    /// <summary>y += A x.</summary>
    public static void MultiplyAdd(ReadOnlySpan<double> a, ReadOnlySpan<double> x, Span<double> y, double scale)
    {
        int n = x.Length;
        for (int r = 0; r < n; r++)
        {
            double s = 0;
            var row = a.Slice(r * n, n);
            for (int c = 0; c < n; c++) s += row[c] * x[c];
            y[r] += scale * s;
        }
    }

    /// <summary>C = A B.</summary>
    public static void MultiplyMatrices(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int n)
    {
        for (int r = 0; r < n; r++)
            for (int k = 0; k < n; k++)
            {
                double s = 0;
                for (int i = 0; i < n; i++) s += a[r * n + i] * b[i * n + k];
                c[r * n + k] = s;
            }
    }

    /// <summary>LU with partial pivoting in place; false when a pivot is zero or not finite.</summary>
    public static bool Factor(Span<double> a, Span<int> pivots, int n)
    {
        for (int k = 0; k < n; k++)
        {
            int p = k;
            double max = Math.Abs(a[k * n + k]);
            for (int r = k + 1; r < n; r++)
                if (Math.Abs(a[r * n + k]) > max) { max = Math.Abs(a[r * n + k]); p = r; }
            if (!(max > 0) || !double.IsFinite(max)) return false;
            pivots[k] = p;
            if (p != k)
                for (int c = 0; c < n; c++) (a[k * n + c], a[p * n + c]) = (a[p * n + c], a[k * n + c]);
            double inv = 1 / a[k * n + k];
            for (int r = k + 1; r < n; r++)
            {
                double l = a[r * n + k] *= inv;
                if (l == 0) continue;
                for (int c = k + 1; c < n; c++) a[r * n + c] -= l * a[k * n + c];
            }
        }
        return true;
    }

    /// <summary>Solves LU x = b in place in <paramref name="b"/>.</summary>
    public static void Solve(ReadOnlySpan<double> lu, ReadOnlySpan<int> pivots, Span<double> b, int n)
    {
        for (int k = 0; k < n; k++)
        {
            int p = pivots[k];
            if (p != k) (b[k], b[p]) = (b[p], b[k]);
        }
        for (int r = 1; r < n; r++)
        {
            double s = b[r];
            for (int c = 0; c < r; c++) s -= lu[r * n + c] * b[c];
            b[r] = s;
        }
        for (int r = n - 1; r >= 0; r--)
        {
            double s = b[r];
            for (int c = r + 1; c < n; c++) s -= lu[r * n + c] * b[c];
            b[r] = s / lu[r * n + r];
        }
    }
}
