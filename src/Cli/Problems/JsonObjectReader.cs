using System.Globalization;
using System.Text.Json;
using PhaseFlow.Foundation;
using PhaseFlow.Experiments;

namespace PhaseFlow.Cli.Problems;

/// <summary>Reads one JSON object strictly: typed fields, messages that name the field's path, unknown and duplicate
/// keys rejected by <see cref="Finish"/>.</summary>
internal sealed class JsonObjectReader
{
    private readonly JsonElement _element;
    private readonly HashSet<string> _used = [];

    public JsonObjectReader(JsonElement element, string path)
    {
        Path = path;
        if (element.ValueKind != JsonValueKind.Object) throw Error(path, "must be an object", Describe(element));
        var seen = new HashSet<string>();
        foreach (var p in element.EnumerateObject())
        {
            string name;
            try
            {
                name = p.Name;
            }
            catch (InvalidOperationException)
            {
                throw new InputException($"{(path.Length == 0 ? "the top-level object" : path)} has a key that is not valid text (a lone UTF-16 surrogate such as \\ud800)");
            }
            if (!seen.Add(name)) throw new InputException($"{Child(name)} appears more than once");
        }
        _element = element;
    }

    public string Path { get; }

    public string Child(string name) => Path.Length == 0 ? UserText.Name(name) : $"{Path}.{UserText.Name(name)}";

    public bool Has(string name) => _element.TryGetProperty(name, out _);

    public JsonElement? Get(string name)
    {
        if (!_element.TryGetProperty(name, out var value)) return null;
        _used.Add(name);
        return value;
    }

    public JsonElement Require(string name) =>
        Get(name) ?? throw new InputException($"{Child(name)} is required");

    public string Kind(params string[] allowed)
    {
        var kind = String("kind", null) ?? throw new InputException($"{Child("kind")} is required (one of {string.Join(", ", allowed.Select(a => $"\"{a}\""))})");
        if (!allowed.Contains(kind))
            throw new InputException($"{Child("kind")} must be one of {string.Join(", ", allowed.Select(a => $"\"{a}\""))}, got {UserText.Quote(kind)}");
        return kind;
    }

    public string? String(string name, string? fallback)
    {
        var e = Get(name);
        if (e is null) return fallback;
        if (e.Value.ValueKind != JsonValueKind.String) throw Error(Child(name), "must be a string", Describe(e.Value));
        return Text(e.Value, Child(name));
    }

    public double Double(string name, double? fallback = null)
    {
        var e = Get(name);
        if (e is null) return fallback ?? throw new InputException($"{Child(name)} is required");
        return ReadDouble(e.Value, Child(name));
    }

    public int Int(string name, int min, int max, int? fallback = null)
    {
        var e = Get(name);
        if (e is null) return fallback ?? throw new InputException($"{Child(name)} is required");
        double v = ReadDouble(e.Value, Child(name));
        if (v != Math.Floor(v) || v < min || v > max) throw Error(Child(name), $"an integer in [{min}, {max}]", F(v), mustBe: true);
        return (int)v;
    }

    public bool Bool(string name, bool fallback)
    {
        if (Get(name) is not { } e) return fallback;
        if (e.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw Error(Child(name), "must be true or false", Describe(e));
        return e.GetBoolean();
    }

    public double[] Doubles(string name)
    {
        var e = Require(name);
        if (e.ValueKind != JsonValueKind.Array) throw Error(Child(name), "must be an array of numbers", Describe(e));
        var list = new double[e.GetArrayLength()];
        int i = 0;
        foreach (var item in e.EnumerateArray())
        {
            list[i] = ReadDouble(item, $"{Child(name)}[{i}]");
            i++;
        }
        return list;
    }

    public JsonObjectReader? Object(string name)
    {
        var e = Get(name);
        return e is null ? null : new JsonObjectReader(e.Value, Child(name));
    }

    public JsonObjectReader RequireObject(string name) => new(Require(name), Child(name));

    /// <summary>Rejects every key that was not read.</summary>
    public void Finish()
    {
        foreach (var p in _element.EnumerateObject())
            if (!_used.Contains(p.Name))
            {
                var known = string.Join(", ", _used.Order());
                throw new InputException($"{Child(p.Name)} is not a known key{(known.Length > 0 ? $" here (known: {known})" : "")}");
            }
    }

    /// <summary>Runs a library factory and renames its parameter errors to this object's path.</summary>
    public T Build<T>(Func<T> factory)
    {
        try
        {
            return factory();
        }
        catch (InvalidParameterException e)
        {
            throw new InputException(Path.Length == 0 ? e.Message : e.WithPrefix(Path + ".").Message); // the root has no prefix
        }
    }

    private static double ReadDouble(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Number) throw Error(path, "must be a number", Describe(e));
        if (!e.TryGetDouble(out double v) || !double.IsFinite(v)) throw Error(path, "must be a finite number", Raw(e));
        return v;
    }

    internal static InputException Error(string path, string rule, string actual, bool mustBe = false) =>
        new($"{path} {(mustBe ? "must be " : "")}{rule}, got {actual}");

    /// <summary>A string value; one that is not valid text (an escaped lone surrogate) is an input error naming the field.</summary>
    private static string Text(JsonElement e, string path)
    {
        try
        {
            return e.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new InputException($"{path} must be valid text (a lone UTF-16 surrogate such as \\ud800 is not), got {Raw(e)}");
        }
    }

    /// <summary>The JSON text of a value, cut like user text (it is already escaped).</summary>
    private static string Raw(JsonElement e)
    {
        string raw = e.GetRawText();
        return raw.Length <= UserText.MaxLength ? UserText.OneLine(raw) : UserText.OneLine(raw[..UserText.MaxLength]) + "…";
    }

    internal static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => DescribeString(e),
        JsonValueKind.Number => Raw(e),
        JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => e.ValueKind.ToString(),
    };

    private static string DescribeString(JsonElement e)
    {
        try
        {
            return UserText.Quote(e.GetString());
        }
        catch (InvalidOperationException)
        {
            return Raw(e);
        }
    }

    internal static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
