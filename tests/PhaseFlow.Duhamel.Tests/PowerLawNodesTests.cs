using PhaseFlow.Foundation;
using Xunit.Abstractions;

namespace PhaseFlow.Duhamel.Tests;

public class PowerLawNodesTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, 1, 2.0)]
    [InlineData(1, 100_000, 0.5)]
    [InlineData(1_500, 9_000, 1.3)]
    [InlineData(2_000, 2_000, 3.0)]
    [InlineData(7, 1_234_567, 2.2)]
    public void PowerSumsEqualTermByTermSums(long m, long n, double p)
    {
        double direct = 0;
        for (long i = n; i >= m; i--) direct += Math.Pow(i, -p);
        Assert.Equal(direct, PowerSums.Sum(m, n, p), 2e-15 * direct * Math.Log(n - m + 2));
    }

    [Fact]
    public void PowerSumsToInfinityGiveZetaValues()
    {
        Assert.Equal(Math.PI * Math.PI / 6, PowerSums.Sum(1, long.MaxValue, 2), 1e-15);
        Assert.Equal(Math.Pow(Math.PI, 4) / 90, PowerSums.Sum(1, long.MaxValue, 4), 1e-15);
    }

    /// <summary>The analytic expected-weight nodes (partial sums, no per-mode arrays) equal the compression of the
    /// explicit mode list with the same weights.</summary>
    [Theory]
    [InlineData(100_000, 2.0, 64)]
    [InlineData(30_000, 1.4, 33)]
    [InlineData(4_000, 0.7, 20)]
    public void ExpectedWeightNodesEqualTheCompressionOfTheModes(int d, double a, int m)
    {
        double u0 = 0.01, r = 1, sStar = 1;
        var analytic = SpectralNodes.PowerLaw(a, d, m, 1e6, u0, r, sStar);
        var lambda = Spectrum.PowerLaw(d, a).Eigenvalues.ToArray();
        double alpha = u0 / sStar;
        var modes = SpectralNodes.FromModes(lambda, Fill(d, alpha * alpha * sStar + r * r / d), Fill(d, alpha * sStar), Fill(d, sStar), m);
        Assert.Equal(modes.Count, analytic.Count);
        for (int j = 0; j < m; j++)
        {
            Assert.Equal(modes.Lambda[j], analytic.Lambda[j], 1e-13 * modes.Lambda[j]);
            Assert.Equal(modes.A[j], analytic.A[j], 1e-9 * Math.Abs(modes.A[j]) + 1e-15);
            Assert.Equal(modes.B[j], analytic.B[j], 1e-9 * Math.Abs(modes.B[j]) + 1e-15);
            Assert.Equal(modes.C[j], analytic.C[j], 1e-9 * Math.Abs(modes.C[j]) + 1e-15);
        }
        Assert.Equal(sStar, analytic.SStar, 1e-12);
        Assert.Equal(u0, analytic.InitialU, 1e-14);
    }

    /// <summary>d = 10^9 and d = ∞ run on 64 nodes to t = 10^15, learn the signal (u → s*), and agree with each other
    /// to the size of the spectrum's finite-d normalisation (H_{d,a} vs ζ(a): 1e-9 relative at a = 2).</summary>
    /// <summary>Nearly flat power laws: counting the modes above a node searched one mode at a time from an estimate that is 0
    /// or ∞ for tiny a, and never ended at d = 1e9 (issue 13: `escape --a 1e-20 --d 1e9`); once it ended, coinciding
    /// log-spaced nodes divided 0 by 0 and the run stayed at u ≈ 1e-12. a = 1e-20 (flat in double precision: one node) and
    /// a = 1e-9 (compressed nodes) have spectra within a·ln d ≤ 2.1e-8 of each other, so escape times within that relative
    /// shift and samples within a few times it.</summary>
    [Theory]
    [InlineData(1e3)]
    [InlineData(1e9)]
    public void NearlyFlatPowerLawsBuildTheirNodesAndAgree(double d)
    {
        var options = new SpectralNodeOptions { RelativeTolerance = 1e-10, AbsoluteTolerance = 1e-14, Output = OutputSchedule.LogSpaced(20, d * 1e-3) };
        var flat = SpectralNodeReduction.Solve(SpectralNodes.PowerLaw(1e-20, d, 64, 10 * d, initialOverlap: 1e-4), 10 * d, options);
        var nearly = SpectralNodeReduction.Solve(SpectralNodes.PowerLaw(1e-9, d, 64, 10 * d, initialOverlap: 1e-4), 10 * d, options);
        var (s, u, _) = flat.Trajectory.MaxDeviation(nearly.Trajectory);
        Assert.True(Math.Max(s, u) < 1e-6, $"max |Δs| = {s:E2}, |Δu| = {u:E2}");
        Assert.True(flat.Trajectory.Samples[^1].U > 0.99, $"u = {flat.Trajectory.Samples[^1].U}");
    }

    [Fact]
    public void BillionDimensionsAndTheLimitRunToTenToTheFifteen()
    {
        var options = new SpectralNodeOptions { RelativeTolerance = 1e-9, AbsoluteTolerance = 1e-13, Output = OutputSchedule.LogSpaced(40, 1e-2, includeInitial: true) };
        var finite = SpectralNodeReduction.Solve(SpectralNodes.PowerLaw(2, 1e9, 64, 1e15, initialOverlap: 1e-4, initialRadius: 1), 1e15, options);
        var limit = SpectralNodeReduction.Solve(SpectralNodes.PowerLaw(2, double.PositiveInfinity, 64, 1e15, initialOverlap: 1e-4, initialRadius: 0), 1e15, options);
        output.WriteLine($"d = 1e9: {finite.WallTime.TotalSeconds:F3} s, {finite.Statistics.Steps} steps, estimate {finite.NodeErrorEstimate}");
        output.WriteLine($"d = ∞: {limit.WallTime.TotalSeconds:F3} s, {limit.Statistics.Steps} steps, estimate {limit.NodeErrorEstimate}");
        var (s, u, _) = finite.Trajectory.MaxDeviation(limit.Trajectory);
        output.WriteLine($"max |Δs| = {s:E2}, |Δu| = {u:E2}; final u {finite.Trajectory.Samples[^1].U}, MSE {finite.Trajectory.Samples[^1].Mse}");
        Assert.True(finite.NodeErrorEstimate!.Max < 1e-3 && limit.NodeErrorEstimate!.Max < 1e-3);
        Assert.True(finite.Trajectory.Samples[^1].U > 0.999);
        Assert.True(double.IsNaN(limit.Trajectory.Samples[^1].Mse));
        Assert.True(Math.Max(s, u) < 1e-4);
    }

    [Fact]
    public void BadInputIsRefusedByName()
    {
        Assert.Equal("a", Assert.Throws<InvalidParameterException>(() => SpectralNodes.PowerLaw(1, double.PositiveInfinity, 64, 1, 0.1)).Parameter);
        Assert.Equal("initialOverlap", Assert.Throws<InvalidParameterException>(() => SpectralNodes.PowerLaw(2, double.PositiveInfinity, 64, 1)).Parameter);
        Assert.Equal("d", Assert.Throws<InvalidParameterException>(() => SpectralNodes.PowerLaw(2, 10.5, 64, 1)).Parameter);
        Assert.Equal("nodes", Assert.Throws<InvalidParameterException>(() => SpectralNodes.PowerLaw(2, 1e6, 3, 1)).Parameter);
        Assert.Equal("lambda[1]", Assert.Throws<InvalidParameterException>(() => SpectralNodes.FromNodes([1, -1], [0, 0], [0, 0], [1, 1], 2)).Parameter);
        Assert.Equal("horizon", Assert.Throws<InvalidParameterException>(() =>
            SpectralNodeReduction.Solve(SpectralNodes.FromNodes([1], [1], [0.1], [1], 1), double.NaN)).Parameter);
    }

    private static double[] Fill(int n, double value) => Enumerable.Repeat(value, n).ToArray();
}
