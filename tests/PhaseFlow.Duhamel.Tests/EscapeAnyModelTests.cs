using PhaseFlow.Core;
using PhaseFlow.Foundation;
using Xunit.Abstractions;

namespace PhaseFlow.Duhamel.Tests;

/// <summary>The escape and Phase III theories for models other than phase retrieval (spec single-index §5): the rates
/// against direct gradient flow where they apply, and their refusals, with the reason, where they do not.</summary>
public class EscapeAnyModelTests(ITestOutputHelper output)
{
    private static PhaseRetrievalProblem Problem(SingleIndexLoss loss, double[] eigenvalues, double radius, double horizon)
    {
        var spectrum = Spectrum.FromValues(eigenvalues);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 7), loss);
        return new PhaseRetrievalProblem(model, Initialization.Sphere(eigenvalues.Length, 8, radius), horizon);
    }

    /// <summary>ρ of the dispersion relation 1 = c Σ λ_j²C_j/(ρ − α_0λ_j) against the growth rate of direct GF's u, measured
    /// as the slope of log|u| between t_1, where the other exponentials of the linear solution weigh ≤ 1e-5 of the growing
    /// one, and t_2, where |u| = 1e-3·s*, from |w(0)| = 1e-14. The measured slope differs from ρ by (i) the transient,
    /// ≤ 2·1e-5/(t_2 − t_1); (ii) the solver, (accepted steps)·rtol on each log|u|, so 2·steps·rtol/(t_2 − t_1); (iii) the
    /// frozen-coefficient drift: ρ is increasing and homogeneous of degree 1 in (α_0, c), so while α = −2P_s stays within a
    /// fraction r of α_0 and β/u = −P_u/u within r of c, the rate stays within r of ρ (r measured along the run). The sum
    /// must also be ≤ 1e-3 (the requirement), or the check would be vacuous.
    /// f = z² + 2 learning z² has α_0 = −4 &lt; 0 (the modes decay on their own) but c·s* = 8 s* &gt; 4: it escapes too.</summary>
    [Theory]
    [InlineData("z^2 + z^4/4", "z^2 + z^4/4")]
    [InlineData("z^2 + 2", "z^2")]
    public void EscapeRateOfAnEvenModelIsDirectFlowsGrowthRate(string f, string g)
    {
        var loss = ModelText.Parse(f, g);
        var problem = Problem(loss, [0.5, 0.2, 0.1, 0.05], 1e-14, 1);
        double sStar = problem.Model.SStar;
        var theory = EscapeTheory.Applicability(loss, sStar);
        Assert.True(theory.Applies, theory.Reason);
        var nodes = SpectralNodes.Exact(problem);
        var rate = EscapeRate.Solve(nodes);
        var linear = PhaseOneSolution.Solve(nodes);
        Assert.Equal(rate.Rate, linear.Exponents[0]);
        double t1 = Enumerable.Range(1, 100_000).Select(k => k * 0.01 / rate.Rate).First(t => linear.RelativeTransient(t) <= 1e-5);
        double t2 = linear.TimeToReach(1e-3);
        Assert.True(t2 > 1.5 * t1, $"window [{t1}, {t2}]");
        const double rtol = 1e-12;
        var times = Enumerable.Range(0, 41).Select(k => t1 + (t2 - t1) * k / 40).ToArray();
        var run = new PopulationGradientFlow(rtol, 1e-30).Solve(new PhaseRetrievalProblem(problem.Model, problem.InitialWeights, t2),
            new SimulationOptions { Output = OutputSchedule.At(times) });
        var samples = run.Trajectory.Samples;
        double measured = Math.Log(Math.Abs(samples[^1].U) / Math.Abs(samples[0].U)) / (samples[^1].T - samples[0].T);
        double drift = samples.Max(p =>
        {
            var d = loss.Derivatives(p.S, p.U, sStar);
            return Math.Max(Math.Abs(-2 * d.Ps / theory.Alpha0 - 1), Math.Abs(-d.Pu / (theory.Coupling * p.U) - 1));
        });
        double width = t2 - t1, bound = (2e-5 + 2 * run.Statistics.Steps * rtol) / width / rate.Rate + drift;
        double error = Math.Abs(measured / rate.Rate - 1);
        output.WriteLine($"f = {f}, g = {g}: α_0 = {theory.Alpha0:G6}, c = {theory.Coupling:G6}, s* = {sStar:G6}; ρ = {rate.Rate:G10}, direct {measured:G10}, " +
                         $"relative error {error:E2} (bound {bound:E2}; drift {drift:E1}, {run.Statistics.Steps} steps), window [{t1:G4}, {t2:G4}]");
        Assert.True(bound <= 1e-3, $"bound {bound:E2}");
        Assert.True(error <= bound, $"relative error {error:E2} > bound {bound:E2}");
    }

    /// <summary>Phase retrieval's constants come out of the generic route exactly: α_0 = 4s*, c = 8.</summary>
    [Fact]
    public void PhaseRetrievalConstantsAreExact()
    {
        foreach (double sStar in new[] { 1.0, 0.3, 7.123456789 })
        {
            var a = EscapeTheory.Applicability(new PhaseRetrievalLoss(), sStar);
            Assert.True(a.Applies);
            Assert.Equal(4 * sStar, a.Alpha0);
            Assert.Equal(8, a.Coupling);
            Assert.Equal(0, a.Drive);
            var p3 = PhaseThreeApplicability.Of(new PhaseRetrievalLoss(), sStar);
            Assert.Equal(16 * sStar, p3.RateFactor);
            // The generic formula on the same P (Wick) gives 4·(6s* − 2s*) = 16s* to rounding and the bound's 3 and 5.
            var generic = PhaseThreeApplicability.Of(new PolynomialLoss("z^2", "z^2"), sStar);
            Assert.Equal(16 * sStar, generic.RateFactor, 1e-15 * 16 * sStar);
            Assert.Equal(3, generic.RateDrift, 1e-15);
            Assert.Equal(5, generic.TeacherDrift, 1e-15);
        }
    }

    /// <summary>Each refusal names its reason. He₃ = z³ − 3z: P_u(0, 0, s*) = −2f′(0)E[g′] = 6·E[3z² − 3] = 18(s* − 1),
    /// zero at s* = 1, where f″(0) = 0 makes P_uu vanish too (information exponent 3); at s* = 0.64 the drive is −6.48.
    /// z + z²/2 has f′(0)E[g′] = 1. f = z² + 4 learning z²: α_0 = −12, c·s* = 8s* &lt; 12 for s* = 1. f = z², g = −z²:
    /// c = 2f″(0)E[g″] = −8.</summary>
    [Theory]
    [InlineData("z^3 - 3*z", "z^3 - 3*z", 1.0, EscapeVerdict.NonlinearPhaseOne, "nonlinear Phase I")]
    [InlineData("z^3 - 3*z", "z^3 - 3*z", 0.64, EscapeVerdict.NoEscapePhase, "no escape phase")]
    [InlineData("z + z^2/2", "z + z^2/2", 1.0, EscapeVerdict.NoEscapePhase, "information exponent 1")]
    [InlineData("z^2 + 4", "z^2", 1.0, EscapeVerdict.StableOrigin, "decays on its own")]
    [InlineData("z^2", "-z^2", 1.0, EscapeVerdict.RepulsiveCoupling, "c < 0")]
    [InlineData("relu", "relu", 1.0, EscapeVerdict.NotSmooth, "not finite")]
    public void RefusalsSayWhy(string f, string g, double sStar, EscapeVerdict verdict, string reason)
    {
        var loss = ModelText.Parse(f, g);
        var a = EscapeTheory.Applicability(loss, sStar);
        output.WriteLine($"{f} / {g}, s* = {sStar}: {a.Verdict}: {a.Reason}");
        Assert.Equal(verdict, a.Verdict);
        Assert.Contains(reason, a.Reason);
        // Solve refuses with the same message on nodes whose s* is the given one: an isotropic spectrum with C = s*/λ.
        var nodes = SpectralNodes.FromNodes([0.5], [1e-4], [1e-2], [sStar / 0.5], 1).WithLoss(loss);
        var e = Assert.Throws<EscapeTheoryException>(() => EscapeRate.Solve(nodes));
        Assert.Equal(a.Reason, e.Message);
        Assert.Throws<EscapeTheoryException>(() => PhaseOneSolution.Solve(nodes));
    }

    /// <summary>Phase III for f = g other than phase retrieval, from a start near w* (no escape to wait for): direct GF's
    /// MSE(τ)/MSE(0) against Ŝ_d(τ) = Σ π_i e^{−4P_s(s*,s*,s*)λ_iτ}, within the first-order effect Bδ‖w*‖/‖e‖ + Aδ of the
    /// dropped terms (A, B from P's second derivatives at w*; 3 and 5 for phase retrieval), δ = max |1 − s/s*|, |1 − u/s*|.
    /// The teacher sits on the top eigenvalue and the error on the five others: w*ᵀQe = 0 then holds along the linear flow,
    /// so δ = O(‖e‖²) and the bound is small (a random error would make δ‖w*‖/‖e‖ of order ‖Qw*‖‖w*‖ whatever ‖e‖, and
    /// the bound vacuous). The ratio falls to ~1e-2 over the run, so a wrong rate 4P_s would miss by O(1).
    /// He₃ is odd (the error is against +w*), z² + z⁴/4 even (against the nearer of ±w*, here −w*).</summary>
    [Theory]
    [InlineData("z^3 - 3*z", 1.0)]
    [InlineData("z^2 + z^4/4", -1.0)]
    public void PhaseThreeSurvivalOfAnotherModelFollowsDirectFlow(string link, double sign)
    {
        var loss = ModelText.Parse(link, link);
        var spectrum = Spectrum.FromValues([1, 0.5, 0.3, 0.2, 0.12, 0.08]);
        double[] teacher = [0.9, 0, 0, 0, 0, 0], error = [0, 1e-3, -2e-3, 1.5e-3, 2e-3, -1e-3];
        var model = new PhaseRetrievalModel(spectrum, teacher, loss);
        var w0 = teacher.Select((x, i) => sign * (x + error[i])).ToArray();
        var theory = PhaseThreeApplicability.Of(loss, model.SStar);
        // Long enough for the slowest mode to lose e^{-2}·: its MSE rate is 4P_s·0.08.
        double tauEnd = 2 / (theory.RateFactor * 0.08);
        var c = PhaseThreeComparison.FromState(model, w0, 0, tauEnd, 30);
        var last = c.After.Samples[^1];
        output.WriteLine($"{link}: s* = {model.SStar:G4}, P_s* = {theory.Ps:G6} (rates {theory.RateFactor:G6}λ_i), A = {theory.RateDrift:G4}, B = {theory.TeacherDrift:G4}; " +
                         $"MSE(0) = {c.Prediction.MseAtT2:E2}, δ = {c.Delta:E2}, max deviation {c.MaxDeviation:E2}, bound {c.Bound:E2}; " +
                         $"ratio at τ = {last.T:G4}: {last.Mse / c.Prediction.MseAtT2:E4} vs Ŝ {c.Prediction.Survival(last.T):E4}");
        Assert.Equal(model.Mse(w0), c.Prediction.MseAtT2, 1e-12 * c.Prediction.MseAtT2);
        Assert.True(last.Mse < 0.05 * c.Prediction.MseAtT2, "the run must actually learn for the check to mean something");
        Assert.True(c.Bound < 0.05, $"bound {c.Bound:E2}: too loose to check the rates");
        Assert.True(c.MaxDeviation <= c.Bound, $"deviation {c.MaxDeviation:E2} > bound {c.Bound:E2}");
    }

    /// <summary>Phase III refuses f ≠ g (w* is not the fixed point) and says so.</summary>
    [Fact]
    public void PhaseThreeRefusesDifferentLinks()
    {
        var a = PhaseThreeApplicability.Of(ModelText.Parse("z^2 + 2", "z^2"), 1);
        Assert.False(a.Applies);
        Assert.Contains("f ≠ g", a.Reason);
        var spectrum = Spectrum.PowerLaw(5, 2);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 3), ModelText.Parse("z^2 + 2", "z^2"));
        var e = Assert.Throws<PhaseThreeTheoryException>(() => PhaseThreePrediction.FromState(model, new double[5], 0));
        Assert.Equal(a.Reason, e.Message);
        Assert.True(PhaseThreeApplicability.Of(ModelText.Parse("z^3 - 3*z", "z^3 - 3*z"), 1).Applies);
    }
    /// <summary>PhaseAnalysis with the model's levels (EscapeTheory.MarkerLevels) finds the critical crossing where direct
    /// GF's own marker, located on its dense output where P_s = 0, puts it: within one sample spacing (linear interpolation
    /// between samples). Phase retrieval's fixed s = s*/3 would be elsewhere for f = g = z² + z⁴/4; the transition margin is
    /// bounded by the model's value at w*, P_s(s*,s*,s*)/(3|P_s(0,0,s*)|).</summary>
    [Fact]
    public void MarkerLevelsOfAnotherModelFindTheCrossingOfDirectFlow()
    {
        var loss = ModelText.Parse("z^2 + z^4/4", "z^2 + z^4/4");
        var problem = Problem(loss, [0.5, 0.2, 0.1, 0.05], 0.01, 3);
        double sStar = problem.Model.SStar, dt = 3.0 / 600;
        var run = new PopulationGradientFlow(1e-10, 1e-14).Solve(problem,
            new SimulationOptions { Output = OutputSchedule.At(Enumerable.Range(0, 601).Select(k => k * dt).ToArray()) });
        double direct = run.Markers.CriticalCrossingTime ?? throw new InvalidOperationException("no crossing by t = 3");
        var levels = EscapeTheory.MarkerLevels(loss, sStar);
        var report = PhaseAnalysis.Analyze(run.Trajectory, sStar, new PhaseAnalysisOptions { Levels = levels });
        var phaseRetrieval = PhaseAnalysis.Analyze(run.Trajectory, sStar);
        output.WriteLine($"crossing: direct {direct:G6}, model levels {report.CriticalCrossingTime:G6}, s = s*/3 {phaseRetrieval.CriticalCrossingTime:G6}; " +
                         $"T_1' {report.TransitionEndTime:G6}; largest margin {levels.MaxMargin:G4}");
        Assert.Equal(direct, report.CriticalCrossingTime!.Value, dt);
        Assert.True(Math.Abs(phaseRetrieval.CriticalCrossingTime!.Value - direct) > 2 * dt, "the test must tell the levels apart");
        var p = (Func<double, double, double>)((s, u) => loss.Derivatives(s, u, sStar).Ps);
        Assert.Equal(p(sStar, sStar) / Math.Abs(p(0, 0)) / 3, levels.MaxMargin, 1e-14);
        Assert.Same(PhaseMarkerLevels.PhaseRetrieval, EscapeTheory.MarkerLevels(new PhaseRetrievalLoss(), 1));
        Assert.Throws<InvalidParameterException>(() => PhaseAnalysis.Analyze(run.Trajectory, sStar,
            new PhaseAnalysisOptions { Levels = levels, TransitionMargin = levels.MaxMargin * 1.01 }));
    }
}
