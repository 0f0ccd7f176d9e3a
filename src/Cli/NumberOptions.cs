using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using PhaseFlow.Experiments;

namespace PhaseFlow.Cli;

/// <summary>Numbers on the command line are read invariantly, whatever the machine's culture: '.' is the decimal point and
/// no group separator is accepted (System.CommandLine's default parser read <c>0,01</c> as 1 under the invariant culture's
/// thousands rule). Non-finite values (<c>NaN</c>, <c>Infinity</c>, <c>1e999</c>) are refused; every message names the option.</summary>
internal static class NumberOptions
{
    /// <summary>Gives every numeric option of <paramref name="command"/> and its subcommands the strict parser.</summary>
    public static void Apply(Command command)
    {
        foreach (var option in command.Options) Apply(option);
        foreach (var sub in command.Subcommands) Apply(sub);
    }

    private static void Apply(Option option)
    {
        string name = option.Name;
        switch (option)
        {
            case Option<double> o: o.CustomParser = r => Real(r, name) ?? 0; break;
            case Option<double?> o: o.CustomParser = r => Real(r, name); break;
            case Option<int> o: o.CustomParser = r => (int?)Whole(r, name, int.MinValue, int.MaxValue) ?? 0; break;
            case Option<int?> o: o.CustomParser = r => (int?)Whole(r, name, int.MinValue, int.MaxValue); break;
            case Option<long> o: o.CustomParser = r => Whole(r, name, long.MinValue, long.MaxValue) ?? 0; break;
            case Option<long?> o: o.CustomParser = r => Whole(r, name, long.MinValue, long.MaxValue); break;
        }
    }

    private static string? Token(ArgumentResult r) => r.Tokens.Count > 0 ? r.Tokens[^1].Value : null;

    private static double? Real(ArgumentResult r, string name)
    {
        if (Token(r) is not { } text) return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            r.AddError($"{name} must be a number such as 0.01 or 1e-3 ('.' for the decimal point, no ',' separators), got {UserText.Quote(text)}");
            return null;
        }
        if (!double.IsFinite(value))
        {
            r.AddError($"{name} must be a finite number, got {UserText.Quote(text)}");
            return null;
        }
        return value;
    }

    private static long? Whole(ArgumentResult r, string name, long min, long max)
    {
        if (Token(r) is not { } text) return null;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite,
                CultureInfo.InvariantCulture, out long value) && value >= min && value <= max)
            return value;
        // 1e6 is how a researcher writes a dimension: whole numbers in exponent notation are read too, and one past what
        // the option holds is named as too large (not as "not a number"); the command then checks its own range.
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double real) && double.IsFinite(real) && real == Math.Floor(real))
        {
            if (real >= min && real <= max && real is >= -9.2e18 and <= 9.2e18) return (long)real;
            r.AddError(real > 0
                ? $"{name} is too large: at most {max.ToString(CultureInfo.InvariantCulture)}, got {UserText.Quote(text)}"
                : $"{name} is too small: at least {min.ToString(CultureInfo.InvariantCulture)}, got {UserText.Quote(text)}");
            return null;
        }
        r.AddError($"{name} must be a whole number such as 100 or 1e6 (no ',' separators), got {UserText.Quote(text)}");
        return null;
    }
}
