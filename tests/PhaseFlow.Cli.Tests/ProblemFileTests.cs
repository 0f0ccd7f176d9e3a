using PhaseFlow.Cli.Problems;
using PhaseFlow.Core;
using PhaseFlow.Foundation;

namespace PhaseFlow.Cli.Tests;

public class ProblemFileTests
{
    internal const string Valid = """
    {
      "spectrum": {"kind": "powerlaw", "a": 2.0, "d": 50},
      "teacher": {"kind": "gaussian", "seed": 1, "normalization": "unitQ"},
      "init": {"kind": "sphere", "seed": 2, "radius": 1},
      "dynamics": {"kind": "gd", "eta": 0.01},
      "method": {"kind": "direct"},
      "horizon": 2000,
      "output": {"logSpaced": 20, "from": 1},
      "tolerance": {"rtol": 1e-6, "atol": 1e-9}
    }
    """;

    [Theory]
    [InlineData("""{"kind": "powerlaw", "a": 2.0, "d": 50}""", 50)]
    [InlineData("""{"kind": "isotropic", "d": 10, "lambda": 0.01}""", 10)]
    [InlineData("""{"kind": "spiked", "d": 10, "signal": 1, "spike": 11, "bulk": 1}""", 10)]
    [InlineData("""{"kind": "values", "values": [0.5, 0.3, 0.2]}""", 3)]
    public void EverySpectrumKindParses(string spectrum, int d)
    {
        var p = ProblemFile.Parse($$"""
        {"spectrum": {{spectrum}}, "teacher": {"kind": "gaussian", "seed": 1}, "init": {"kind": "gaussian", "seed": 2},
         "dynamics": {"kind": "gf"}, "horizon": 5}
        """);
        Assert.Equal(d, p.Model.Dimension);
        Assert.Equal(1, p.Model.SStar, 1e-12);
        Assert.Equal("direct", p.MethodKind);
    }

    [Fact]
    public void ValidFileBuildsItsObjects()
    {
        var p = ProblemFile.Parse(Valid);
        Assert.Equal(SpectrumKind.PowerLaw, p.Spectrum.Kind);
        Assert.IsType<PopulationGradientDescent>(p.Simulator);
        Assert.Equal(0.01, ((PopulationGradientDescent)p.Simulator).StepSize);
        Assert.Equal(2000, p.Problem.Horizon);
        Assert.Equal(1, Math.Sqrt(p.Problem.InitialWeights.ToArray().Sum(x => x * x)), 1e-12);
    }

