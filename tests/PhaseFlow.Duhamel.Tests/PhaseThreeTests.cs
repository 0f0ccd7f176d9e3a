using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PhaseFlow.Core;
using PhaseFlow.Foundation;
using Xunit.Abstractions;

namespace PhaseFlow.Duhamel.Tests;

/// <summary>Phase III: the uniform benchmark S_d, its three regimes (as the rigorous inequalities behind them), and the
/// prediction MSE(T_2 + τ) ≈ MSE(T_2)·Ŝ_d(τ) against direct gradient flow.</summary>
public class PhaseThreeTests(ITestOutputHelper output)
{
    private static double[] Eigenvalues(int d, double a) => new PhaseRetrievalModel(Spectrum.PowerLaw(d, a), Teacher.Gaussian(Spectrum.PowerLaw(d, a), 0)).Lambda.ToArray();

    private static readonly double[] Taus = [1e-3, 0.1, 1, 10, 1e3, 1e5, 1e7, 1e9, 1e11, 1e13, 1e15, 1e17];

    /// <summary>Beyond 4096 terms the sum is an Euler–Maclaurin integral: it must match the term-by-term sum.</summary>
    [Theory]
    [InlineData(1.3, 200_000)]
    [InlineData(2.0, 200_000)]
    [InlineData(3.5, 50_000)]
    public void DimensionFreeDecrementMatchesTheSum(double a, int d)
    {
        var tail = new PowerLawTail(a, d);
        var lambda = Eigenvalues(d, a);
        foreach (double tau in Taus)
        {
            double sum = 0;
            for (int i = d - 1; i >= 0; i--) sum -= AccurateMath.Expm1(-16 * lambda[i] * tau);
            // Both sides are sums of positive terms: rounding is below d·ε relative.
            Assert.Equal(1, tail.Decrement(tau) / sum, d * 2.2e-16);
            Assert.Equal(PhaseThreePrediction.UniformSurvival(lambda, tau), tail.Survival(tau), d * 2.2e-16 * (1 - tail.Survival(tau)) + 1e-16);
        }
    }

    /// <summary>The regimes of spec §5 as inequalities that hold for every τ (so they can be checked exactly), each tight in
    /// its own regime: 0 ≤ S_d − (1 − 16τ/d) ≤ 128τ²Σλ²/d (e^{−y} between 1 − y and 1 − y + y²/2);
    /// 0 ≤ Γ(1 − 1/a)x_d − d(1 − S_d) ≤ 1 + x_d^a d^{1−a}/(a − 1) (sum vs integral of a decreasing function, and the
    /// cut-off tail); e^{−16λ_dτ}/d ≤ S_d ≤ e^{−16λ_dτ}.</summary>
    [Property(MaxTest = 30)]
    public Property RegimeBoundsHold() => Prop.ForAll(
        (from a in Gen.Choose(11, 40).Select(x => x / 10.0)
         from logD in Gen.Choose(2, 14)
         from mantissa in Gen.Choose(1, 9)
         from logTau in Gen.Choose(-30, 170).Select(x => x / 10.0)
         select (a, d: mantissa * Math.Pow(10, logD), tau: Math.Pow(10, logTau))).ToArbitrary(),
        c =>
        {
            var tail = new PowerLawTail(c.a, c.d);
            double s = tail.Survival(c.tau), decrement = tail.Decrement(c.tau), x = tail.LearntIndex(c.tau);
            double sumSquares = SumOfSquares(c.a, c.d, tail.Normalization);
            double slack = 1e-9 * Math.Max(1, decrement);
            double early = s - tail.Early(c.tau);
            Assert.InRange(early, -1e-12, 128 * c.tau * c.tau * sumSquares / c.d + 1e-12);
            double meso = MathNet.Numerics.SpecialFunctions.Gamma(1 - 1 / c.a) * x - decrement;
            Assert.InRange(meso, -slack, 1 + Math.Pow(x, c.a) * Math.Pow(c.d, 1 - c.a) / (c.a - 1) + slack);
            double late = tail.LateBound(c.tau);
            Assert.InRange(s, late / c.d * (1 - 1e-9), late * (1 + 1e-9) + 1e-15);
        });

    /// <summary>Σλ_i² = H_{d,2a}/H_{d,a}², summed (the bound only needs it to a few digits).</summary>
    private static double SumOfSquares(double a, double d, double h)
    {
        double sum = 0;
        for (long i = (long)Math.Min(d, 1e6); i >= 1; i--) sum += Math.Pow(i, -2 * a);
        return sum / (h * h) * 1.0001;
    }

