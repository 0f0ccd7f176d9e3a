using System.Globalization;

namespace PhaseFlow.Foundation;

/// <summary>A parameter broke a stated rule. The message reads "<c>{parameter} must be {rule}, got {value}</c>".</summary>
public sealed class InvalidParameterException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="parameter">Parameter name (or a path such as <c>values[3]</c>).</param>
    /// <param name="rule">The allowed range, e.g. "&gt; 0" or "an integer in [1, 2^27]".</param>
    /// <param name="actual">The offending value, as text.</param>
    public InvalidParameterException(string parameter, string rule, string actual)
        : base($"{parameter} must be {rule}, got {actual}", parameter)
    {
        Parameter = parameter;
        Rule = rule;
        Actual = actual;
    }

    /// <summary>The parameter name.</summary>
    public string Parameter { get; }

    /// <summary>The rule that was broken.</summary>
    public string Rule { get; }

    /// <summary>The offending value as text.</summary>
    public string Actual { get; }

    /// <summary>The message without .NET's "(Parameter '…')" suffix.</summary>
    public override string Message => $"{Parameter} must be {Rule}, got {Actual}";

    /// <summary>The same error with the parameter name prefixed, e.g. <c>spectrum.</c> + <c>a</c>.</summary>
    public InvalidParameterException WithPrefix(string prefix) => new(prefix + Parameter, Rule, Actual);

    /// <summary>A number as the message quotes it: round-trip precision, invariant culture.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>The checks every solver makes of its parameters, each throwing <see cref="InvalidParameterException"/> with the
/// parameter's name and the allowed range.</summary>
public static class Guard
{
    /// <summary>Requires a finite value &gt; 0.</summary>
    public static void Positive(double value, string name)
    {
        if (!(value > 0) || !double.IsFinite(value))
            throw new InvalidParameterException(name, "finite and > 0", InvalidParameterException.Format(value));
    }

    /// <summary>Requires a finite value ≥ 0.</summary>
    public static void NonNegative(double value, string name)
    {
        if (!(value >= 0) || !double.IsFinite(value))
            throw new InvalidParameterException(name, "finite and >= 0", InvalidParameterException.Format(value));
    }

    /// <summary>Requires a value strictly between <paramref name="min"/> and <paramref name="max"/>; the error quotes
    /// <paramref name="interval"/> as written for the reader, e.g. "(0, 2/3)".</summary>
    public static void Between(double value, double min, double max, string name, string interval)
    {
        if (!(value > min && value < max))
            throw new InvalidParameterException(name, $"in {interval}", InvalidParameterException.Format(value));
    }

    /// <summary>Requires a whole number ≥ <paramref name="min"/>.</summary>
    public static void AtLeast(long value, long min, string name)
    {
        if (value < min) throw new InvalidParameterException(name, $">= {min.ToString(CultureInfo.InvariantCulture)}", value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Requires an integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static void InRange(long value, long min, long max, string name)
    {
        if (value < min || value > max)
            throw new InvalidParameterException(name, $"an integer in [{min}, {max}]", value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Requires every value to be finite (the error names the first bad index).</summary>
    public static void Finite(ReadOnlySpan<double> values, string name)
    {
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i]))
                throw new InvalidParameterException($"{name}[{i}]", "finite", InvalidParameterException.Format(values[i]));
    }

    /// <summary>Requires exactly <paramref name="expected"/> values.</summary>
    public static void Length(ReadOnlySpan<double> values, int expected, string name)
    {
        if (values.Length != expected)
            throw new InvalidParameterException(name, $"of length d = {expected}", $"length {values.Length}");
    }
}
