using System.Globalization;
using PhaseFlow.Core;
using PhaseFlow.Duhamel;
using PhaseFlow.Foundation;

namespace PhaseFlow.Experiments.Validation;

/// <summary>The escape-rate theory of any model against direct gradient flow, or its refusal with the reason.</summary>
internal static class EscapeChecks
{
    /// <summary>ρ of the dispersion relation 1 = c Σ λ_j²C_j/(ρ − α_0λ_j) against the growth rate of direct GF's u on four
    /// eigenvalues (0.5, 0.2, 0.1, 0.05), from |w(0)| = 1e-14: the slope of log|u| between t_1, where the other exponentials
    /// of the linear Phase I solution weigh ≤ 1e-5 of the growing one, and t_2, where |u| = 1e-3·s*. The slope differs from ρ
    /// by the transient (≤ 2·1e-5/(t_2 − t_1)), the solver ((accepted steps)·rtol on each log|u|) and the frozen-coefficient
    /// drift (ρ is increasing and homogeneous of degree 1 in (α_0, c), so while α = −2P_s and β/u = −P_u/u stay within a
    /// fraction r of α_0 and c, the rate stays within r of ρ; r measured along the run): the tolerance is that sum, itself
    /// required ≤ 1e-3 so that the row cannot pass vacuously.</summary>
    public static ValidationResult GrowthRate(string check, SingleIndexLoss loss, double sStarScale, int seed, string setting)
    {
        double[] eigenvalues = [0.5, 0.2, 0.1, 0.05];
        var spectrum = Spectrum.FromValues(eigenvalues);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, seed).Select(x => Math.Sqrt(sStarScale) * x).ToArray(), loss);
        double sStar = model.SStar;
        var theory = EscapeTheory.Applicability(loss, sStar);
        if (!theory.Applies) return ValidationResult.Refused(check, theory.Reason!);
        var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(eigenvalues.Length, seed + 1, 1e-14), 1);
        var nodes = SpectralNodes.Exact(problem);
        var rate = EscapeRate.Solve(nodes);
        var linear = PhaseOneSolution.Solve(nodes);
        double t1 = Enumerable.Range(1, 100_000).Select(k => k * 0.01 / rate.Rate).First(t => linear.RelativeTransient(t) <= 1e-5);
        double t2 = linear.TimeToReach(1e-3);
        if (!(t2 > 1.5 * t1))
            return new ValidationResult(check, double.PositiveInfinity, 1e-3, string.Create(CultureInfo.InvariantCulture,
                $"{setting}: no window where the growing mode dominates before |u| = 1e-3 s* (t_1 = {t1:G4}, t_2 = {t2:G4})"));
        const double rtol = 1e-12;
        var times = Enumerable.Range(0, 41).Select(k => t1 + (t2 - t1) * k / 40).ToArray();
        var run = new PopulationGradientFlow(rtol, 1e-30).Solve(new PhaseRetrievalProblem(model, problem.InitialWeights, t2),
            new SimulationOptions { Output = OutputSchedule.At(times) });
        var samples = run.Trajectory.Samples;
        double measured = Math.Log(Math.Abs(samples[^1].U) / Math.Abs(samples[0].U)) / (samples[^1].T - samples[0].T);
        double drift = samples.Max(p =>
        {
            var d = loss.Derivatives(p.S, p.U, sStar);
            return Math.Max(Math.Abs(-2 * d.Ps / theory.Alpha0 - 1), Math.Abs(-d.Pu / (theory.Coupling * p.U) - 1));
        });
        double bound = (2e-5 + 2 * run.Statistics.Steps * rtol) / (t2 - t1) / rate.Rate + drift;
        return new ValidationResult(check, Math.Abs(measured / rate.Rate - 1), Math.Min(bound, 1e-3), string.Create(CultureInfo.InvariantCulture,
            $"{setting}, eigenvalues 0.5, 0.2, 0.1, 0.05, |w(0)| = 1e-14: α_0 = {theory.Alpha0:G6}, c = {theory.Coupling:G6}, s* = {sStar:G4}; " +
            $"ρ = {rate.Rate:G10}, direct slope of log|u| {measured:G10} over t ∈ [{t1:G4}, {t2:G4}] ({run.Statistics.Steps} steps, rtol 1e-12); " +
            $"relative error; tolerance transient + solver + coefficient drift ({drift:E1}), at most 1e-3"));
    }
}
