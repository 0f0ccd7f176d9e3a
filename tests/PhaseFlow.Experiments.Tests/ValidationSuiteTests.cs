using PhaseFlow.Experiments.Validation;

namespace PhaseFlow.Experiments.Tests;

public class ManifoldValidationRowTests
{
    [Fact]
    public void ManifoldValidationRowsPass()
    {
        var checks = ValidationSuite.Checks.Where(c => c.Name.StartsWith("manifold:", StringComparison.Ordinal)).ToArray();
        Assert.Equal(7, checks.Length);
        foreach (var check in checks)
            foreach (var row in check.Run(false))
                Assert.True(row.Pass, $"{row.Check}: {row.Error:E2} > {row.Tolerance:E2} ({row.Detail})");
    }
}
