using System.Globalization;
using System.Text.Json;
using PhaseFlow.Core;

namespace PhaseFlow.Cli.Tests;

/// <summary>Problem files with "model": {"kind": "singleIndex", …}: runs of any model, the shorthand kept, and every
/// malformed model refused with its field's path and nothing written.</summary>
public class ModelProblemFileTests
{
    private static string File(string model, string dynamics = """{"kind": "gf"}""", string method = "") => $$"""
        {"model": {{model}},
         "spectrum": {"kind": "powerlaw", "a": 1.5, "d": 60}, "teacher": {"kind": "gaussian", "seed": 1},
         "init": {"kind": "sphere", "seed": 2, "radius": 1.5}, "dynamics": {{dynamics}}, "horizon": 50{{method}}}
        """;

    [Theory]
    [InlineData("""{"kind": "singleIndex", "student": "z^3 - 3*z", "teacher": "z^3 - 3*z"}""", "exact (Wick)")]
    [InlineData("""{"kind": "singleIndex", "student": "erf", "teacher": "erf", "noise": 0.1}""", "closed form")]
    [InlineData("""{"kind": "singleIndex", "student": "tanh", "teacher": "z", "order": 64}""", "Gauss–Hermite quadrature, 64×64 nodes")]
    public void RunsAnyModelAndRecordsItsLoss(string model, string method)
    {
        using var dir = new TempDir();
        var run = CliRun.Of("run", dir.Write("p.json", File(model)), "--out", dir.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        using var summary = JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(dir.Path, "summary.json")));
        var m = summary.RootElement.GetProperty("model");
        Assert.Equal(method, m.GetProperty("loss").GetString());
        double sStar = summary.RootElement.GetProperty("sStar").GetDouble();
        using var spec = JsonDocument.Parse(model);
        var loss = spec.RootElement.GetProperty("student").GetString() is { } f
            ? ModelText.Parse(f, spec.RootElement.GetProperty("teacher").GetString()!,
                spec.RootElement.TryGetProperty("noise", out var n) ? n.GetDouble() : 0,
                spec.RootElement.TryGetProperty("order", out var o) ? o.GetInt32() : QuadratureLoss.DefaultOrder)
            : throw new InvalidOperationException();
        // Every recorded loss is the model's P(s, u, s*) + σ² at the recorded overlaps (to rounding of the columns).
        foreach (var line in System.IO.File.ReadAllLines(Path.Combine(dir.Path, "trajectory.csv")).Skip(1))
        {
            var x = line.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(loss.Loss(x[1], x[2], sStar), x[4], 1e-12 * (1 + Math.Abs(x[4])));
        }
    }

    [Fact]
    public void SquareLinksAreThePhaseRetrievalShorthandToTheBit()
    {
        using var dir = new TempDir();
        var a = CliRun.Of("run", dir.Write("a.json", File("\"phaseRetrieval\"")), "--out", Path.Combine(dir.Path, "a"));
        var b = CliRun.Of("run", dir.Write("b.json", File("""{"kind": "singleIndex", "student": "z^2", "teacher": "z*z"}""")), "--out", Path.Combine(dir.Path, "b"));
        Assert.True(a.ExitCode == 0 && b.ExitCode == 0, a.Error + b.Error);
        Assert.Equal(System.IO.File.ReadAllText(Path.Combine(dir.Path, "a", "trajectory.csv")), System.IO.File.ReadAllText(Path.Combine(dir.Path, "b", "trajectory.csv")));
    }

    [Theory]
    [InlineData("""{"kind": "singleIndex", "student": "z^3"}""", "model.teacher is required")]
    [InlineData("""{"kind": "singleIndex", "student": "z^", "teacher": "z"}""", "model.student must be an expression in z or one of erf, relu, tanh")]
    [InlineData("""{"kind": "singleIndex", "student": "relu", "teacher": "tanh"}""", "model.teacher must be z, z^2, erf or relu")]
    [InlineData("""{"kind": "singleIndex", "student": "z", "teacher": "z", "noise": -1}""", "model.noise must be finite and >= 0")]
    [InlineData("""{"kind": "singleIndex", "student": "z", "teacher": "z", "colour": 1}""", "model.colour is not a known key")]
    [InlineData("""{"kind": "quadratic"}""", "model.kind must be one of \"singleIndex\", \"phaseRetrieval\"")]
    [InlineData("\"linear\"", "model must be \"phaseRetrieval\" (the default), \"manifold\" or an object")]
    [InlineData("7", "model must be \"phaseRetrieval\" (the default), \"manifold\" or an object")]
    public void MalformedModelsAreRefusedByTheirPath(string model, string expected) => CliRun.AssertRunRefused(File(model), expected);

    [Fact]
    public void TheDerivedHierarchyRunsAnyPolynomialModelBesideItsDirectRun()
    {
        const string body = """
            {"model": {"kind": "singleIndex", "student": "z + z^2/2", "teacher": "z + z^2/2"},
             "spectrum": {"kind": "values", "values": [0.9, 0.9, 0.35, 0.35, 0.35, 0.08, 0.08]}, "teacher": {"kind": "gaussian", "seed": 1},
             "init": {"kind": "sphere", "seed": 2, "radius": 0.6}, "dynamics": {"kind": "gf"}, "tolerance": {"rtol": 1e-10, "atol": 1e-14},
             "horizon": 200, "output": {"logSpaced": 30, "from": 0.01}METHOD}
            """;
        using var dir = new TempDir();
        var h = CliRun.Of("run", dir.Write("h.json", body.Replace("METHOD", ", \"method\": {\"kind\": \"hierarchy\", \"order\": 3, \"closure\": \"exact\"}")), "--out", Path.Combine(dir.Path, "h"));
        var d = CliRun.Of("run", dir.Write("d.json", body.Replace("METHOD", "")), "--out", Path.Combine(dir.Path, "d"));
        Assert.True(h.ExitCode == 0 && d.ExitCode == 0, h.Error + d.Error);
        double[][] Rows(string run) => System.IO.File.ReadAllLines(Path.Combine(dir.Path, run, "trajectory.csv")).Skip(1)
            .Select(l => l.Split(',').Take(5).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var (hr, dr) = (Rows("h"), Rows("d"));
        Assert.Equal(dr.Length, hr.Length);
        // Exact closure on 3 distinct eigenvalues: the same flow, to the tolerance's reach (AgreementTests' rule, ~1e-6 here).
        for (int i = 0; i < dr.Length; i++)
            for (int c = 1; c < 5; c++)
                Assert.True(Math.Abs(dr[i][c] - hr[i][c]) <= 1e-6 * (1 + Math.Abs(dr[i][c])), $"t = {dr[i][0]}, column {c}: {dr[i][c]} vs {hr[i][c]}");
        CliRun.AssertRunRefused(body.Replace("z + z^2/2", "tanh").Replace("METHOD", ", \"method\": {\"kind\": \"hierarchy\", \"order\": 3}"),
            "is derived from the loss's expression");
    }

    [Fact]
    public void ConflictingNoiseIsRefused()
    {
        CliRun.AssertRunRefused(File("""{"kind": "singleIndex", "student": "erf", "teacher": "erf", "noise": 0.1}""", """{"kind": "sgd", "eta": 0.01, "noise": 0.2}"""),
            "dynamics.noise and model.noise are the same label noise σ");
    }

    /// <summary>The spectral nodes run any model (issue 16, item 2): exact nodes on 3 distinct eigenvalues are the same flow
    /// as the direct run of the file, to the tolerance's reach (~1e-6 here, as for the hierarchy above); the loss column is the
    /// model's; the escape-rate fields are null with the reason when that theory does not apply (He₃ at s* ≠ 1 has
    /// P_u(0, 0, s*) ≠ 0), and T1Prime (phase retrieval's transition end) is null.</summary>
    [Theory]
    [InlineData("z^3 - 3*z")]
    [InlineData("erf")]
    public void VolterraRunsAnyModelBesideItsDirectRun(string link)
    {
        string body = $$"""
            {"model": {"kind": "singleIndex", "student": "{{link}}", "teacher": "{{link}}"},
             "spectrum": {"kind": "values", "values": [0.9, 0.9, 0.35, 0.35, 0.35, 0.08, 0.08]}, "teacher": {"kind": "gaussian", "seed": 1},
             "init": {"kind": "sphere", "seed": 2, "radius": 0.6}, "dynamics": {"kind": "gf"}, "tolerance": {"rtol": 1e-10, "atol": 1e-14},
             "horizon": 200, "output": {"logSpaced": 30, "from": 0.01}METHOD}
            """;
        using var dir = new TempDir();
        var v = CliRun.Of("run", dir.Write("v.json", body.Replace("METHOD", ", \"method\": {\"kind\": \"volterra\"}")), "--out", Path.Combine(dir.Path, "v"));
        var d = CliRun.Of("run", dir.Write("d.json", body.Replace("METHOD", "")), "--out", Path.Combine(dir.Path, "d"));
        Assert.True(v.ExitCode == 0 && d.ExitCode == 0, v.Error + d.Error);
        var lines = System.IO.File.ReadAllLines(Path.Combine(dir.Path, "v", "trajectory.csv"));
        Assert.Equal("t,s,u,mse,loss,theta", lines[0]);
        double[][] Rows(string run) => System.IO.File.ReadAllLines(Path.Combine(dir.Path, run, "trajectory.csv")).Skip(1)
            .Select(l => l.Split(',').Take(5).Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var (vr, dr) = (Rows("v"), Rows("d"));
        Assert.Equal(dr.Length, vr.Length);
        for (int i = 0; i < dr.Length; i++)
            for (int c = 1; c < 5; c++)
                Assert.True(Math.Abs(dr[i][c] - vr[i][c]) <= 1e-6 * (1 + Math.Abs(dr[i][c])), $"t = {dr[i][0]}, column {c}: {dr[i][c]} vs {vr[i][c]}");
        using var summary = JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(dir.Path, "v", "summary.json")));
        var details = summary.RootElement.GetProperty("volterra");
        Assert.Equal(JsonValueKind.Null, details.GetProperty("T1Prime").ValueKind);
        if (details.GetProperty("escapeRate").ValueKind == JsonValueKind.Null)
            Assert.False(string.IsNullOrEmpty(details.GetProperty("escapeTheory").GetString()));
        if (link.StartsWith('z')) Assert.Equal(JsonValueKind.Null, details.GetProperty("escapeRate").ValueKind);
    }

    /// <summary><c>phaseflow duhamel</c> for another model: the nonlinear two-time equation reproduces the direct u within
    /// 3× its estimate (VerificationTests' bound).</summary>
    [Fact]
    public void DuhamelVerifiesAnotherModel()
    {
        using var dir = new TempDir();
        string problem = dir.Write("p.json", File("""{"kind": "singleIndex", "student": "z + z^2/2", "teacher": "z + z^2/2"}""").Replace("\"horizon\": 50", "\"horizon\": 20"));
        var run = CliRun.Of("duhamel", problem, "--out", dir.Path, "--samples", "1024");
        Assert.True(run.ExitCode == 0, run.Error);
        using var summary = JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(dir.Path, "summary.json")));
        var root = summary.RootElement;
        double deviation = root.GetProperty("twoTimeMaxDeviation").GetDouble(), estimate = root.GetProperty("errorEstimate").GetDouble();
        Assert.True(deviation <= 3 * estimate + 1e-9, $"{deviation} vs estimate {estimate}");
    }
}
