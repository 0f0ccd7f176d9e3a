using PhaseFlow.Core;
using PhaseFlow.Foundation;
using Xunit.Abstractions;

namespace PhaseFlow.Duhamel.Tests;

/// <summary>The spectral nodes' MSE from the error amplitudes H_j = F_j − σ (issue 16, item 4, nodes half): against
/// direct gradient flow down to 1e-20, never negative, and s, u and everything else untouched.</summary>
public class NodeMseTests(ITestOutputHelper output)
{
    private const double Rtol = 1e-8;

    /// <summary>Spiked spectra and power laws (whose converged head nodes the error pass's segments stop resolving below
    /// ‖δ‖), exact nodes: the MSE never negative, and within (accepted steps of the direct run and of both node
    /// passes)·rtol, relative, of direct GF's down to 1e-20 (the rule of the hierarchy's error moments). Direct GF at rtol
    /// 1e-13 computes ‖w ∓ w*‖² from w.</summary>
    [Theory]
    [InlineData(null, 200, 1.0, 0.1, 0.0, 200.0)]
    [InlineData("z^3 - 3*z", 50, 0.8, 0.6, 0.0, 200.0)]
    [InlineData("z^2 + z^4/4", 50, 1.0, 0.6, 0.0, 200.0)]
    [InlineData("z + z^2/2", 50, 1.0, 0.6, 0.0, 200.0)]
    [InlineData(null, 300, 1.0, 0.1, 2.0, 1e8)]
    [InlineData("z + z^2/2", 300, 1.0, 0.6, 1.0, 1e6)]
    public void MseKeepsItsRelativeAccuracyNearConvergence(string? link, int d, double teacherScale, double start, double powerLaw, double horizon)
    {
        SingleIndexLoss? loss = link is null ? null : new PolynomialLoss(link, link);
        var spectrum = powerLaw == 0 ? Spectrum.Spiked(d, 1, 3, 0.05) : Spectrum.PowerLaw(d, powerLaw);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 91).Select(x => x * teacherScale).ToArray(), loss);
        var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(d, 92, start), horizon);
        var schedule = OutputSchedule.LogSpaced(30, horizon * 1e-4, includeInitial: true);
        var direct = new PopulationGradientFlow(1e-13, 1e-30).Solve(problem, new SimulationOptions { Output = schedule });
        var reduced = SpectralNodeReduction.Solve(problem, null, new SpectralNodeOptions { Output = schedule, RelativeTolerance = Rtol, AbsoluteTolerance = 1e-14 });
        Assert.True(reduced.IsValid, reduced.InvalidFrom?.Message);
        Assert.NotNull(reduced.ErrorAmplitudesFrom);
        double tol = (direct.Statistics.Steps + reduced.Statistics.Steps + reduced.ErrorAmplitudeStatistics!.Steps) * Rtol;
        int compared = 0;
        double worst = 0;
        for (int i = 0; i < direct.Trajectory.Samples.Count; i++)
        {
            double h = reduced.Trajectory.Samples[i].Mse, g = direct.Trajectory.Samples[i].Mse;
            Assert.True(h >= 0, $"t = {direct.Trajectory.Samples[i].T}: MSE {h}");
            if (g < 1e-20) continue;
            compared++;
            worst = Math.Max(worst, Math.Abs(h - g) / g);
            Assert.True(Math.Abs(h - g) <= tol * g, $"t = {direct.Trajectory.Samples[i].T}: MSE {h:E6} vs direct {g:E6}, relative tolerance {tol:E2}");
        }
        output.WriteLine($"{model.PopulationLoss}: worst relative MSE error {worst:E2}, tolerance {tol:E2} ({direct.Statistics.Steps} direct, " +
            $"{reduced.Statistics.Steps} + {reduced.ErrorAmplitudeStatistics.Steps} node steps), t_e = {reduced.ErrorAmplitudesFrom:G4}, " +
            $"final MSE {reduced.Trajectory.Samples[^1].Mse:E2} vs {direct.Trajectory.Samples[^1].Mse:E2}");
        Assert.True(direct.Trajectory.Samples[^1].Mse < 1e-20 && compared > 10, $"final MSE {direct.Trajectory.Samples[^1].Mse:E2}, {compared} compared");
    }

    /// <summary>The coupling the second pass integrates with, against P's derivatives at real overlaps: α = −2P_s and
    /// γ = σα − P_u at s = s* + 2σd + e, u = σs* + d, for d, e of random w near ±w*, and its derivatives in d and e against
    /// central differences.</summary>
    [Theory]
    [InlineData(null, 1)]
    [InlineData(null, -1)]
    [InlineData("z^3 - 3*z", 1)]
    [InlineData("z^2 + z^4/4", -1)]
    [InlineData("z + z^2/2", 1)]
    public void CouplingIsThatOfTheLoss(string? link, int sigma)
    {
        SingleIndexLoss loss = link is null ? new PhaseRetrievalLoss() : new PolynomialLoss(link, link);
        var coupling = ErrorCoupling.TryCreate(loss, sigma)!;
        var random = SeededRandom.Create(11);
        double[] lambda = [0.9, 0.4, 0.15, 0.15];
        for (int trial = 0; trial < 5; trial++)
        {
            var teacher = lambda.Select(_ => random.NextDouble() - 0.5).ToArray();
            var delta = lambda.Select(_ => 0.1 * (random.NextDouble() - 0.5)).ToArray();
            double Sum(Func<int, double> f) => Enumerable.Range(0, lambda.Length).Sum(i => lambda[i] * f(i));
            double sStar = Sum(i => teacher[i] * teacher[i]), d = Sum(i => delta[i] * teacher[i]), e = Sum(i => delta[i] * delta[i]);
            double s = Sum(i => Math.Pow(delta[i] + sigma * teacher[i], 2)), u = Sum(i => (delta[i] + sigma * teacher[i]) * teacher[i]);
            var p = loss.Derivatives(s, u, sStar);
            var c = coupling.Evaluate(d, e, sStar);
            Assert.Equal(-2 * p.Ps, c.Alpha, 1e-12 * (1 + Math.Abs(p.Ps)));
            Assert.Equal(sigma * -2 * p.Ps - p.Pu, c.Gamma, 1e-12 * (1 + Math.Abs(p.Ps) + Math.Abs(p.Pu)));
            const double h = 1e-6;
            var (dp, dm, ep, em) = (coupling.Evaluate(d + h, e, sStar), coupling.Evaluate(d - h, e, sStar), coupling.Evaluate(d, e + h, sStar), coupling.Evaluate(d, e - h, sStar));
            Assert.Equal((dp.Alpha - dm.Alpha) / (2 * h), c.AlphaD, 1e-6);
            Assert.Equal((ep.Alpha - em.Alpha) / (2 * h), c.AlphaE, 1e-6);
            Assert.Equal((dp.Gamma - dm.Gamma) / (2 * h), c.GammaD, 1e-6);
            Assert.Equal((ep.Gamma - em.Gamma) / (2 * h), c.GammaE, 1e-6);
        }
        // At the teacher γ is exactly 0 whatever s*: no constant term left to cancel in floating point.
        foreach (double sStar in new[] { 1, 0.3, 7.7 }) Assert.Equal(0.0, coupling.Evaluate(0, 0, sStar).Gamma);
    }

    /// <summary>Exact nodes of a spiked spectrum and compressed nodes (with their error estimate) of a power law, phase
    /// retrieval and He₃: every output but the MSE after t_e is that of the run without the second pass, bit for bit, and
    /// the MSE after t_e did change.</summary>
    [Theory]
    [InlineData(null, null)]
    [InlineData(null, 12)]
    [InlineData("z^3 - 3*z", null)]
    [InlineData("z^3 - 3*z", 12)]
    public void EverythingButTheMseIsThatOfTheRunWithoutErrorAmplitudes(string? link, int? compressed)
    {
        SingleIndexLoss? loss = link is null ? null : new PolynomialLoss(link, link);
        var spectrum = compressed is null ? Spectrum.Spiked(200, 1, 3, 0.05) : Spectrum.PowerLaw(400, 1.5);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 3).Select(x => x * (link is null ? 1 : 0.8)).ToArray(), loss);
        var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(spectrum.Dimension, 4, link is null ? 0.1 : 0.6), compressed is null ? 100 : 1e4);
        var options = new SpectralNodeOptions { Output = OutputSchedule.LogSpaced(25, 0.01) };
        var with = SpectralNodeReduction.Solve(problem, compressed, options);
        var without = SpectralNodeReduction.Solve(problem, compressed, options with { TrackErrorAmplitudes = false });
        Assert.Null(without.ErrorAmplitudesFrom);
        Assert.Null(without.ErrorAmplitudeStatistics);
        double from = with.ErrorAmplitudesFrom!.Value;
        Assert.Equal(without.Statistics, with.Statistics);
        Assert.Equal(without.Markers, with.Markers);
        Assert.Equal((without.FinalTheta, without.MaxTheta, without.MaxThetaTime, without.EndTime), (with.FinalTheta, with.MaxTheta, with.MaxThetaTime, with.EndTime));
        Assert.Equal(without.NodeErrorEstimate?.S, with.NodeErrorEstimate?.S);
        Assert.Equal(without.NodeErrorEstimate?.U, with.NodeErrorEstimate?.U);
        if (compressed is not null) Assert.True(with.NodeErrorEstimate!.Mse >= 0);
        for (int i = 0; i < with.Trajectory.Samples.Count; i++)
        {
            var (a, b) = (with.Trajectory.Samples[i], without.Trajectory.Samples[i]);
            Assert.Equal((b.T, b.S, b.U, b.Loss), (a.T, a.S, a.U, a.Loss));
            Assert.Equal(b.Extra, a.Extra);
            if (a.T <= from) Assert.Equal(b.Mse, a.Mse);
            else Assert.Equal(b.Mse, a.Mse, 1e-6 * model.TeacherNormSquared / model.Dimension);
        }
        Assert.Contains(with.Trajectory.Samples, x => x.T > from && x.Mse != without.Trajectory.Samples.First(y => y.T == x.T).Mse);
    }

    [Fact]
    public void OnlyAPolynomialModelWithTheTeacherAsFixedPointAndFiniteDimensionTracksThem()
    {
        var spectrum = Spectrum.Spiked(30, 1, 3, 0.05);
        SpectralNodeResult Run(SingleIndexLoss? loss)
        {
            var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 5), loss);
            return SpectralNodeReduction.Solve(new PhaseRetrievalProblem(model, Initialization.Sphere(30, 6, 0.6), 100));
        }
        Assert.NotNull(Run(null).ErrorAmplitudesFrom);
        Assert.NotNull(Run(new PolynomialLoss("z + z^2/2", "z + z^2/2")).ErrorAmplitudesFrom);
        var erf = Run(new ClosedFormLoss(LinkFunction.Erf, LinkFunction.Erf));
        Assert.Null(erf.ErrorAmplitudesFrom);
        Assert.All(erf.Trajectory.Samples, x => Assert.True(x.Mse >= 0));
        // z² cannot learn He₃: w* is no fixed point, the MSE stays away from 0.
        Assert.Null(Run(new PolynomialLoss("z^2", "z^3 - 3*z")).ErrorAmplitudesFrom);
        // d = ∞: no MSE at all.
        var infinite = SpectralNodeReduction.Solve(SpectralNodes.PowerLaw(2, double.PositiveInfinity, 16, 1e4, initialOverlap: 0.01), 1e4);
        Assert.Null(infinite.ErrorAmplitudesFrom);
        Assert.All(infinite.Trajectory.Samples, x => Assert.True(double.IsNaN(x.Mse)));
        Assert.True(double.IsNaN(infinite.NodeErrorEstimate!.Mse));
    }
}
