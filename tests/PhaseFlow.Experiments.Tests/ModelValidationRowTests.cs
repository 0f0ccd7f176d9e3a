using PhaseFlow.Experiments.Validation;

namespace PhaseFlow.Experiments.Tests;

public class ModelValidationRowTests
{
    /// <summary>Issue 15: at least four models besides phase retrieval, one of each kind, each through GF (Rodas4 vs
    /// Dormand–Prince), GD's order and SGD's mean, and every row passes.</summary>
    [Fact]
    public void ModelValidationRowsPass()
    {
        var checks = ValidationSuite.Checks.Where(c => c.Name.StartsWith("direct simulators:", StringComparison.Ordinal)).ToArray();
        Assert.True(checks.Length >= 4);
        foreach (string kind in new[] { "polynomial", "closed form", "quadrature" })
            Assert.Contains(checks, c => c.Name.Contains(kind, StringComparison.Ordinal));
        foreach (string model in new[] { "He₃", "z + z²/2", "erf", "relu" })
            Assert.Contains(checks, c => c.Name.Contains(model, StringComparison.Ordinal));
        foreach (var check in checks)
        {
            var rows = check.Run(false);
            Assert.Equal(3, rows.Count);
            foreach (var row in rows)
                Assert.True(row.Pass, $"{row.Check}: {row.Error:E2} > {row.Tolerance:E2} ({row.Detail})");
        }
    }
}
