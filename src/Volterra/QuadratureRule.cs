namespace PhaseFlow.Volterra;

/// <summary>Weights w_{n,j} = 1 + Left[j] + Right[n − j − 1] (each term only where its index exists) for j &lt; n, and
/// w_{n,n} = Implicit, valid from step <see cref="FirstStep"/> on. Written as corrections to 1 so that a fast history
/// computes the plain sum Σ_{j&lt;n} and adds the few corrections directly.</summary>
internal sealed class QuadratureRule
{
    // The rules are static and shared by every solve: the weights are handed out as read-only spans, never as arrays.
    private readonly double[] _left, _right;

    private QuadratureRule(int order, int firstStep, double[] left, double[] right, double @implicit)
    {
        Order = order;
        FirstStep = firstStep;
        _left = left;
        _right = right;
        Implicit = @implicit;
    }

    /// <summary>1/2, 1, …, 1, 1/2.</summary>
    public static QuadratureRule Trapezoidal { get; } = new(2, 1, [-0.5], [], 0.5);

    /// <summary>Gregory: 3/8, 7/6, 23/24, 1, …, 1, 23/24, 7/6, 3/8 (n ≥ 5; exact for cubics).</summary>
    public static QuadratureRule Gregory4 { get; } =
        new(4, 5, [3.0 / 8 - 1, 7.0 / 6 - 1, 23.0 / 24 - 1], [7.0 / 6 - 1, 23.0 / 24 - 1], 3.0 / 8);

    public int Order { get; }

    public int FirstStep { get; }

    public ReadOnlySpan<double> Left => _left;

    /// <summary>Right[l − 1] corrects lag l = n − j.</summary>
    public ReadOnlySpan<double> Right => _right;

    public double Implicit { get; }

    public double Weight(int n, int j)
    {
        double w = 1;
        if (j < _left.Length) w += _left[j];
        int lag = n - j;
        if (lag <= _right.Length) w += _right[lag - 1];
        return w;
    }
}
