namespace PhaseFlow.Foundation;

/// <summary>How a spectrum was specified.</summary>
public enum SpectrumKind
{
    /// <summary>Trace-normalised power law λ_i = i^{-a} / H_{d,a}.</summary>
    PowerLaw,

    /// <summary>All eigenvalues equal.</summary>
    Isotropic,

    /// <summary>Signal (coordinate 0), spike (coordinate 1) and bulk (the d − 2 others) variances.</summary>
    Spiked,

    /// <summary>Given values, used as given.</summary>
    Values,
}

/// <summary>The eigenvalues of the input covariance Q = diag(λ_1, …, λ_d) (Q is diagonal without loss of generality).
/// Immutable; every factory validates its input and says which rule was broken.</summary>
public sealed class Spectrum
{
    /// <summary>Largest dimension a spectrum may have (the direct simulators hold several d-vectors).</summary>
    public const int MaxDimension = 1 << 27;

    /// <summary>Smallest eigenvalue a spectrum may have: the smallest normal double. Subnormal eigenvalues underflow the
    /// teacher normalisation Σλg² to zero.</summary>
    public const double MinEigenvalue = 2.2250738585072014E-308;

    /// <summary>Largest eigenvalue a spectrum may have. Beyond it s = wᵀQw of a unit vector, the loss 3s² and the
    /// normalisation Σλg² overflow.</summary>
    public const double MaxEigenvalue = 1e150;

    private readonly double[] _lambda;

    private Spectrum(double[] lambda, SpectrumKind kind, string description, double exponent)
    {
        _lambda = lambda;
        Kind = kind;
        Description = description;
        Exponent = exponent;
        double max = 0, min = double.PositiveInfinity, trace = 0;
        foreach (double l in lambda)
        {
            max = Math.Max(max, l);
            min = Math.Min(min, l);
            trace += l;
        }
        Max = max;
        Min = min;
        Trace = trace;
    }

    /// <summary>Power law λ_i = i^{-a} / H_{d,a}, H_{d,a} = Σ_{j≤d} j^{-a}, so that tr Q = 1.</summary>
    /// <param name="d">Dimension, 1 ≤ d ≤ <see cref="MaxDimension"/>.</param>
    /// <param name="a">Decay exponent, a &gt; 0 (the theory needs a &gt; 1; finite d allows any a &gt; 0).</param>
    public static Spectrum PowerLaw(int d, double a)
    {
        Guard.InRange(d, 1, MaxDimension, "d");
        Guard.Positive(a, "a");
        var lambda = new double[d];
        for (int i = 0; i < d; i++) lambda[i] = Math.Pow(i + 1, -a);
        double h = 0; // H_{d,a}, smallest term first, from the powers just computed
        for (int i = d - 1; i >= 0; i--) h += lambda[i];
        for (int i = 0; i < d; i++) lambda[i] /= h;
        if (!(lambda[d - 1] >= double.Epsilon * (1L << 52)))
        {
            // λ_d = d^{-a}/H must stay a normal double; beyond that the spectrum is not representable.
            double maxA = d == 1 ? double.MaxValue : Math.Log(double.MaxValue) / Math.Log(d) * 0.99;
            throw new InvalidParameterException("a", $"small enough that λ_d = d^-a / H is a normal double (a < {maxA:G4} for d = {d})",
                InvalidParameterException.Format(a));
        }
        return new Spectrum(lambda, SpectrumKind.PowerLaw, $"power law a = {a}, d = {d}", a);
    }

    /// <summary>Generalised harmonic number H_{d,a} = Σ_{j≤d} j^{-a}, summed smallest term first.</summary>
    public static double HarmonicNumber(int d, double a)
    {
        Guard.InRange(d, 1, MaxDimension, "d");
        Guard.Positive(a, "a");
        double sum = 0;
        for (int j = d; j >= 1; j--) sum += Math.Pow(j, -a);
        return sum;
    }

    /// <summary>Isotropic spectrum λ_i = <paramref name="lambda"/>.</summary>
    public static Spectrum Isotropic(int d, double lambda)
    {
        Guard.InRange(d, 1, MaxDimension, "d");
        CheckEigenvalue(lambda, "lambda");
        var values = new double[d];
        Array.Fill(values, lambda);
        return new Spectrum(values, SpectrumKind.Isotropic, $"isotropic λ = {lambda}, d = {d}", double.NaN);
    }

    /// <summary>Spiked spectrum: λ_1 = <paramref name="signal"/> (the first coordinate), λ_2 = <paramref name="spike"/>,
    /// and λ_i = <paramref name="bulk"/> for the d − 2 others. Needs d ≥ 3.</summary>
    public static Spectrum Spiked(int d, double signal, double spike, double bulk)
    {
        Guard.InRange(d, 3, MaxDimension, "d");
        CheckEigenvalue(signal, "signal");
        CheckEigenvalue(spike, "spike");
        CheckEigenvalue(bulk, "bulk");
        var values = new double[d];
        Array.Fill(values, bulk);
        values[0] = signal;
        values[1] = spike;
        return new Spectrum(values, SpectrumKind.Spiked, $"spiked signal = {signal}, spike = {spike}, bulk = {bulk}, d = {d}", double.NaN);
    }

    /// <summary>Eigenvalues used as given (any order; each finite and &gt; 0).</summary>
    public static Spectrum FromValues(ReadOnlySpan<double> values)
    {
        Guard.InRange(values.Length, 1, MaxDimension, "values.length");
        for (int i = 0; i < values.Length; i++) CheckEigenvalue(values[i], $"values[{i}]");
        return new Spectrum(values.ToArray(), SpectrumKind.Values, $"{values.Length} given eigenvalues", double.NaN);
    }

    private static void CheckEigenvalue(double value, string name)
    {
        Guard.Positive(value, name);
        if (!(value >= MinEigenvalue && value <= MaxEigenvalue))
            throw new InvalidParameterException(name, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"in [{MinEigenvalue:R}, {MaxEigenvalue:R}] (a normal double; larger eigenvalues overflow ") +
                "the teacher normalisation Σλg², s = wᵀQw and the loss 3s²)", InvalidParameterException.Format(value));
    }

    /// <summary>The eigenvalues λ_1..λ_d (index 0 is λ_1).</summary>
    public ReadOnlySpan<double> Eigenvalues => _lambda;

    /// <summary>Dimension d.</summary>
    public int Dimension => _lambda.Length;

    /// <summary>How the spectrum was specified.</summary>
    public SpectrumKind Kind { get; }

    /// <summary>The power-law exponent a (NaN for other kinds).</summary>
    public double Exponent { get; }

    /// <summary>Human-readable description.</summary>
    public string Description { get; }

    /// <summary>Largest eigenvalue.</summary>
    public double Max { get; }

    /// <summary>Smallest eigenvalue.</summary>
    public double Min { get; }

    /// <summary>tr Q.</summary>
    public double Trace { get; }

    /// <summary>Distinct eigenvalues (exact equality) in descending order, with their multiplicities.</summary>
    public IReadOnlyList<(double Value, int Multiplicity)> DistinctEigenvalues() =>
        _lambda.GroupBy(l => l).Select(g => (g.Key, g.Count())).OrderByDescending(p => p.Key).ToArray();

    /// <inheritdoc />
    public override string ToString() => Description;
}