    [Theory]
    [InlineData("\"a\": 2.0", "\"a\": -1", "problem: spectrum.a must be finite and > 0, got -1")]
    [InlineData("\"d\": 50", "\"d\": 0", "spectrum.d must be an integer in [1, 134217728], got 0")]
    [InlineData("\"d\": 50", "\"d\": 2.5", "spectrum.d must be an integer in [1, 134217728], got 2.5")]
    [InlineData("\"d\": 50", "\"d\": \"fifty\"", "spectrum.d must be a number, got \"fifty\"")]
    [InlineData("\"radius\": 1", "\"radius\": 1, \"colour\": 3", "init.colour is not a known key")]
    [InlineData("\"eta\": 0.01", "\"eta\": 0", "dynamics.eta must be finite and > 0, got 0")]
    [InlineData("\"kind\": \"gd\"", "\"kind\": \"adam\"", "dynamics.kind must be one of \"gf\", \"gd\", \"sgd\", got \"adam\"")]
    [InlineData("\"horizon\": 2000", "\"horizon\": 20.5", "horizon must be a whole number of steps")]
    [InlineData("\"horizon\": 2000", "\"horizon\": 2000, \"extra\": 1", "extra is not a known key")]
    [InlineData("\"from\": 1", "\"from\": 5000", "output.from must be in (0, horizon = 2000), got 5000")]
    [InlineData("\"normalization\": \"unitQ\"", "\"normalization\": \"unit\"", "teacher.normalization must be \"unitQ\" or \"normd\", got \"unit\"")]
    [InlineData("\"rtol\": 1e-6", "\"rtol\": 2", "tolerance.rtol must be in (0, 1), got 2")]
    [InlineData("\"seed\": 1,", "\"seed\": -4,", "teacher.seed must be an integer in [0, 2147483647], got -4")]
    [InlineData("\"kind\": \"direct\"", "\"kind\": \"direct\", \"kind\": \"direct\"", "method.kind appears more than once")]
    [InlineData("\"horizon\": 2000,", "", "horizon is required")]
    public void InvalidValuesAreNamedByTheirField(string find, string replace, string expected)
    {
        Assert.Contains(find, Valid);
        var e = Assert.Throws<InputException>(() => ProblemFile.Parse(Valid.Replace(find, replace)));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("", GradientFlowIntegrator.Rodas4)]
    [InlineData(", \"integrator\": \"rodas4\"", GradientFlowIntegrator.Rodas4)]
    [InlineData(", \"integrator\": \"dopri5\"", GradientFlowIntegrator.DormandPrince54)]
    public void GradientFlowIntegratorIsSelectable(string extra, GradientFlowIntegrator expected)
    {
        var p = ProblemFile.Parse($$"""
        {"spectrum": {"kind": "isotropic", "d": 3, "lambda": 1}, "teacher": {"kind": "gaussian"}, "init": {"kind": "sphere"},
         "dynamics": {"kind": "gf"{{extra}}}, "horizon": 1}
        """);
        Assert.Equal(expected, ((PopulationGradientFlow)p.Simulator).Integrator);
        var e = Assert.Throws<InputException>(() => ProblemFile.Parse("""
        {"spectrum": {"kind": "isotropic", "d": 3, "lambda": 1}, "teacher": {"kind": "gaussian"}, "init": {"kind": "sphere"},
         "dynamics": {"kind": "gf", "integrator": "euler"}, "horizon": 1}
        """));
        Assert.Contains("dynamics.integrator must be \"rodas4\" or \"dopri5\", got \"euler\"", e.Message);
    }

    [Fact]
    public void GivenVectorsAreCheckedAgainstTheDimension()
    {
        var e = Assert.Throws<InputException>(() => ProblemFile.Parse("""
        {"spectrum": {"kind": "values", "values": [0.5, 0.3]}, "teacher": {"kind": "values", "values": [1, 2, 3]},
         "init": {"kind": "values", "values": [1, 0]}, "dynamics": {"kind": "gf"}, "horizon": 1}
        """));
        Assert.Contains("teacher.values must be of length d = 2, got length 3", e.Message);
        var zero = Assert.Throws<InputException>(() => ProblemFile.Parse("""
        {"spectrum": {"kind": "values", "values": [0.5, -0.3]}, "teacher": {"kind": "gaussian"},
         "init": {"kind": "sphere"}, "dynamics": {"kind": "gf"}, "horizon": 1}
        """));
        Assert.Contains("spectrum.values[1] must be finite and > 0, got -0.3", zero.Message);
    }

    [Theory]
    [InlineData("{\n  \"spectrum\": {\"kind\": \"powerlaw\",, \"a\": 2}\n}", 2, 35)]
    [InlineData("{\"horizon\": 1", 1, 14)]
    [InlineData("", 1, 1)]
    public void MalformedJsonReportsLineAndColumn(string text, int line, int column)
    {
        var e = Assert.Throws<InputException>(() => ProblemFile.Parse(text, "p.json"));
        Assert.Contains($"p.json: malformed JSON at line {line}, column {column}", e.Message);
    }

    [Fact]
    public void NonObjectRootIsRejected()
    {
        var e = Assert.Throws<InputException>(() => ProblemFile.Parse("[1, 2]"));
        Assert.Contains("must be an object", e.Message);
    }
}
