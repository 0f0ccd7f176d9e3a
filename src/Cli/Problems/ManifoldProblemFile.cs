using System.Text.Json;
using PhaseFlow.Manifold;

namespace PhaseFlow.Cli.Problems;

/// <summary>A problem file with <c>"model": "manifold"</c>: GD, SpecGD, GF or SpecGF on the signal/spike/bulk manifold,
/// reduced or full-matrix — the same settings as <c>phaseflow manifold</c>, with each value named by its field.</summary>
public static class ManifoldProblemFile
{
    /// <summary>Parses and validates <paramref name="text"/> if it is a JSON object whose <c>model</c> is <c>"manifold"</c>;
    /// null otherwise (malformed text included: <see cref="ProblemFile.Parse"/> reports it). <paramref name="source"/> names
    /// the file in messages.</summary>
    /// <exception cref="InputException">A manifold problem with an invalid or unknown field, named.</exception>
    public static ManifoldRunSettings? TryParse(string text, string source = "problem")
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 });
        }
        catch (JsonException)
        {
            return null;
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (!IsManifold(root)) return null;
            try
            {
                return Build(new JsonObjectReader(root, ""));
            }
            catch (InputException e)
            {
                throw new InputException($"{source}: {e.Message}");
            }
        }
    }

    private static bool IsManifold(JsonElement root)
    {
        try
        {
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("model", out var model) &&
                   model.ValueKind == JsonValueKind.String && model.ValueEquals("manifold");
        }
        catch (InvalidOperationException)
        {
            // A key or value that is not valid text (a lone surrogate): ProblemFile.Parse reports it, naming the field.
            return false;
        }
    }

    private static ManifoldRunSettings Build(JsonObjectReader root)
    {
        root.String("model", null);
        root.String("name", null);
        var manifold = root.RequireObject("manifold");
        double dValue = manifold.Double("d");
        if (dValue != Math.Floor(dValue) || dValue < 3 || dValue > 1e15)
            throw JsonObjectReader.Error(manifold.Child("d"), "an integer in [3, 1e15]", JsonObjectReader.F(dValue), mustBe: true);
        double kappa = manifold.Double("kappa", 10), alpha = manifold.Double("alpha", 1), lossScale = manifold.Double("lossScale", 1),
            rho = manifold.Double("rho", 1);
        manifold.Finish();

        var dynamics = root.RequireObject("dynamics");
        var method = ManifoldMethods.Parse(dynamics.Kind("gd", "specgd", "gf", "specgf"));
        double eta = dynamics.Double("eta");
        dynamics.Finish();

        double stepsValue = root.Double("steps");
        if (stepsValue != Math.Floor(stepsValue) || stepsValue < 1 || stepsValue > 1L << 40)
            throw JsonObjectReader.Error("steps", "an integer in [1, 2^40]", JsonObjectReader.F(stepsValue), mustBe: true);
        double init = root.Double("init", 1e-3);
        long? every = null;
        if (root.Object("output") is { } output)
        {
            double e = output.Double("every");
            if (e != Math.Floor(e)) throw JsonObjectReader.Error(output.Child("every"), "an integer", JsonObjectReader.F(e), mustBe: true);
            every = (long)e;
            output.Finish();
        }
        ManifoldInput.FullRequest? full = null;
        if (root.Object("full") is { } f)
        {
            int? width = f.Has("m") ? f.Int("m", 3, int.MaxValue) : null;
            int? samples = f.Has("samples") ? f.Int("samples", 1, int.MaxValue) : null;
            full = new ManifoldInput.FullRequest(width, samples, f.Bool("resample", false), f.String("polar", "svd")!, f.Int("seed", 0, int.MaxValue, 1));
            f.Finish();
        }
        root.Finish();
        return ManifoldInput.Create(method, kappa, (long)dValue, eta, (long)stepsValue, init, every, alpha, lossScale, rho, full,
            parameter => parameter switch
            {
                "eta" => "dynamics.eta",
                "method" => "dynamics.kind",
                "steps" or "init" => parameter,
                "full" => "a \"full\" block",
                "every" => "output.every",
                "m" or "samples" or "polar" => "full." + parameter,
                _ => "manifold." + parameter,
            });
    }
}
