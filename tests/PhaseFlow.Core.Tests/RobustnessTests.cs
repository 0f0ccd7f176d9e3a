namespace PhaseFlow.Core.Tests;

/// <summary>Issue 13: extreme scales, divergence, degenerate starts and schedules are either handled correctly or refused
/// with a typed error; never a silent wrong answer.</summary>
public class RobustnessTests
{
    private static PhaseRetrievalModel Model(Spectrum spectrum, int seed = 1) => new(spectrum, Teacher.Gaussian(spectrum, seed));

    private static Spectrum Constant(int d, double lambda) => Spectrum.FromValues(Enumerable.Repeat(lambda, d).ToArray());

    /// <summary>With v = √λ·w the flow depends on λ and t only through λt, so eigenvalues 1e100 up to t = 1e-98 are
    /// eigenvalues 1 up to t = 100 from w(0)·1e50. The default atol must follow w* down to 1e-50 (it used to end at
    /// s = 8e76).</summary>
    [Fact]
    public void DefaultAtolFollowsTheScaleOfTheProblem()
    {
        const int d = 10;
        var big = Model(Constant(d, 1e100));
        var unit = Model(Constant(d, 1));
        var w0 = Initialization.Sphere(d, 2);
        var times = new[] { 0, 1e-4, 1e-3, 1e-2, 0.1, 1, 10, 100 };
        var options = new SimulationOptions { Output = OutputSchedule.At(times.Select(t => Math.Min(t * 1e-100, 1e-98)).ToArray()) };
        var flow = new PopulationGradientFlow();
        Assert.Equal(1e-9 * Math.Sqrt(1e-100), flow.EffectiveAbsoluteTolerance(big), 1e-70);
        Assert.Equal(1e-9, flow.EffectiveAbsoluteTolerance(unit));
        var a = flow.Solve(new PhaseRetrievalProblem(big, w0, 1e-98), options).Trajectory.Samples;
        var b = flow.Solve(new PhaseRetrievalProblem(unit, w0.Select(x => x * 1e50).ToArray(), 100),
            new SimulationOptions { Output = OutputSchedule.At(times) }).Trajectory.Samples;
        Assert.Equal(times.Length, a.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(b[i].S, a[i].S, Math.Abs(b[i].S) * 1e-4);
            Assert.Equal(b[i].U, a[i].U, Math.Abs(b[i].S) * 1e-4);
        }
        Assert.Equal(1, a[^1].S, 1e-6);
        Assert.Equal(1, Math.Abs(a[^1].U), 1e-6);
        // A given atol is used as given.
        Assert.Equal(1e-9, new PopulationGradientFlow(1e-6, 1e-9).EffectiveAbsoluteTolerance(big));
    }
}
