using System.Globalization;
using PhaseFlow.Foundation;

namespace PhaseFlow.Manifold;

/// <summary>Argument rules of the module; every failure is an <see cref="InvalidParameterException"/> naming the parameter
/// and the allowed range.</summary>
internal static class Check
{
    public static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    public static string F(long x) => x.ToString(CultureInfo.InvariantCulture);

    public static double Positive(double value, string name) =>
        value > 0 && double.IsFinite(value) ? value : throw new InvalidParameterException(name, "finite and > 0", F(value));

    public static double NonNegative(double value, string name) =>
        value >= 0 && double.IsFinite(value) ? value : throw new InvalidParameterException(name, "finite and >= 0", F(value));

    public static double Finite(double value, string name) =>
        double.IsFinite(value) ? value : throw new InvalidParameterException(name, "finite", F(value));

    public static long InRange(long value, long min, long max, string name) =>
        value >= min && value <= max ? value : throw new InvalidParameterException(name, $"an integer in [{F(min)}, {F(max)}]", F(value));

    public static double Open01(double value, string name) =>
        value > 0 && value < 1 ? value : throw new InvalidParameterException(name, "in (0, 1)", F(value));

    public static void Finite(ReadOnlySpan<double> values, string name)
    {
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i])) throw new InvalidParameterException($"{name}[{i}]", "finite", F(values[i]));
    }

    public static T NotNull<T>(T? value, string name) where T : class =>
        value ?? throw new InvalidParameterException(name, "given (not null)", "null");
}
