using System.Globalization;
using PhaseFlow.Foundation;

namespace PhaseFlow.Volterra;

/// <summary>Grid values u(t_i) on t_i = i·TEnd/N, with optional Richardson error estimates.</summary>
public sealed class VolterraSolution
{
    private readonly double[] _values;

    internal VolterraSolution(double[] times, int dimension, double[] values, double[]? errorEstimate, VolterraStatistics statistics)
    {
        Times = times;
        Dimension = dimension;
        _values = values;
        ErrorEstimate = errorEstimate;
        Statistics = statistics;
        if (errorEstimate is not null) MaxErrorEstimate = errorEstimate.Max();
    }

    /// <summary>The grid t_0 = 0, …, t_N = TEnd.</summary>
    public double[] Times { get; }

    /// <summary>n.</summary>
    public int Dimension { get; }

    /// <summary>u(t_i), length n.</summary>
    public ReadOnlySpan<double> At(int i) => _values.AsSpan(i * Dimension, Dimension);

    /// <summary>Component c of u over the grid (a new array).</summary>
    public double[] Component(int c)
    {
        if (c < 0 || c >= Dimension)
            throw new InvalidParameterException("c", $"in [0, {Dimension - 1}]", c.ToString(CultureInfo.InvariantCulture));
        var result = new double[Times.Length];
        for (int i = 0; i < result.Length; i++) result[i] = _values[i * Dimension + c];
        return result;
    }

    /// <summary>When estimated: per grid point, max over components of |u_{2N}(t_i) − u_N(t_i)|/(2^p − 1), the
    /// Richardson estimate of the error of the returned (2N-step) values.</summary>
    public double[]? ErrorEstimate { get; }

    /// <summary>The largest entry of <see cref="ErrorEstimate"/>.</summary>
    public double? MaxErrorEstimate { get; }

    /// <summary>Counters of the solve.</summary>
    public VolterraStatistics Statistics { get; }

    /// <summary>u(t) by Lagrange interpolation through the p grid points nearest t (p = the method's order, so
    /// linear for Trapezoidal, cubic for Gregory4): the interpolation error is O(h^p) like the grid values'.</summary>
    /// <param name="t">A time in [0, TEnd].</param>
    /// <param name="u">Receives u(t), length n.</param>
    public void Interpolate(double t, Span<double> u)
    {
        int last = Times.Length - 1;
        double end = Times[last];
        if (!(t >= 0 && t <= end * (1 + 1e-14)))
            throw new InvalidParameterException("t", $"in [0, {end.ToString("R", CultureInfo.InvariantCulture)}]", t.ToString("R", CultureInfo.InvariantCulture));
        if (u.Length != Dimension)
            throw new InvalidParameterException("u", $"of length {Dimension}", $"length {u.Length}");
        int points = Math.Min(Statistics.Order, Times.Length);
        double h = end / last;
        int below = (int)Math.Floor(t / h);
        int start = Math.Clamp(below - (points / 2 - 1), 0, Times.Length - points);
        u.Clear();
        for (int a = start; a < start + points; a++)
        {
            double l = 1;
            for (int b = start; b < start + points; b++)
                if (b != a) l *= (t - Times[b]) / (Times[a] - Times[b]);
            var ua = At(a);
            for (int i = 0; i < Dimension; i++) u[i] += l * ua[i];
        }
    }
}
