using MathNet.Numerics.Distributions;
using PhaseFlow.Foundation;

namespace PhaseFlow.Core;

/// <summary>How a Gaussian teacher is normalised.</summary>
public enum TeacherNormalization
{
    /// <summary>s* = w*ᵀQw* = 1 (the paper's default).</summary>
    UnitQ,

    /// <summary>‖w*‖² = d.</summary>
    NormD,
}

/// <summary>Teacher vectors w*.</summary>
public static class Teacher
{
    /// <summary>w* = g / ‖Q^{1/2} g‖ (so s* = 1) or w* = √d g / ‖g‖, with g ~ N(0, I_d) drawn from <paramref name="seed"/>.</summary>
    public static double[] Gaussian(Spectrum spectrum, int seed, TeacherNormalization normalization = TeacherNormalization.UnitQ)
    {
        ArgumentNullException.ThrowIfNull(spectrum);
        var g = new double[spectrum.Dimension];
        SeededRandom.FillStandardNormal(SeededRandom.Create(seed), g);
        var lambda = spectrum.Eigenvalues;
        double norm2 = 0;
        for (int i = 0; i < g.Length; i++) norm2 += normalization == TeacherNormalization.UnitQ ? lambda[i] * g[i] * g[i] : g[i] * g[i];
        double scale = normalization == TeacherNormalization.UnitQ ? 1 / Math.Sqrt(norm2) : Math.Sqrt(g.Length / norm2);
        for (int i = 0; i < g.Length; i++) g[i] *= scale;
        return g;
    }

    /// <summary>A given teacher, checked against the spectrum (length d, finite, not zero).</summary>
    public static double[] FromValues(Spectrum spectrum, ReadOnlySpan<double> values)
    {
        ArgumentNullException.ThrowIfNull(spectrum);
        Guard.Length(values, spectrum.Dimension, "values");
        Guard.Finite(values, "values");
        bool anyNonZero = false;
        foreach (double v in values) anyNonZero |= v != 0;
        if (!anyNonZero) throw new InvalidParameterException("values", "a non-zero vector", "all zeros");
        return values.ToArray();
    }
}

/// <summary>Initial students w(0).</summary>
public static class Initialization
{
    /// <summary>Uniform on the sphere of radius <paramref name="radius"/> in R^d.</summary>
    public static double[] Sphere(int d, int seed, double radius = 1)
    {
        Guard.InRange(d, 1, Spectrum.MaxDimension, "d");
        Guard.Positive(radius, "radius");
        var w = new double[d];
        var random = SeededRandom.Create(seed);
        double norm2;
        do
        {
            SeededRandom.FillStandardNormal(random, w);
            norm2 = 0;
            foreach (double x in w) norm2 += x * x;
        } while (norm2 == 0);
        double scale = radius / Math.Sqrt(norm2);
        for (int i = 0; i < d; i++) w[i] *= scale;
        return w;
    }

    /// <summary>w(0) ~ N(0, I/d).</summary>
    public static double[] Gaussian(int d, int seed)
    {
        Guard.InRange(d, 1, Spectrum.MaxDimension, "d");
        var w = new double[d];
        SeededRandom.FillStandardNormal(SeededRandom.Create(seed), w);
        double scale = 1 / Math.Sqrt(d);
        for (int i = 0; i < d; i++) w[i] *= scale;
        return w;
    }

    /// <summary>A given initial vector (length d, finite).</summary>
    public static double[] FromValues(int d, ReadOnlySpan<double> values)
    {
        Guard.Length(values, d, "values");
        Guard.Finite(values, "values");
        return values.ToArray();
    }
}
