namespace PhaseFlow.Ode;

/// <summary>Right-hand side of <c>y' = f(t, y)</c>, written into <paramref name="dydt"/> without allocating.</summary>
/// <param name="t">Time.</param>
/// <param name="y">State at <paramref name="t"/>.</param>
/// <param name="dydt">Destination for <c>f(t, y)</c>; same length as <paramref name="y"/>.</param>
public delegate void OdeFunction(double t, ReadOnlySpan<double> y, Span<double> dydt);

/// <summary>Receives the state at a requested output time.</summary>
/// <param name="t">The output time.</param>
/// <param name="y">The (interpolated) state; valid only during the call.</param>
public delegate void OdeOutputHandler(double t, ReadOnlySpan<double> y);

/// <summary>An initial-value problem <c>y' = f(t, y)</c>, <c>y(t0) = y0</c>, on <c>[t0, tEnd]</c>.</summary>
public sealed class OdeProblem
{
    private readonly double[] _initialState;

    /// <summary>Creates the problem; the initial state is copied.</summary>
    /// <exception cref="ArgumentException">A time is not finite, <paramref name="tEnd"/> ≤ <paramref name="t0"/>,
    /// or the initial state is empty or not finite.</exception>
    public OdeProblem(OdeFunction function, double t0, ReadOnlySpan<double> y0, double tEnd)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (!double.IsFinite(t0)) throw new ArgumentOutOfRangeException(nameof(t0), t0, "t0 must be finite.");
        if (!double.IsFinite(tEnd) || tEnd <= t0)
            throw new ArgumentOutOfRangeException(nameof(tEnd), tEnd, $"tEnd must be finite and > t0 = {t0}.");
        if (y0.Length == 0) throw new ArgumentException("y0 must have at least one component.", nameof(y0));
        for (int i = 0; i < y0.Length; i++)
            if (!double.IsFinite(y0[i]))
                throw new ArgumentOutOfRangeException(nameof(y0), y0[i], $"y0[{i}] must be finite.");
        Function = function;
        T0 = t0;
        TEnd = tEnd;
        _initialState = y0.ToArray();
    }

    /// <summary>The right-hand side.</summary>
    public OdeFunction Function { get; }

    /// <summary>Initial time.</summary>
    public double T0 { get; }

    /// <summary>Final time.</summary>
    public double TEnd { get; }

    /// <summary>Initial state (read-only view).</summary>
    public ReadOnlySpan<double> InitialState => _initialState;

    /// <summary>Number of components.</summary>
    public int Dimension => _initialState.Length;
}
