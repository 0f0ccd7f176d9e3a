namespace PhaseFlow.Cli.Tests;

/// <summary><c>phaseflow escape --student F --teacher G</c>: the model's escape rate, or its refusal with the reason.</summary>
public class EscapeModelCliTests
{
    private static void AssertRefused(CliRun run, string reason)
    {
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {run.Error}");
        Assert.StartsWith("error: ", run.Error);
        Assert.Single(run.Error.TrimEnd('\n').Split('\n'));
        Assert.Contains(reason, run.Error);
        Assert.DoesNotContain("Exception", run.Error);
    }

    /// <summary>A flat power law is the isotropic spectrum λ = 1/d, where the dispersion relation's root is
    /// ρ = (α_0 + c s*)λ: f = g = z² + z⁴/4 at s* = 1 has α_0 = −2P_s(0,0,1) = 4s* + 3s*² = 7 and c = −P_uu = 4(2 + 3s*) = 20
    /// (by hand from P_s(0,0,s*) = −f″(0)E[g], P_uu(0,0,s*) = −2f″(0)E[g″]), so ρ = 27/d.</summary>
    [Fact]
    public void RateOfAnotherModelOnAFlatSpectrumIsItsIsotropicRate()
    {
        var run = CliRun.Of("escape", "--a", "1e-20", "--d", "1e9", "--student", "z^2 + z^4/4", "--teacher", "z^2 + z^4/4");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("escape rate ρ = 2.7E-08", run.Output);
        Assert.Contains("c = −P_uu(0,0,s*) = 20, α_0 = −2P_s(0,0,s*) = 7", run.Output);
    }

    [Fact]
    public void ModelsWithoutALinearEscapePhaseAreRefusedWithTheReason()
    {
        AssertRefused(CliRun.Of("escape", "--a", "2", "--d", "100", "--student", "z^3 - 3*z", "--teacher", "z^3 - 3*z"), "information exponent > 2");
        AssertRefused(CliRun.Of("escape", "--a", "2", "--d", "100", "--student", "z + z^2/2", "--teacher", "z + z^2/2"), "no escape phase");
        AssertRefused(CliRun.Of("escape", "--a", "2", "--d", "100", "--student", "z^2"), "--student and --teacher go together");
        AssertRefused(CliRun.Of("escape", "--a", "2", "--d", "100", "--noise", "0.1"), "--noise needs --student and --teacher");
    }
}
