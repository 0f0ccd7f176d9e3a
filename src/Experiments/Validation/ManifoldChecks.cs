using System.Globalization;
using MathNet.Numerics.LinearAlgebra.Double;
using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Manifold;

namespace PhaseFlow.Experiments.Validation;

/// <summary>The manifold reduction against full-matrix runs and against PhaseFlow.Core, and the spec's derived facts,
/// measured. Tolerances are rounding bounds (the full and reduced maps agree to a few ε per step), Monte-Carlo standard
/// errors, or the precision the spec states.</summary>
internal static class ManifoldChecks
{
    private static string F(double x) => x.ToString("G3", CultureInfo.InvariantCulture);

    private static ManifoldOptions EveryStep(long steps) =>
        new() { Output = OutputSchedule.At(Enumerable.Range(0, (int)steps + 1).Select(k => (double)k).ToArray()) };

    /// <summary>Largest |x_full − x_reduced| / max|x| and largest distance from 𝓜(Q_0) over the first <paramref name="upTo"/> steps.</summary>
    private static (double Deviation, double Distance) Compare(ManifoldResult full, ManifoldResult reduced, long upTo)
    {
        double deviation = 0, distance = 0;
        for (int k = 0; k <= upTo; k++)
        {
            var f = full.Trajectory.Samples[k];
            var r = reduced.Trajectory.Samples[k];
            double scale = r.Coordinates.Max(Math.Abs);
            for (int i = 0; i < r.Coordinates.Count; i++) deviation = Math.Max(deviation, Math.Abs(f.Coordinates[i] - r.Coordinates[i]) / scale);
            distance = Math.Max(distance, f.Distance);
        }
        return (deviation, distance);
    }

    private static (ManifoldModel Model, FullMatrixModel Full, DenseMatrix Q0) Setup(bool full)
    {
        var model = (SpikedManifold.FromKappa(10, full ? 24 : 10) with { LossScale = 0.25 }).ToModel();
        int d = (int)model.Dimension;
        return (model, FullMatrixModel.FromManifold(model), (DenseMatrix)RandomMatrices.Orthogonal(d, d + 3, 17));
    }

    public static ValidationResult GradientDescentStepForStep(bool full)
    {
        var (model, fullModel, q0) = Setup(full);
        const long steps = 200;
        const double eta = 0.05;
        var x0 = model.Uniform(1e-3);
        var reduced = ReducedDynamics.Solve(new ManifoldProblem(model, x0, ManifoldMethod.GradientDescent, steps, eta), EveryStep(steps));
        var run = FullMatrixDynamics.Solve(new FullMatrixProblem(fullModel, fullModel.Frame!.Embed(x0, q0), ManifoldMethod.GradientDescent, steps, eta),
            new FullMatrixOptions { Frame = q0, Recording = EveryStep(steps) });
        var (deviation, distance) = Compare(run, reduced, steps);
        return new ValidationResult("manifold: full-matrix GD from ε Q_0 vs the reduced map, step for step", Math.Max(deviation, distance), 1e-12,
            $"κ = 10, c_L = 1/4, d = {model.Dimension}, m = {q0.ColumnCount}, η̃ = 0.05, {steps} steps through the spike's rise (max b/a {F(run.Extremes.MaxSpikeRatio)}); " +
            $"max relative deviation {deviation:E2}, max distance from 𝓜(Q_0) {distance:E2}");
    }

    public static ValidationResult SpectralDescentStepForStep(bool full)
    {
        var (model, fullModel, q0) = Setup(full);
        const double eta = 5e-3;
        var x0 = model.Uniform(1e-3);
        var reduced = ReducedDynamics.Solve(new ManifoldProblem(model, x0, ManifoldMethod.SpectralGradientDescent, 300, eta), EveryStep(300));
        long upTo = reduced.Stages.FirstSwitch[0]?.Step ?? 300;
        var run = FullMatrixDynamics.Solve(new FullMatrixProblem(fullModel, fullModel.Frame!.Embed(x0, q0), ManifoldMethod.SpectralGradientDescent, upTo, eta),
            new FullMatrixOptions { Frame = q0, Recording = EveryStep(upTo) });
        var (deviation, distance) = Compare(run, reduced, upTo);
        return new ValidationResult("manifold: full-matrix SpecGD (SVD polar) from ε Q_0 vs the reduced map, step for step", Math.Max(deviation, distance), 1e-12,
            $"κ = 10, d = {model.Dimension}, m = {q0.ColumnCount}, η = {eta}, {upTo} steps: Stage I, spike and bulk sliding, up to the signal's first switch " +
            $"(spike switched at step {reduced.Stages.SpikeSaturation?.Step}); max relative deviation {deviation:E2}, max distance {distance:E2}");
    }

