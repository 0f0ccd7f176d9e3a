using System.Diagnostics;
using System.Text.Json;
using PhaseFlow.Core;
using PhaseFlow.Experiments.Validation;

namespace PhaseFlow.Experiments.Tests;

/// <summary><c>phaseflow validate --student F --teacher G</c> (issue 16, item 6): the user's model through every
/// model-generic check, refusals as rows that say why.</summary>
public class UserModelValidationTests
{
    private static ValidationResult Row(IReadOnlyList<ValidationCheck> checks, string prefix) =>
        Assert.Single(checks.Single(c => c.Name.StartsWith(prefix, StringComparison.Ordinal)).Run(false));

    [Fact]
    public void EveryGenericCheckIsThere()
    {
        var names = ModelValidation.Checks(ModelText.Parse("erf", "erf")).Select(c => c.Name).ToArray();
        foreach (string part in new[] { "loss vs Monte Carlo", "sample gradient", "gradient vs finite differences", "Hessian", "direct simulators",
                     "hierarchy (exact closure, K = 3)", "hierarchy (exact closure, K = r)", "exact nodes", "compression", "escape rate" })
            Assert.Contains(names, n => n.Contains(part, StringComparison.Ordinal));
    }

    /// <summary>A quadrature loss has no expression, so no derived hierarchy; erf/erf has P_u(0, 0, s*) ≠ 0, so no escape
    /// phase: both are rows with the reason, "n/a" in the table, counted apart, and not failures.</summary>
    [Fact]
    public void ChecksThatDoNotApplyAreRowsThatSayWhy()
    {
        var tanh = ModelValidation.Checks(new QuadratureLoss(LinkFunction.Tanh, LinkFunction.Tanh, 0, 16));
        var hierarchy = Row(tanh, "hierarchy (exact closure, K = 3)");
        Assert.Contains("expression", hierarchy.Refusal);
        var escape = Row(ModelValidation.Checks(ModelText.Parse("erf", "erf")), "escape rate");
        Assert.Contains("no escape phase", escape.Refusal);
        Assert.True(hierarchy.Pass && escape.Pass);
        string table = ValidationSuite.ToMarkdown([hierarchy, escape, new ValidationResult("a check", 1, 2, "ran")]);
        Assert.Contains("| — | — | n/a | does not apply: no escape phase", table);
        Assert.Contains("1 passed, 0 failed, 2 not applicable", table);
        using var json = JsonDocument.Parse(ValidationSuite.ToJson([escape]));
        var row = json.RootElement.GetProperty("checks")[0];
        Assert.False(row.GetProperty("applies").GetBoolean());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("error").ValueKind);
    }

    /// <summary>He₃ at s* = 1 (information exponent 3): the escape row refuses with the nonlinear-Phase-I reason; at
    /// s* = 0.64 with "no escape phase"; z² + z⁴/4's row runs and passes within its derived bound (≤ 1e-3).</summary>
    [Fact]
    public void EscapeRowFollowsTheTheorysPrecondition()
    {
        var he3 = ModelText.Parse("z^3 - 3*z", "z^3 - 3*z");
        Assert.Contains("information exponent > 2", Row(ModelValidation.Checks(he3), "escape rate").Refusal);
        Assert.Contains("no escape phase", Row(ModelValidation.Checks(he3, new ModelValidationSettings(SStar: 0.64)), "escape rate").Refusal);
        var even = Row(ModelValidation.Checks(ModelText.Parse("z^2 + z^4/4", "z^2 + z^4/4")), "escape rate");
        Assert.Null(even.Refusal);
        Assert.True(even.Pass && even.Tolerance <= 1e-3, $"{even.Error:E2} vs {even.Tolerance:E2}: {even.Detail}");
    }

    /// <summary>The whole table of a cheap closed-form model: every row that applies passes, the escape row is refused.</summary>
    [Fact]
    public void ErfTablePasses()
    {
        var clock = Stopwatch.StartNew();
        var rows = ModelValidation.Run(ModelText.Parse("erf", "erf"), null, full: false);
        Assert.All(rows, r => Assert.True(r.Pass, $"{r.Check}: {r.Error:E2} > {r.Tolerance:E2} ({r.Detail})"));
        Assert.Single(rows, r => r.Refusal is not null);
        Assert.True(rows.Count >= 12, $"{rows.Count} rows");
        Assert.Contains(rows, r => r.Check.StartsWith("online SGD", StringComparison.Ordinal) && r.Detail.Contains("measured at 2η", StringComparison.Ordinal));
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"took {clock.Elapsed}");
    }
}

/// <summary>Issue 16's rows of the main table that are cheap enough for the suite: He₃ at s* = 1 (the theory refuses,
/// the reductions still follow direct GF) and the hierarchy's MSE down to 1e-20.</summary>
public class AnyModelRowTests
{
    [Fact]
    public void He3AtUnitSStarIsRefusedWhileItsReductionsHold()
    {
        var row = AnyModelChecks.He3AtUnitSStar(false);
        Assert.True(row.Pass, $"{row.Error:E2} > {row.Tolerance:E2}: {row.Detail}");
        Assert.Contains("refused — nonlinear Phase I", row.Detail);
    }

    [Fact]
    public void HierarchyMseKeepsItsRelativeAccuracy()
    {
        var row = AnyModelChecks.HierarchyMse(false);
        Assert.True(row.Pass, $"{row.Error:E2} > {row.Tolerance:E2}: {row.Detail}");
        Assert.Contains("never negative: yes", row.Detail);
    }

    [Fact]
    public void NodeMseKeepsItsRelativeAccuracy()
    {
        var row = AnyModelChecks.NodeMse(false);
        Assert.True(row.Pass, $"{row.Error:E2} > {row.Tolerance:E2}: {row.Detail}");
        Assert.Contains("never negative: yes", row.Detail);
        Assert.Contains("error amplitudes from t = ", row.Detail);
    }
}