    /// <summary>Against the Taylor series where e^x − 1 cancels, and e^x − 1 itself where it does not.</summary>
    [Fact]
    public void Expm1IsAccurate()
    {
        for (double x = 1e-300; x < 1e-4; x *= 7.3)
            foreach (double v in new[] { x, -x })
                Assert.Equal(1, AccurateMath.Expm1(v) / (v + v * v / 2 + v * v * v / 6 + v * v * v * v / 24 + v * v * v * v * v / 120), 4e-16);
        for (double x = 0.5; x < 700; x *= 1.9)
            foreach (double v in new[] { x, -x })
                Assert.Equal(1, AccurateMath.Expm1(v) / (Math.Exp(v) - 1), 1e-15);
        Assert.Equal(-1, AccurateMath.Expm1(-800));
        Assert.Equal(double.PositiveInfinity, AccurateMath.Expm1(800));
    }

    [Fact]
    public void RegimesSplitAtXEqualsOneAndD()
    {
        var tail = new PowerLawTail(2, 1e4);
        Assert.Equal(TailRegime.Early, tail.Regime(tail.EarlyEnd * 0.9));
        Assert.Equal(TailRegime.Mesoscopic, tail.Regime(tail.EarlyEnd * 1.1));
        Assert.Equal(TailRegime.Mesoscopic, tail.Regime(tail.LateStart * 0.9));
        Assert.Equal(TailRegime.Late, tail.Regime(tail.LateStart * 1.1));
        Assert.Equal(1, tail.LearntIndex(tail.EarlyEnd), 1e-12);
        Assert.Equal(1e4, tail.LearntIndex(tail.LateStart), 1e-8);
        Assert.Equal(37.5, tail.LearntIndex(tail.TimeOfIndex(37.5)), 1e-10);
    }

    /// <summary>A power-law run is followed to u = 1 − ε (T_2), restarted from w(T_2) and compared with MSE(T_2)·Ŝ_d(τ) up to
    /// τ = 10^7. The dropped terms 12δs Qw − 8δu Qw* change e_i by at most (20/8)|w*_i|δ + 1.5δ|e_i| (δ the largest
    /// of |1 − s|, |1 − |u|| after T_2), so the ratio moves by at most 5δ‖w*‖/‖e‖ + 3δ, to first order.</summary>
    [Property(MaxTest = 6)]
    public Property PredictionFollowsDirectRunAfterT2() => Prop.ForAll(
        (from a in Gen.Choose(12, 30).Select(x => x / 10.0)
         from d in Gen.Choose(100, 1000)
         from eps in Gen.Elements(1e-2, 1e-3)
         from seed in Gen.Choose(0, 100_000)
         select (a, d, eps, seed)).ToArbitrary(),
        c =>
        {
            var spectrum = Spectrum.PowerLaw(c.d, c.a);
            var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, c.seed));
            var r = PhaseThreeComparison.Run(new PhaseRetrievalProblem(model, Initialization.Sphere(c.d, c.seed + 1, 0.5), 1e8), c.eps, 1e7, 40);
            var prediction = r.Prediction;
            double worst = r.MaxDeviation, bound = r.Bound + 1e-8;
            output.WriteLine($"a = {c.a}, d = {c.d}, ε = {c.eps}: T2 = {prediction.T2:G4}, MSE(T2) = {prediction.MseAtT2:E2}, δ = {r.Delta:E2}: max |ratio − Ŝ| = {worst:E2}, bound {bound:E2}");
            Assert.Equal(1, prediction.Weights.ToArray().Sum(), 1e-12);
            Assert.Equal(prediction.MseAtT2, r.After.Samples[0].Mse, 1e-12 * prediction.MseAtT2);
            Assert.True(1 - Math.Abs(r.After.Samples[0].U) <= c.eps * (1 + 1e-6), $"u(T2) = {r.After.Samples[0].U}");
            Assert.True(worst <= bound, $"max |MSE/MSE(T2) − Ŝ_d| = {worst:E3} > {bound:E3}");
        });

    [Fact]
    public void BadInputIsNamed()
    {
        Assert.Contains("exponent", Assert.Throws<InvalidParameterException>(() => new PowerLawTail(1, 100)).Message);
        Assert.Contains("dimension", Assert.Throws<InvalidParameterException>(() => new PowerLawTail(2, 0.5)).Message);
        Assert.Contains("tau", Assert.Throws<InvalidParameterException>(() => new PowerLawTail(2, 10).Survival(-1)).Message);
        var model = new PhaseRetrievalModel(Spectrum.Isotropic(3, 1), [1, 0, 0]);
        Assert.Contains("w", Assert.Throws<InvalidParameterException>(() => PhaseThreePrediction.FromState(model, [1, 0], 0)).Message);
        Assert.Throws<InvalidParameterException>(() => PhaseThreePrediction.FromState(model, [-1, 0, 0], 0));
        var problem = new PhaseRetrievalProblem(model, [0.01, 0.01, 0.01], 0.5);
        Assert.Contains("accuracy", Assert.Throws<InvalidParameterException>(() => PhaseThreeComparison.Run(problem, 1e-3, 10)).Message);
        Assert.Contains("tauEnd", Assert.Throws<InvalidParameterException>(() => PhaseThreeComparison.Run(problem, 1e-3, -1)).Message);
    }
}
