using System.Text.Json;
using PhaseFlow.Core;

namespace PhaseFlow.Cli.Tests;

/// <summary><c>phaseflow model</c>: the printed P of a polynomial model is the spec's, --at gives the library's numbers as
/// one JSON object, and malformed models exit 2 naming the option.</summary>
public class ModelCliTests
{
    [Fact]
    public void PrintsTheExactLossAndItsDerivatives()
    {
        var run = CliRun.Of("model", "--student", "z^3 - 3*z", "--teacher", "z^3 - 3*z");
        Assert.True(run.ExitCode == 0, run.Error);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("# f(z) = z^3 - 3*z, g(z) = z^3 - 3*z: P(s, u, s*), exact (Wick)", lines[0]);
        var p = PhaseFlow.Symbolic.Expr.Parse(lines[1]["P = ".Length..]);
        var spec = PhaseFlow.Symbolic.Expr.Parse("15*s^3 - 18*s^2 + 9*s - 18*s*s_star*u + 18*s*u - 12*u^3 - 18*u + 15*s_star^3 - 18*s_star^2 + 9*s_star + 18*s_star*u");
        Assert.Equal(spec.Expand(), p.Expand());
        Assert.Equal(["P_s", "P_u", "P_ss", "P_su", "P_uu"], lines[2..].Select(l => l[..l.IndexOf(' ')]));
        Assert.Equal("P_uu = -72*u", lines[6]);

        var latex = CliRun.Of("model", "--student", "z^2", "--teacher", "z^2", "--print", "latex");
        Assert.Contains("P_{uu} = -8", latex.Output);
        var quadrature = CliRun.Of("model", "--student", "tanh", "--teacher", "erf");
        Assert.True(quadrature.ExitCode == 0, quadrature.Error);
        Assert.Contains("Gauss–Hermite quadrature, 128×128 nodes", quadrature.Output);
        Assert.Contains("--at S,U,SSTAR", quadrature.Output);
    }

    [Theory]
    [InlineData("erf", "erf")]
    [InlineData("relu", "z^2")]
    public void ClosedFormsPrintAnExpressionThatEvaluatesToTheLoss(string student, string teacher)
    {
        var run = CliRun.Of("model", "--student", student, "--teacher", teacher);
        Assert.True(run.ExitCode == 0, run.Error);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("closed form", lines[0]);
        Assert.Equal(7, lines.Length);
        var p = PhaseFlow.Symbolic.Expr.Parse(lines[1]["P = ".Length..]);
        var puu = PhaseFlow.Symbolic.Expr.Parse(lines[6]["P_uu = ".Length..]);
        double Value(PhaseFlow.Symbolic.Expr e) => e.Evaluate(name => name switch { "s" => 0.5, "u" => 0.2, "s_star" => 1.0, _ => throw new ArgumentException(name) });
        var d = ModelText.Parse(student, teacher).Derivatives(0.5, 0.2, 1);
        Assert.Equal(d.Value, Value(p), 1e-12);
        Assert.Equal(d.Puu, Value(puu), 1e-11);
    }

    [Theory]
    [InlineData("erf", "erf", 0.1)]
    [InlineData("z + z^2/2", "z^3 - 3*z", 0)]
    [InlineData("relu", "z^2", 0.5)]
    public void AtGivesTheLibrarysNumbers(string student, string teacher, double noise)
    {
        var run = CliRun.Of("model", "--student", student, "--teacher", teacher, "--noise", noise.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "--at", "0.5,0.2,1");
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        var loss = ModelText.Parse(student, teacher, noise);
        var d = loss.Derivatives(0.5, 0.2, 1);
        var root = json.RootElement;
        Assert.Equal(loss.Loss(0.5, 0.2, 1), root.GetProperty("loss").GetDouble());
        Assert.Equal(d.Ps, root.GetProperty("Ps").GetDouble());
        Assert.Equal(d.Pu, root.GetProperty("Pu").GetDouble());
        Assert.Equal(d.Pss, root.GetProperty("Pss").GetDouble());
        Assert.Equal(d.Psu, root.GetProperty("Psu").GetDouble());
        Assert.Equal(d.Puu, root.GetProperty("Puu").GetDouble());
        Assert.Equal(6, root.EnumerateObject().Count());
    }

    [Theory]
    [InlineData("--student|tanh(y)|--teacher|z", "--student must be an expression in z alone")]
    [InlineData("--student|z^3|--teacher|relu", "--student must be z, z^2, erf or relu when the other link is relu")]
    [InlineData("--student|z|--teacher|7", "--teacher must be a non-constant")]
    [InlineData("--student|z|--teacher|z|--noise|-1", "--noise must be finite and >= 0")]
    [InlineData("--student|z|--teacher|z|--at|1,2", "--at must be three numbers S,U,SSTAR")]
    [InlineData("--student|z|--teacher|z^2|--at|1,2,1", "--at u must be finite with u^2 <= s*sStar")]
    [InlineData("--student|z|--teacher|z|--print|html", "--print must be \"text\" or \"latex\"")]
    [InlineData("--student|tanh|--teacher|z|--order|1", "--order must be an integer in [2, 300]")]
    public void RefusesMalformedModelsNamingTheOption(string args, string expected)
    {
        var run = CliRun.Of(["model", .. args.Split('|')]);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: " + expected, run.Error);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.Equal("", run.Output);
    }
}

/// <summary><c>phaseflow hierarchy --student F --teacher G</c>: the hierarchy derived from the model's loss.</summary>
public class DerivedHierarchyCliTests
{
    [Fact]
    public void PrintsTheDerivedSystemAndRefusesWhatCannotBeDerived()
    {
        var run = CliRun.Of("hierarchy", "--order", "3", "--closure", "zero", "--student", "z^3 - 3*z", "--teacher", "z^3 - 3*z");
        Assert.True(run.ExitCode == 0, run.Error);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2 * 4 + 2, lines.Length);
        Assert.StartsWith("d/dt s[0] = ", lines[0]);
        Assert.Equal("s[4] = 0", lines[^2]);

        var quadrature = CliRun.Of("hierarchy", "--order", "3", "--student", "tanh", "--teacher", "z");
        Assert.Equal(2, quadrature.ExitCode);
        Assert.Contains("gives no expression", quadrature.Error);
        Assert.Equal(2, CliRun.Of("hierarchy", "--order", "3", "--student", "z^2").ExitCode);
        using var dir = new TempDir();
        var withProblem = CliRun.Of("hierarchy", "--order", "3", "--student", "z^2", "--teacher", "z^2", "--problem", dir.Write("p.json", "{}"), "--out", dir.Path);
        Assert.Equal(2, withProblem.ExitCode);
        Assert.Contains("the problem file states the model", withProblem.Error);
    }
}
