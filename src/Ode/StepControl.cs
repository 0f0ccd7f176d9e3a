namespace PhaseFlow.Ode;

/// <summary>Weighted RMS error norm of Hairer and Wanner: scale_i = atol_i + rtol·max(|y0_i|, |y1_i|).</summary>
internal sealed class ErrorNorm
{
    private readonly double _rtol;
    private readonly double _atol;
    private readonly double[]? _atols;
    private readonly double[]? _rtols;

    public ErrorNorm(OdeOptions options)
    {
        _rtol = options.RelativeTolerance;
        _atol = options.AbsoluteTolerance;
        _atols = options.AbsoluteTolerances?.ToArray();
        _rtols = options.RelativeTolerances?.ToArray();
    }

    public double Scale(int i, double y0, double y1) =>
        (_atols is null ? _atol : _atols[i]) + (_rtols is null ? _rtol : _rtols[i]) * Math.Max(Math.Abs(y0), Math.Abs(y1));

    /// <summary>RMS of err_i / scale_i; NaN when anything is not finite.</summary>
    public double Norm(ReadOnlySpan<double> err, ReadOnlySpan<double> y0, ReadOnlySpan<double> y1)
    {
        double sum = 0;
        int start = 0;
        if (_atols is null && _rtols is null && _atol > 0 && System.Numerics.Vector.IsHardwareAccelerated && err.Length >= System.Numerics.Vector<double>.Count)
        {
            // Common case (one positive atol): SIMD; scales are then positive.
            var ev = System.Runtime.InteropServices.MemoryMarshal.Cast<double, System.Numerics.Vector<double>>(err);
            var av = System.Runtime.InteropServices.MemoryMarshal.Cast<double, System.Numerics.Vector<double>>(y0);
            var bv = System.Runtime.InteropServices.MemoryMarshal.Cast<double, System.Numerics.Vector<double>>(y1);
            var atol = new System.Numerics.Vector<double>(_atol);
            var rtol = new System.Numerics.Vector<double>(_rtol);
            var acc = System.Numerics.Vector<double>.Zero;
            for (int j = 0; j < ev.Length; j++)
            {
                var r = ev[j] / (atol + rtol * System.Numerics.Vector.Max(System.Numerics.Vector.Abs(av[j]), System.Numerics.Vector.Abs(bv[j])));
                acc += r * r;
            }
            sum = System.Numerics.Vector.Sum(acc);
            start = ev.Length * System.Numerics.Vector<double>.Count;
        }
        for (int i = start; i < err.Length; i++)
        {
            double scale = Scale(i, y0[i], y1[i]);
            double r = scale > 0 ? err[i] / scale : (err[i] == 0 ? 0 : double.PositiveInfinity);
            sum += r * r;
        }
        double norm = Math.Sqrt(sum / err.Length);
        return double.IsFinite(norm) ? norm : double.NaN;
    }
}

/// <summary>Proportional–integral step-size controller (Hairer's DOPRI5 settings by default).</summary>
internal sealed class PiController
{
    private readonly double _expo1;
    private readonly double _beta;
    private const double Safety = 0.9;
    private const double MaxShrink = 5.0;   // h_new ≥ h / 5
    private const double MaxGrowth = 10.0;  // h_new ≤ 10 h
    private double _previousError = 1e-4;

    /// <param name="errorOrder">min(order, embedded order) + 1: the exponent base of the local error.</param>
    /// <param name="beta">Integral gain (0.04 for DOPRI5; 0 gives the plain I controller).</param>
    public PiController(int errorOrder, double beta = 0.04)
    {
        _beta = beta;
        _expo1 = 1.0 / errorOrder - 0.75 * beta;
    }

    /// <summary>Factor for the next step after an accepted step with normalised error <paramref name="err"/> ≤ 1.</summary>
    public double Accept(double err)
    {
        double fac11 = Math.Pow(Math.Max(err, 1e-300), _expo1);
        double fac = fac11 / Math.Pow(_previousError, _beta) / Safety;
        _previousError = Math.Max(err, 1e-4);
        return 1.0 / Math.Clamp(fac, 1.0 / MaxGrowth, MaxShrink);
    }

    /// <summary>Factor for retrying a rejected step with normalised error <paramref name="err"/> &gt; 1 (NaN: maximal shrink).</summary>
    public double Reject(double err)
    {
        if (double.IsNaN(err)) return 1.0 / MaxShrink;
        double fac11 = Math.Pow(err, _expo1);
        return 1.0 / Math.Min(MaxShrink, fac11 / Safety);
    }
}
