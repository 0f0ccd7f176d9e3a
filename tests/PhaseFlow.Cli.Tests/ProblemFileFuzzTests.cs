using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace PhaseFlow.Cli.Tests;

/// <summary>A recipe for a random problem file: a valid base document, some structural mutations, maybe a text corruption.</summary>
public sealed record Recipe(int Base, (int Kind, int Position, int Value)[] Mutations, (int Position, int Char)? Corruption)
{
    public override string ToString() => ProblemFileFuzzTests.Render(this);
}

public sealed class RecipeArbitrary
{
    public static Arbitrary<Recipe> Recipe() =>
        (from b in Gen.Choose(0, ProblemFileFuzzTests.Bases.Length - 1)
         from count in Gen.Choose(0, 2)
         from muts in (from kind in Gen.Frequency((1, Gen.Constant(0)), (1, Gen.Constant(1)), (5, Gen.Constant(2)), (1, Gen.Constant(3)))
                       from position in Gen.Choose(0, 10_000)
                       from value in Gen.Choose(0, 10_000)
                       select (kind, position, value)).ArrayOf(count)
         from corrupt in Gen.Frequency((4, Gen.Constant<(int, int)?>(null)),
             (1, Gen.Zip(Gen.Choose(0, 10_000), Gen.Choose(0, 6)).Select(t => ((int, int)?)(t.Item1, t.Item2))))
         select new Recipe(b, muts, corrupt)).ToArbitrary();
}

public class ProblemFileFuzzTests
{
    internal static readonly string[] Bases =
    [
        """{"spectrum": {"kind": "powerlaw", "a": 2.0, "d": 8}, "teacher": {"kind": "gaussian", "seed": 1, "normalization": "unitQ"}, "init": {"kind": "sphere", "seed": 2, "radius": 1}, "dynamics": {"kind": "gd", "eta": 0.01}, "method": {"kind": "direct"}, "horizon": 200, "output": {"logSpaced": 10, "from": 1}}""",
        """{"spectrum": {"kind": "isotropic", "d": 6, "lambda": 0.1}, "teacher": {"kind": "gaussian", "seed": 3, "normalization": "normd"}, "init": {"kind": "gaussian", "seed": 4}, "dynamics": {"kind": "gf"}, "horizon": 3, "output": {"times": [0, 1, 3]}, "tolerance": {"rtol": 1e-6, "atol": 1e-9}}""",
        """{"spectrum": {"kind": "spiked", "d": 5, "signal": 1, "spike": 11, "bulk": 1}, "teacher": {"kind": "gaussian", "seed": 5}, "init": {"kind": "sphere", "seed": 6, "radius": 0.5}, "dynamics": {"kind": "sgd", "eta": 0.001, "noise": 0.05, "batch": 2, "seed": 3}, "horizon": 300, "output": {"logSpaced": 5, "from": 1, "includeInitial": true}}""",
        """{"spectrum": {"kind": "values", "values": [0.5, 0.3, 0.2]}, "teacher": {"kind": "values", "values": [1, -1, 0.5]}, "init": {"kind": "values", "values": [0.1, 0.2, 0.3]}, "dynamics": {"kind": "gf"}, "method": {"kind": "direct"}, "horizon": 2}""",
        """{"spectrum": {"kind": "spiked", "d": 6, "signal": 1, "spike": 2, "bulk": 0.5}, "teacher": {"kind": "gaussian", "seed": 7}, "init": {"kind": "sphere", "seed": 8, "radius": 0.3}, "dynamics": {"kind": "gf"}, "method": {"kind": "hierarchy", "order": 3, "closure": "exact", "integrator": "rodas4", "recordMoments": true}, "horizon": 5}""",
        """{"spectrum": {"kind": "powerlaw", "a": 1.5, "d": 30}, "teacher": {"kind": "gaussian", "seed": 9}, "init": {"kind": "sphere", "seed": 10, "radius": 0.1}, "dynamics": {"kind": "gf"}, "method": {"kind": "hierarchy", "order": 4, "closure": "geometric", "ratio": 0.5}, "horizon": 1}""",
    ];

    private static readonly JsonNode?[] Pool =
    [
        -1, 0, 0.5, 2, 3, 7, 1e300, -1e300, 2.5, "x", "gd", "powerlaw", "values", "sphere", null, true, "hierarchy", "zero", "exact", 201,
        new JsonArray(), new JsonObject(), new JsonArray(1, 2), 1e9, 4294967296.0, 1, 4, 10, 0.25, 1e-3, 40, 100, 1e-12,
        // Extremes, control characters, a long string, a huge array, unknown kinds.
        double.Epsilon, -0.0, 2147483647, 2147483648.0, 1e308, "a\nb", "\u001b[31mred\u001b[0m", new string('k', 5000), "manifold", "volterra",
        new JsonArray(Enumerable.Range(0, 3000).Select(_ => (JsonNode?)JsonValue.Create(0.5)).ToArray()), "@@RAW0@@", "@@RAW1@@", "@@RAW2@@", "@@RAW3@@", "@@RAW4@@", "@@RAW5@@",
    ];

    /// <summary>JSON a JsonNode cannot hold, spliced into the text for the @@RAWn@@ placeholders: lone surrogates (escaped, in a
    /// value and in a key), the non-standard number tokens and an overflowing one.</summary>
    private static readonly string[] Raw = ["\"\\ud800\"", "{\"\\udc00\": 1}", "NaN", "Infinity", "1e999", "-1e999"];

