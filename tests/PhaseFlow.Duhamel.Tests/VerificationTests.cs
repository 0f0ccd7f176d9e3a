using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Volterra;
using Xunit.Abstractions;

namespace PhaseFlow.Duhamel.Tests;

/// <summary>Verification mode: Θ(t) taken from a direct run turns the Duhamel reduction into a linear Volterra equation
/// with a two-time kernel, which must reproduce the run's u(t) to the accuracy of its quadrature.</summary>
public class VerificationTests(ITestOutputHelper output)
{
    /// <summary>Spiked or power-law spectra, d ∈ [3, 300], horizon 40/λ_1 (escape, transition, and into slow convergence).</summary>
    private static Gen<FlowCase> Cases() =>
        from spiked in Gen.Elements(true, false)
        from d in Gen.Choose(3, 300)
        from signal in Gen.Choose(2, 20).Select(x => x / 10.0)
        from spike in Gen.Choose(2, 50).Select(x => x / 10.0)
        from bulk in Gen.Choose(1, 30).Select(x => x / 100.0)
        from a in Gen.Choose(12, 30).Select(x => x / 10.0)
        where !spiked || (spike != signal && bulk != signal && bulk != spike)
        from seed in Gen.Choose(0, 100_000)
        from radius in Gen.Choose(1, 10).Select(x => x / 10.0)
        let spectrum = spiked ? Spectrum.Spiked(d, signal, spike, bulk) : Spectrum.PowerLaw(d, a)
        let top = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, seed)).Lambda.ToArray().Max()
        select FlowCases.Flow(spectrum, seed, radius, 40 / top);

    private static SimulationResult DirectOnGrid(FlowCase c, int samples) => DuhamelVerification.DirectOnGrid(c.Problem, samples);

    /// <summary>Two error sources, both O(h⁴), both estimated: the Gregory quadrature (Richardson) and the spline of s behind Θ
    /// (Θ from every 2nd and 4th sample, observed order). Over 400 draws deviation/estimate ≤ 1.25; the bound allows 3; 1e-9 covers the direct
    /// run's own error (rtol 1e-12 over ~10^4 steps).</summary>
    [Property(MaxTest = 8)]
    public Property TwoTimeKernelReproducesTheDirectRun() => Prop.ForAll(Cases().ToArbitrary(), c =>
    {
        var direct = DirectOnGrid(c, 2048);
        var result = DuhamelVerification.Verify(SpectralNodes.Exact(c.Problem), direct.Trajectory, new DuhamelVerificationOptions { Steps = 4096 });
        double estimate = result.ErrorEstimate!.Value, deviation = result.TwoTime.MaxDeviation;
        output.WriteLine($"{c}: two-time {deviation:E2} (estimate {estimate:E2} = {result.QuadratureErrorEstimate:E1} + {result.InterpolationErrorEstimate:E1}), printed {result.Printed!.MaxDeviation:E2}, Θ ∈ [{result.ThetaRange.Min:G4}, {result.ThetaRange.Max:G4}]");
        Assert.True(deviation <= 3 * estimate + 1e-9, $"max |Δu| = {deviation:E3}, estimate {estimate:E3}");
        Assert.Null(result.TwoTime.DepartureTime);
        // The printed convolution form is not the reduction: once Θ(t) departs from t it is off by more than u itself.
        Assert.NotNull(result.Printed.DepartureTime);
        Assert.True(result.Printed.MaxDeviation > 0.1, $"printed form max |Δu| = {result.Printed.MaxDeviation:E3}");
    });

    /// <summary>Θ' = s* − 3s: with a teacher of s* = 4 (w* scaled by 2) the two-time equation must still reproduce the run, to
    /// the accuracy it claims (an earlier Θ = t − 3∫s missed by O(1) here while its estimate said 2.5e-3).</summary>
    [Fact]
    public void TwoTimeKernelHoldsForAnyTeacherNorm()
    {
        var spectrum = Spectrum.PowerLaw(50, 2);
        var teacher = Teacher.Gaussian(spectrum, 5).Select(x => 2 * x).ToArray();
        var model = new PhaseRetrievalModel(spectrum, teacher);
        Assert.Equal(4, model.SStar, 1e-12);
        var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(50, 6, 0.5), 40 / (4 * model.Lambda.ToArray().Max()));
        var result = DuhamelVerification.Verify(SpectralNodes.Exact(problem), DuhamelVerification.DirectOnGrid(problem, 2048).Trajectory,
            new DuhamelVerificationOptions { Steps = 4096, PrintedForm = false });
        output.WriteLine($"s* = 4: max |Δu| = {result.TwoTime.MaxDeviation:E3}, estimate {result.ErrorEstimate:E3}");
        Assert.True(result.TwoTime.MaxDeviation <= 3 * result.ErrorEstimate!.Value + 1e-9 * model.SStar,
            $"max |Δu| = {result.TwoTime.MaxDeviation:E3}, estimate {result.ErrorEstimate:E3}");
    }

    /// <summary>Halving h (and the sample spacing) divides the deviation by about 2⁴ once in the asymptotic range.</summary>
    [Fact]
    public void DeviationFallsWithFourthOrder()
    {
        var c = FlowCases.Flow(Spectrum.Spiked(60, 1.5, 1.3, 0.25), 7, 0.5, 26);
        var errors = new List<double>();
        foreach (int samples in new[] { 512, 1024, 2048 })
        {
            var r = DuhamelVerification.Verify(SpectralNodes.Exact(c.Problem), DirectOnGrid(c, samples).Trajectory,
                new DuhamelVerificationOptions { Steps = 2 * samples, EstimateError = false, PrintedForm = false });
            errors.Add(r.TwoTime.MaxDeviation);
        }
        for (int i = 1; i < errors.Count; i++)
        {
            double order = Math.Log2(errors[i - 1] / errors[i]);
            output.WriteLine($"{errors[i - 1]:E3} → {errors[i]:E3}: order {order:F2}");
            Assert.InRange(order, 3.5, 4.5);
        }
    }

    /// <summary>With Θ(t) = t the two kernels are the same function, so the fast exponential-sum and FFT convolution
    /// histories must give the same solution to rounding (relative to the largest value: u grows like e^{ρt}).</summary>
    [Fact]
    public void PrintedFormIsExactWhenThetaIsLinear()
    {
        var c = FlowCases.Flow(Spectrum.PowerLaw(40, 2), 3, 0.1, 2);
        var nodes = SpectralNodes.Exact(c.Problem);
        var options = new VolterraOptions { Steps = 1024 };
        var twoTime = VolterraSolver.Solve(DuhamelVerification.TwoTimeProblem(nodes, t => t, 2), options).Component(0);
        var printed = VolterraSolver.Solve(DuhamelVerification.PrintedProblem(nodes, t => t, 2), options).Component(0);
        double scale = twoTime.Max(Math.Abs);
        for (int i = 0; i < twoTime.Length; i++) Assert.Equal(twoTime[i], printed[i], 1e-11 * scale);
    }

    [Fact]
    public void ThetaIsExactForCubicS()
    {
        var times = Enumerable.Range(0, 11).Select(i => i * 0.3).ToArray();
        var theta = DuhamelVerification.ThetaFromSamples(times, times.Select(t => 0.2 + 0.1 * t * t).ToArray(), 1);
        // s = 0.2 + 0.1t² is a cubic: the clamped spline with cubic end slopes is exact, so Θ = t − 0.6t − 0.1t³.
        foreach (double t in new[] { 0.0, 0.45, 1.7, 3.0 })
            Assert.Equal(t - 0.6 * t - 0.1 * t * t * t, theta(t), 1e-13);
    }

    [Fact]
    public void BadInputIsNamed()
    {
        var e = Assert.Throws<InvalidParameterException>(() => DuhamelVerification.ThetaFromSamples([0, 1, 1, 2], [0, 0, 0, 0], 1));
        Assert.Contains("times[2]", e.Message);
        e = Assert.Throws<InvalidParameterException>(() => DuhamelVerification.ThetaFromSamples([0.5, 1, 2, 3], [0, 0, 0, 0], 1));
        Assert.Contains("times[0]", e.Message);
        var c = FlowCases.Flow(Spectrum.Isotropic(5, 1), 1, 0.5, 1);
        e = Assert.Throws<InvalidParameterException>(() => DuhamelVerification.Verify(SpectralNodes.Exact(c.Problem), DirectOnGrid(c, 8).Trajectory,
            new DuhamelVerificationOptions { Steps = 4 }));
        Assert.Contains("Steps", e.Message);
    }
}
