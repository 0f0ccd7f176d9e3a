using PhaseFlow.Experiments.Reproduce;

namespace PhaseFlow.Experiments.Tests;

/// <summary><c>phaseflow reproduce information-exponent</c> at the quick size: links of information exponent 1, 2 and 3 on
/// the same data, the spectral nodes beside direct gradient flow, the escape theory where it applies and its refusals.</summary>
public class ReproduceInformationExponentTests
{
    private const string Id = "information-exponent";

    [Fact]
    public void QuickRunWritesItsFilesAndEveryPredictionAgrees()
    {
        using var dir = new TempDir();
        // The summary has one row per case (4); SVGs above 10 000 characters, PNGs above 20 kB.
        var report = ReproduceAssert.RunQuick(Id, dir, new OutputSizes(4, 10_000, 20_000));
        Assert.Equal(["ie", "ie-summary"], report.Tables.Select(t => t.Name));
        Assert.Equal(["ie-u", "ie-mse", "ie-growth"], report.Figures.Select(f => f.Name));
        Assert.Equal(Id, ReproduceRunner.Experiments[^2].Id);

        // Every case: exact nodes within (steps of both)·rtol of direct GF, compressed nodes within their estimate.
        Assert.Equal(4, report.Comparisons.Count(c => c.Quantity.StartsWith("exact nodes vs direct GF", StringComparison.Ordinal) && c.Agrees == true));
        Assert.Equal(4, report.Comparisons.Count(c => c.Quantity.StartsWith("32 compressed nodes vs exact nodes", StringComparison.Ordinal) && c.Agrees == true));

        // The escape theory: applies to IE 2 only; IE 1 and IE 3 are refused with their reasons.
        var theory = report.Comparisons.Where(c => c.Quantity == "escape theory (EscapeTheory.Applicability)").ToArray();
        Assert.Equal(4, theory.Length);
        Assert.All(theory, c => Assert.True(c.Agrees));
        Assert.StartsWith("refuses (NoEscapePhase): no escape phase", Assert.Single(theory, c => c.Case.StartsWith("IE 1", StringComparison.Ordinal)).Measured);
        Assert.StartsWith("applies", Assert.Single(theory, c => c.Case.StartsWith("IE 2", StringComparison.Ordinal)).Measured);
        Assert.All(theory.Where(c => c.Case.StartsWith("IE 3", StringComparison.Ordinal)),
            c => Assert.Contains("refuses (NonlinearPhaseOne): nonlinear Phase I", c.Measured, StringComparison.Ordinal));
        Assert.Contains(report.Comparisons, c => c.Quantity == "time to |u| = 0.1" && c.Case.StartsWith("IE 2", StringComparison.Ordinal) && c.Agrees == true);
        // IE 1 (driven from t = 0) and IE 3 from the small start (collapsing) follow the flow linearised at the origin within
        // the Duhamel bound; IE 3's row also checks that it never escapes.
        var linearised = report.Comparisons.Where(c => c.Quantity == "u against the flow linearised at the origin").ToArray();
        Assert.Equal(["IE 1", "IE 3"], linearised.Select(c => c.Case[..4]));
        Assert.All(linearised, c => Assert.True(c.Agrees));
        Assert.Contains("small start", linearised[1].Case, StringComparison.Ordinal);
        Assert.Contains(report.Comparisons, c => c.Quantity.StartsWith("He₃ escape barrier", StringComparison.Ordinal) && c.Agrees == true);

        // From the data: exact nodes (method 1) on direct GF (method 0) sample by sample, per case, to 1e-6 — above any
        // (steps of both)·rtol of these runs (< 10^4 steps at rtol 1e-10); He₃ from the small start never reaches |u| = 1/2.
        var rows = report.Tables[0].Rows;
        foreach (var group in rows.GroupBy(r => (r[0], r[1])))
        {
            var direct = group.Where(r => r[2] == 0).ToArray();
            var exact = group.Where(r => r[2] == 1).ToArray();
            Assert.Equal(direct.Length, exact.Length);
            Assert.True(direct.Length > 300);
            for (int i = 0; i < direct.Length; i++)
            {
                Assert.Equal(direct[i][3], exact[i][3]);
                Assert.Equal(direct[i][5], exact[i][5], 1e-6);
                Assert.Equal(direct[i][6], exact[i][6], 1e-6);
            }
            bool moves = group.Key != (3, 0);
            Assert.Equal(moves, direct.Max(r => Math.Abs(r[5])) > 0.9);
        }
    }
}
