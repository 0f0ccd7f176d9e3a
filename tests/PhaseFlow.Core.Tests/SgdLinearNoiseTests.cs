using PhaseFlow.Foundation;

namespace PhaseFlow.Core.Tests;

/// <summary>SGD's linear-noise prediction (the variance model behind Figures 1 and 5) against its closed-form fixed point.</summary>
public class SgdLinearNoiseTests
{
    /// <summary>With the population sitting at w* (L_Q = 0), v_i' = 16λ_i(η(σ² + 12Σλ_j v_j) − v_i) has the fixed point
    /// v_i = v* = ησ²/(1 − 12η) for every i when tr Λ = 1, so the excess MSE is v*, Σλ_i v_i is v* and the variance of u is
    /// v*Σλ_i²w*_i². The tolerance is the scheme's own contraction, not a fit: each sampling interval h maps the error e of
    /// the variances to at most (12η + (1 − 12η)e^{−16λ_min h})‖e‖_∞, starting from ‖e‖_∞ = v* (v = 0), plus 1e-12 v* of
    /// rounding.</summary>
    [Theory]
    [InlineData(20, 1.0, 0.01, 0.3)]
    [InlineData(20, 2.0, 0.005, 0.2236)]
    [InlineData(50, 1.5, 0.02, 1.0)]
    public void SettlesAtTheClosedFormStationaryVariance(int d, double a, double eta, double sigma)
    {
        var spectrum = Spectrum.PowerLaw(d, a);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, seed: 1));
        var problem = new PhaseRetrievalProblem(model, model.Teacher, horizon: 2e6);
        var population = new PopulationGradientDescent(eta).Solve(problem, new SimulationOptions { Output = OutputSchedule.LogSpaced(80, from: 1) });
        var prediction = SgdLinearNoise.Predict(model, population, eta, sigma, accuracy: 0.1);

        double stationary = eta * sigma * sigma / (1 - 12 * eta);
        double lambdaMin = double.PositiveInfinity, uVariance = 0;
        for (int i = 0; i < d; i++)
        {
            lambdaMin = Math.Min(lambdaMin, model.Lambda[i]);
            uVariance += model.Lambda[i] * model.Lambda[i] * model.Teacher[i] * model.Teacher[i] * stationary;
        }
        double bound = stationary;
        for (int k = 1; k < prediction.Times.Length; k++)
            bound *= 12 * eta + (1 - 12 * eta) * Math.Exp(-16 * lambdaMin * (prediction.Times[k] - prediction.Times[k - 1]));
        double tolerance = bound + 1e-12 * stationary;

        Assert.All(prediction.Variance, v => Assert.True(Math.Abs(v - stationary) <= tolerance, $"v_i = {v:R}, v* = {stationary:R} ± {tolerance:E2}"));
        Assert.True(Math.Abs(prediction.Mse - stationary) <= tolerance, $"MSE {prediction.Mse:R} vs {stationary:R} ± {tolerance:E2}");
        Assert.True(Math.Abs(prediction.QTraceSeries[^1] - stationary) <= tolerance, $"Σλv {prediction.QTraceSeries[^1]:R} vs {stationary:R}");
        Assert.True(Math.Abs(prediction.UDeviation * prediction.UDeviation - uVariance) <= tolerance * uVariance / stationary,
            $"Var u {prediction.UDeviation * prediction.UDeviation:R} vs {uVariance:R}");
    }

    [Fact]
    public void BadStepSizeIsRefused()
    {
        var spectrum = Spectrum.PowerLaw(5, 1);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, seed: 1));
        var population = new PopulationGradientDescent(0.01).Solve(new PhaseRetrievalProblem(model, model.Teacher, horizon: 10), new SimulationOptions());
        var e = Assert.Throws<InvalidParameterException>(() => SgdLinearNoise.Predict(model, population, 0, 0.1, 0.1));
        Assert.Equal("eta", e.Parameter);
    }
}