    /// <summary>m = 1, α = c_L = 1: the loss and gradient of PhaseFlow.Core's phase retrieval; relative to the size of the
    /// terms (3(s + s*)² and its gradient), 64·ε·d.</summary>
    public static ValidationResult OneColumnIsCorePhaseRetrieval(bool full)
    {
        int d = full ? 400 : 50;
        var spectrum = Spectrum.PowerLaw(d, 1.5);
        var core = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 5));
        var model = new FullMatrixModel(Covariance.Diagonal(spectrum.Eigenvalues), core.Teacher);
        double worst = 0;
        for (int seed = 0; seed < 10; seed++)
        {
            var w = Initialization.Sphere(d, 100 + seed, 0.3 + 0.2 * seed);
            var st = core.Statistics(w);
            var wm = DenseMatrix.OfColumnMajor(d, 1, w);
            double scale = 3 * Math.Pow(st.S + core.SStar, 2);
            worst = Math.Max(worst, Math.Abs(model.Loss(wm) - core.Loss(w)) / scale);
            var g = new double[d];
            core.Gradient(w, g);
            var gm = model.Gradient(wm);
            double gScale = 12 * (st.S + core.SStar) * Math.Sqrt(spectrum.Max * (st.S + core.SStar));
            for (int i = 0; i < d; i++) worst = Math.Max(worst, Math.Abs(gm[i, 0] - g[i]) / gScale);
        }
        return new ValidationResult("manifold: m = 1, α = c_L = 1 full-matrix loss and gradient vs PhaseFlow.Core", worst, 64 * 2.220446049250313e-16 * d,
            $"power law a = 1.5, d = {d}, 10 students of radius 0.3…2.1; relative to the size of the terms; tolerance 64·ε·d");
    }

    /// <summary>The mean of 16 independent n-sample gradients against ∇L, within 5 of its standard errors.</summary>
    public static ValidationResult FiniteSampleGradient(bool full)
    {
        int n = full ? 20_000 : 4000;
        var model = FullMatrixModel.FromManifold(SpikedManifold.FromKappa(4, 6).ToModel());
        var w = RandomMatrices.Gaussian(6, 8, 11, 0.3);
        var exact = model.Gradient(w);
        const int batches = 16;
        var grads = Enumerable.Range(0, batches).Select(b => model.SampleGradient(w, n, 31 + b)).ToArray();
        var mean = grads.Aggregate((a, b) => a + b) / batches;
        double se = Math.Sqrt(grads.Sum(g => Math.Pow((g - mean).FrobeniusNorm(), 2)) / (batches - 1) / batches);
        return new ValidationResult("manifold: finite-sample gradient vs population gradient (Monte Carlo)", (mean - exact).FrobeniusNorm(), 5 * se,
            $"spiked κ = 4, d = 6, m = 8, 16 batches of n = {n} samples; Frobenius error of the mean; tolerance 5 standard errors (‖∇L‖ = {F(exact.FrobeniusNorm())})");
    }

    /// <summary>SpecGF reaches the solution in finite time ≈ √(ρ/α), the same for every κ.</summary>
    public static ValidationResult SpectralFlowFiniteTime(bool full)
    {
        long d = full ? 1_000_000_000 : 1_000_000;
        double rho = 2, alpha = 0.5, root = Math.Sqrt(rho / alpha), eps = (full ? 1e-6 : 1e-4) * root; // (d − 2)ε² ≤ 1 % of ρ/α
        var times = new[] { 1.0, 10, 100 }.Select(kappa =>
        {
            var model = (SpikedManifold.FromKappa(kappa, d) with { Rho = rho, Alpha = alpha }).ToModel();
            var run = ReducedDynamics.Solve(new ManifoldProblem(model, model.Uniform(eps), ManifoldMethod.SpectralGradientFlow, 2 * root));
            return run.Stages.Equilibrium?.Time ?? double.NaN;
        }).ToArray();
        double worst = times.Max(t => Math.Abs(t / root - 1));
        return new ValidationResult("manifold: SpecGF (exact Filippov) reaches the solution at t* ≈ √(ρ/α) for every κ", worst, 2e-3,
            $"ρ = 2, α = 1/2, d = {d}, κ = 1, 10, 100, ε = {eps / root:G1}√(ρ/α); t*/√(ρ/α) = {string.Join(", ", times.Select(t => (t / root).ToString("F9", CultureInfo.InvariantCulture)))}; " +
            "|t*/√(ρ/α) − 1| (1.117 at d = 3, → 1 − ε as d → ∞)");
    }

    /// <summary>GD's bulk decays like t^{−1/2} in Stage II: fitted exponent within 0.05.</summary>
    public static ValidationResult GradientDescentBulkExponent(bool full)
    {
        long d = full ? 10_000 : 1000;
        var parameters = SpikedManifold.FromKappa(1, d);
        var model = parameters.ToModel();
        const double eta = 0.02;
        double k2 = parameters.StageTwoBulkConstant;
        var probe = ReducedDynamics.Solve(new ManifoldProblem(model, model.Uniform(1e-3), ManifoldMethod.GradientDescent, 1000, eta),
            new ManifoldOptions { Output = OutputSchedule.At(1000) });
        var t1 = probe.Stages.TimeToLoss(1e-3)!;
        var atT1 = ReducedDynamics.Solve(new ManifoldProblem(model, model.Uniform(1e-3), ManifoldMethod.GradientDescent, t1.Step!.Value, eta),
            new ManifoldOptions { Output = OutputSchedule.At(t1.Step!.Value) }).FinalCoordinates[2];
        double ts = Math.Max(t1.Time, 20 / (atT1 * atT1 * k2));
        var run = ReducedDynamics.Solve(new ManifoldProblem(model, model.Uniform(1e-3), ManifoldMethod.GradientDescent, Math.Ceiling(100 * ts / eta), eta),
            new ManifoldOptions { Output = OutputSchedule.LogSpaced(80, Math.Ceiling(ts / eta)) });
        var window = run.Trajectory.Samples.Where(s => s.Time >= ts).ToArray();
        var fit = PhaseAnalysis.Fit(window.Select(s => Math.Log(s.Time)).ToArray(), window.Select(s => Math.Log(s.Coordinates[2])).ToArray(), ts, window[^1].Time);
        double prefactor = window[^1].Coordinates[2] * Math.Sqrt(k2 * window[^1].Time);
        return new ValidationResult("manifold: GD's bulk decays like t^(−1/2) in Stage II (fitted exponent)", Math.Abs(fit.Slope + 0.5), 0.05,
            $"κ = 1, d = {d}, η̃ = {eta}, fit of log c on log t over [{F(ts)}, {F(window[^1].Time)}]: exponent {fit.Slope:F4} ± {fit.StandardError:E1}; " +
            $"c·√((8/3)(2d + 2)t) = {prefactor:F4} at the end");
    }

    /// <summary>The spec's reference value: GD, d = 100, c_L = 1/4, κ = 10, η̃ = 0.05: max b/a ≈ 28.2 at step 13.</summary>
    public static ValidationResult ReferenceSpikeRatio(bool full)
    {
        var model = (SpikedManifold.FromKappa(10, 100) with { LossScale = 0.25 }).ToModel();
        var run = ReducedDynamics.Solve(new ManifoldProblem(model, model.Uniform(1e-3), ManifoldMethod.GradientDescent, 200, 0.05));
        double error = Math.Abs(run.Extremes.MaxSpikeRatio - 28.2) + (run.Extremes.MaxSpikeRatioAt.Step == 13 ? 0 : 1);
        return new ValidationResult("manifold: spec reference, GD κ = 10 reaches max b/a ≈ 28.2 at step 13", error, 0.05,
            $"d = 100, c_L = 1/4, η̃ = 0.05, a_0 = b_0 = c_0 = 1e-3: max b/a = {run.Extremes.MaxSpikeRatio:F4} at step {run.Extremes.MaxSpikeRatioAt.Step} " +
            "(error counts 1 if the step differs)");
    }
}
