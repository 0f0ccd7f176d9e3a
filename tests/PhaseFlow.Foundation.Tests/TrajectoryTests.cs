namespace PhaseFlow.Foundation.Tests;

public class TrajectoryTests
{
    private static Trajectory Of(params (double T, double S, double U, double Mse)[] points) =>
        new(points.Select(p => new TrajectorySample(p.T, p.S, p.U, p.Mse, 0, [])).ToArray(), [], TimeUnit.Time, double.NaN);

    [Fact]
    public void MaxDeviationIsTheLargestDifferencePerQuantity()
    {
        var a = Of((0, 0.1, 0.2, 1), (1, 0.5, 0.6, 0.5));
        var b = Of((0, 0.1, 0.25, 0.9), (1, 0.3, 0.6, 0.5));
        var (s, u, mse) = a.MaxDeviation(b);
        Assert.Equal(0.2, s, 1e-15);
        Assert.Equal(0.05, u, 1e-15);
        Assert.Equal(0.1, mse, 1e-15);
    }

    [Fact]
    public void MaxDeviationRefusesTrajectoriesAtDifferentTimes()
    {
        Assert.Throws<ArgumentException>(() => Of((0, 0, 0, 0)).MaxDeviation(Of((0, 0, 0, 0), (1, 0, 0, 0))));
        Assert.Throws<ArgumentException>(() => Of((0, 0, 0, 0), (1, 0, 0, 0)).MaxDeviation(Of((0, 0, 0, 0), (2, 0, 0, 0))));
    }
}