    private static readonly string[] Noise = ["{", "}", ",", "\"", "]", "0", "x"];

    /// <summary>A finished run's trajectory is physically possible: finite, s ≥ 0, |u| ≤ √(s s*) and MSE ≥ 0 up to rounding.</summary>
    internal static void AssertPhysical(string outDir)
    {
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        double sStar = summary.RootElement.GetProperty("sStar").GetDouble();
        var lines = File.ReadAllLines(Path.Combine(outDir, "trajectory.csv"));
        Assert.StartsWith("t,s,u,mse,loss", lines[0]);
        foreach (string line in lines.Skip(1))
        {
            var v = line.Split(',').Take(5).Select(x => double.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.True(v.All(double.IsFinite), $"not finite: {line}");
            double t = v[0], sv = v[1], u = v[2], mse = v[3];
            // Rounding: an MSE that has converged to ~1e-12 may print as a tiny negative number.
            Assert.True(t >= 0 && sv >= -1e-9 && mse >= -1e-9, $"impossible: {line}");
            Assert.True(Math.Abs(u) <= Math.Sqrt(Math.Max(sv, 0) * sStar) * (1 + 1e-6) + 1e-9, $"|u| > √(s s*): {line}");
        }
    }

    /// <summary>An input error is exactly one line on stderr, "error: …".</summary>
    internal static void AssertOneLine(string error)
    {
        Assert.StartsWith("error: ", error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    public static string Render(Recipe r)
    {
        var root = JsonNode.Parse(Bases[r.Base])!;
        foreach (var (kind, position, value) in r.Mutations)
        {
            var places = Places(root).ToList();
            var (parent, key, index) = places[position % places.Count];
            var replacement = Pool[value % Pool.Length]?.DeepClone();
            if (key == "horizon" && replacement is JsonValue v && v.TryGetValue(out double h) && h > 1e6) replacement = 1; // keep runs short
            switch (kind)
            {
                case 0 when parent is JsonObject o: o.Remove(key!); break;
                case 1 when parent is JsonObject o: o[$"unknown{value % 3}"] = replacement; break;
                case 2 when parent is JsonObject o: o[key!] = replacement; break;
                case 2 when parent is JsonArray a: a[index] = replacement; break;
                case 3 when parent is JsonObject o && o.ContainsKey("kind"): o["kind"] = Pool[value % 4 + 9]?.DeepClone(); break;
            }
        }
        string text = root.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        for (int i = 0; i < Raw.Length; i++) text = text.Replace($"\"@@RAW{i}@@\"", Raw[i], StringComparison.Ordinal);
        if (r.Corruption is { } c)
        {
            int at = c.Position % (text.Length + 1);
            text = c.Char == 6 ? text[..at] : text.Insert(at, Noise[c.Char]);
        }
        return text;
    }

    private static IEnumerable<(JsonNode Parent, string? Key, int Index)> Places(JsonNode node)
    {
        if (node is JsonObject o)
            foreach (var (k, child) in o.ToList())
            {
                yield return (o, k, -1);
                if (child is not null) foreach (var p in Places(child)) yield return p;
            }
        else if (node is JsonArray a)
            for (int i = 0; i < a.Count; i++) yield return (a, null, i);
    }

    /// <summary>The tool either runs (exit 0, both outputs written) or reports an input error (exit 2, one line, no
    /// output file, partial or complete) — never an internal error or a stack trace.</summary>
    [Property(MaxTest = 150, Arbitrary = [typeof(RecipeArbitrary)])]
    public void ToolRunsOrReportsAnInputErrorAndNeverLeavesPartialOutput(Recipe recipe)
    {
        using var dir = new TempDir();
        string problem = dir.Write("p.json", Render(recipe));
        string outDir = Path.Combine(dir.Path, "out");
        var run = CliRun.Of("run", problem, "--out", outDir);
        // 3: a reduction left its domain of validity (ExitCodes.InvalidReduction); the valid part may be written.
        Assert.True(run.ExitCode is 0 or 2 or 3, $"exit {run.ExitCode}: {run.Error}");
        Assert.DoesNotContain("   at ", run.Error);
        bool trajectory = File.Exists(Path.Combine(outDir, "trajectory.csv")), summary = File.Exists(Path.Combine(outDir, "summary.json"));
        if (run.ExitCode == 0)
        {
            Assert.True(trajectory && summary);
            AssertPhysical(outDir);
        }
        else if (run.ExitCode == 2)
        {
            AssertOneLine(run.Error);
            Assert.False(trajectory || summary);
        }
        if (Directory.Exists(outDir))
        {
            Assert.Empty(Directory.GetFiles(outDir, "*.tmp", SearchOption.AllDirectories));
            Assert.Empty(Directory.GetFileSystemEntries(outDir, ".phaseflow*"));
        }
    }

    [Fact]
    public void EveryBaseDocumentRuns()
    {
        foreach (string text in Bases)
        {
            using var dir = new TempDir();
            var run = CliRun.Of("run", dir.Write("p.json", text), "--out", dir.Path);
            Assert.True(run.ExitCode == 0, run.Error);
        }
    }
}
