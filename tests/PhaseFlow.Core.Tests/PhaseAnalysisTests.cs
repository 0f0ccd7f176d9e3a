using PhaseFlow.Foundation;

namespace PhaseFlow.Core.Tests;

public class PhaseAnalysisTests
{
    private static Trajectory Synthetic(IEnumerable<double> times, Func<double, (double S, double U, double Mse)> f) =>
        new(times.Select(t => { var (s, u, m) = f(t); return new TrajectorySample(t, s, u, m, 0, []); }).ToArray(), [], TimeUnit.Time, double.NaN);

    /// <summary>Power laws in t are straight lines in log–log: the fitted slopes are exact (to rounding) with zero width.</summary>
    [Fact]
    public void SlopesOfExactPowerLawsAreRecovered()
    {
        // s jumps to 0.9 at t = 1 (T_1' with s_0 = 0.1 is there), 1 − u ∝ t^{-1/2} afterwards, then the MSE decrement
        // grows like (t − t_2)^{1/2}.
        var times = Enumerable.Range(0, 181).Select(i => Math.Pow(10, -1 + 6.0 * i / 180)).ToArray();
        // 1 − u crosses 0.001 at t = 1.002e4, between the samples 150 and 151: the decrement is measured from sample 151.
        double t2 = times[151];
        var trajectory = Synthetic(times, t => t < 1 ? (0.01, 0.01, 1) : (0.9, 1 - 0.1001 / Math.Sqrt(t), t <= t2 ? 1 : 1 - 0.001 * Math.Sqrt(t - t2)));
        var report = PhaseAnalysis.Analyze(trajectory, 1);
        Assert.NotNull(report.OneMinusU);
        Assert.Equal(-0.5, report.OneMinusU!.Slope, 1e-10);
        Assert.InRange(report.ConvergenceTimes.Single(c => c.Epsilon == 0.001).Time!.Value, times[150], t2);
        Assert.True(report.OneMinusU.StandardError < 1e-10);
        Assert.True(report.MseDecrement?.Points >= 10);
        Assert.NotNull(report.MseDecrement);
        Assert.Equal(0.5, report.MseDecrement!.Slope, 1e-10);
    }

    /// <summary>A noisy run touches the threshold early and falls back: the first crossing is the touch, the last one the
    /// start of the stretch that stays.</summary>
    [Fact]
    public void LastCrossingIgnoresAnEarlyExcursion()
    {
        var times = Enumerable.Range(0, 101).Select(i => i / 10.0).ToArray();
        // |u| rises linearly to 0.95 at t = 10 (0.9 at t = 9.47, 0.5 at 5.26), with an excursion to 0.92 at t = 1 only.
        var trajectory = Synthetic(times, t => (0.5, t == 1 ? 0.92 : 0.095 * t, 1));
        var first = PhaseAnalysis.Analyze(trajectory, 1, new PhaseAnalysisOptions { Accuracies = [0.1] });
        var last = PhaseAnalysis.Analyze(trajectory, 1, new PhaseAnalysisOptions { Accuracies = [0.1], Crossing = CrossingRule.Last });
        // Interpolated between the bracketing samples (0.1 apart).
        Assert.InRange(first.ConvergenceTimes[0].Time!.Value, 0.9, 1.0);
        Assert.InRange(last.ConvergenceTimes[0].Time!.Value, 9.4, 9.5);
        Assert.InRange(last.EscapeTime!.Value, 5.2, 5.3);
        // Not settled at the end: 1 − |u| ≤ 0.01 fails at the last sample.
        Assert.Null(PhaseAnalysis.Analyze(trajectory, 1, new PhaseAnalysisOptions { Accuracies = [0.01], Crossing = CrossingRule.Last })
            .ConvergenceTimes[0].Time);
        Assert.Throws<InvalidParameterException>(() => PhaseAnalysis.Analyze(trajectory, 1, new PhaseAnalysisOptions { Crossing = (CrossingRule)7 }));
    }

    [Fact]
    public void NoisyLineIsInsideItsConfidenceIntervalAtTheStatedRate()
    {
        var rng = new Random(7);
        int inside = 0, trials = 400;
        for (int k = 0; k < trials; k++)
        {
            var x = Enumerable.Range(0, 20).Select(i => i / 19.0).ToArray();
            var y = x.Select(v => 2 - 1.5 * v + 0.1 * MathNet.Numerics.Distributions.Normal.Sample(rng, 0, 1)).ToArray();
            var fit = PhaseAnalysis.Fit(x, y, 0, 1);
            if (fit.Lower <= -1.5 && -1.5 <= fit.Upper) inside++;
        }
        // 95 % nominal; 400 trials give a binomial standard deviation of 1.1 %: accept 90–99 %.
        Assert.InRange(inside / (double)trials, 0.90, 0.99);
    }

    /// <summary>Markers interpolated from samples spaced Δt agree with those the direct flow locates on its dense output to
    /// within Δt.</summary>
    [Fact]
    public void MarkersOfADirectRunMatchItsDenseOutputToTheSampling()
    {
        var spectrum = Spectrum.PowerLaw(200, 2);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 1));
        double dt = 0.01;
        var direct = new PopulationGradientFlow(1e-10, 1e-14).Solve(new PhaseRetrievalProblem(model, Initialization.Sphere(200, 2), 5),
            new SimulationOptions { Output = OutputSchedule.At(Enumerable.Range(0, 501).Select(i => i * dt).ToArray()) });
        var report = PhaseAnalysis.Analyze(direct.Trajectory, model.SStar);
        Assert.Equal(direct.Markers.EscapeTime!.Value, report.EscapeTime!.Value, dt);
        Assert.Equal(direct.Markers.CriticalCrossingTime!.Value, report.CriticalCrossingTime!.Value, dt);
        Assert.True(report.TransitionEndTime > report.CriticalCrossingTime);
    }

    [Fact]
    public void BadOptionsAreRefusedByName()
    {
        var t = Synthetic([0, 1], _ => (0, 0, 1));
        Assert.Equal("sStar", Assert.Throws<InvalidParameterException>(() => PhaseAnalysis.Analyze(t, 0)).Parameter);
        Assert.Equal("accuracies", Assert.Throws<InvalidParameterException>(() => PhaseAnalysis.Analyze(t, 1, new PhaseAnalysisOptions { Accuracies = [2] })).Parameter);
        Assert.Equal("points", Assert.Throws<InvalidParameterException>(() => PhaseAnalysis.Fit([1, 2], [1, 2], 0, 1)).Parameter);
    }
}
