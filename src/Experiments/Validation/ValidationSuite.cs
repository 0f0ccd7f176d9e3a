using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Ode;

namespace PhaseFlow.Experiments.Validation;

/// <summary>One row of the validation table.</summary>
/// <param name="Check">What was compared with what.</param>
/// <param name="Error">Measured error (its meaning is in <paramref name="Check"/>).</param>
/// <param name="Tolerance">Largest error accepted.</param>
/// <param name="Detail">Sizes and parameters of the check.</param>
public sealed record ValidationResult(string Check, double Error, double Tolerance, string Detail)
{
    /// <summary>Error within tolerance (NaN fails); a refused check passes (it was not run, for its stated reason).</summary>
    public bool Pass => Refusal is not null || Error <= Tolerance;

    /// <summary>Why the check does not apply to the model (the table shows "n/a" and this); null when it ran.</summary>
    public string? Refusal { get; init; }

    /// <summary>A check that does not apply, with the reason.</summary>
    public static ValidationResult Refused(string check, string reason) => new(check, double.NaN, double.NaN, reason) { Refusal = reason };
}

/// <summary>A named consistency check producing one or more table rows; <c>full</c> asks for the larger sizes of
/// <c>validate --full</c>.</summary>
/// <param name="Name">Name of the check (of its first row).</param>
/// <param name="Run">Runs the check.</param>
public sealed record ValidationCheck(string Name, Func<bool, IReadOnlyList<ValidationResult>> Run)
{
    /// <summary>A check with a single row.</summary>
    public static ValidationCheck One(string name, Func<bool, ValidationResult> run) => new(name, full => [run(full)]);
}

/// <summary>Every consistency check of the project, as run by <c>phaseflow validate</c>. Tolerances come from the
/// method (its order, its tolerance, or the standard error of a Monte-Carlo estimate), not from tuning.</summary>
public static class ValidationSuite
{
    /// <summary>All checks, in table order.</summary>
    public static IReadOnlyList<ValidationCheck> Checks { get; } =
    [
        ValidationCheck.One("loss vs Monte Carlo", LossMonteCarlo),
        ValidationCheck.One("SGD sample gradient vs population gradient (Monte Carlo)", GradientMonteCarlo),
        ValidationCheck.One("online SGD (mean over seeds) vs population GD", SgdVsPopulation),
        new("normal generator (xoshiro256** + ziggurat): moments vs N(0, 1)", GeneratorChecks.Rows),
        ValidationCheck.One("gradient vs finite differences of the loss", GradientFiniteDifference),
        ValidationCheck.One("Hessian-vector product vs finite differences", HessianFiniteDifference),
        ValidationCheck.One("critical points 0, ±w*, saddle u = 0, s = s*/3", CriticalPoints),
        ValidationCheck.One("isotropic GF vs 2-D (u, s) system", IsotropicReduction),
        ValidationCheck.One("GF: Rodas4 + Woodbury vs Dormand–Prince 5(4)", RosenbrockVsExplicit),
        ValidationCheck.One("GD → GF as η → 0: measured order", GdOrder),
        ValidationCheck.One("Dormand–Prince 5(4): measured order", DormandPrinceOrder),
        .. ModelChecks.Checks,
        ValidationCheck.One("hierarchy (exact closure, K = 3) vs direct GF: spiked", HierarchyChecks.SpikedExact),
        ValidationCheck.One("hierarchy (exact closure, K = 1) vs direct GF: isotropic", HierarchyChecks.IsotropicExact),
        ValidationCheck.One("hierarchy (exact closure, K = r) vs direct GF: r = 5 distinct eigenvalues", HierarchyChecks.FewNodesExact),
        new("hierarchy vs direct GF on the escape phase: power law, error by K and closure", HierarchyChecks.PowerLawTable),
        ValidationCheck.One("spectral-node reduction (exact nodes) vs direct GF: spiked, all phases", VolterraChecks.SpikedExact),
        ValidationCheck.One("spectral-node reduction (exact nodes) vs direct GF: power law into the tail", VolterraChecks.PowerLawExact),
        new("spectral-node reduction: compression to 64 nodes and its error estimate", VolterraChecks.Compression),
        ValidationCheck.One("spectral-node reduction: a = 2, d = 10^9 and d = ∞ to t = 1e15", VolterraChecks.Billion),
        ValidationCheck.One("Duhamel reduction, verification mode: two-time kernel with Θ from direct GF reproduces u(t)", VolterraChecks.TwoTimeKernel),
        ValidationCheck.One("escape rate: isotropic ρ = 12λs*", VolterraChecks.IsotropicRate),
        ValidationCheck.One("linear Phase I vs direct GF: time to |u| = 0.02 s*", VolterraChecks.PhaseOne),
        new("Phase IIb exponent at d = ∞", VolterraChecks.PhaseTwoExponent),
        ValidationCheck.One("Phase III: S_d regimes (dimension-free)", VolterraChecks.TailRegimes),
        ValidationCheck.One("Phase III: MSE(T_2 + τ)/MSE(T_2) of direct GF vs Ŝ_d(τ)", VolterraChecks.PhaseThreeDirect),
        new("every reduction of other single-index models vs direct GF: derived hierarchy and exact nodes", AnyModelChecks.ExactReductions),
        ValidationCheck.One("escape rate (dispersion relation) vs direct GF growth of u: f = g = z² + z⁴/4", AnyModelChecks.EvenModelEscapeRate),
        ValidationCheck.One("He₃, s* = 1: escape theory refuses; hierarchy and nodes still follow direct GF", AnyModelChecks.He3AtUnitSStar),
        ValidationCheck.One("hierarchy MSE from error moments vs direct GF down to 1e-20", AnyModelChecks.HierarchyMse),
        ValidationCheck.One("spectral-node MSE from error amplitudes vs direct GF down to 1e-20", AnyModelChecks.NodeMse),
        ValidationCheck.One("manifold: full-matrix GD vs reduced map", ManifoldChecks.GradientDescentStepForStep),
        ValidationCheck.One("manifold: full-matrix SpecGD vs reduced map", ManifoldChecks.SpectralDescentStepForStep),
        ValidationCheck.One("manifold: m = 1 vs Core", ManifoldChecks.OneColumnIsCorePhaseRetrieval),
        ValidationCheck.One("manifold: finite-sample vs population gradient", ManifoldChecks.FiniteSampleGradient),
        ValidationCheck.One("manifold: SpecGF finite time", ManifoldChecks.SpectralFlowFiniteTime),
        ValidationCheck.One("manifold: GD bulk exponent", ManifoldChecks.GradientDescentBulkExponent),
        ValidationCheck.One("manifold: spec reference max b/a", ManifoldChecks.ReferenceSpikeRatio),
    ];

    /// <summary>Runs every check; <paramref name="onDone"/> is told after each result, <paramref name="progress"/> the fraction
    /// of checks done.</summary>
    public static IReadOnlyList<ValidationResult> RunAll(bool full, Action<ValidationResult>? onDone = null, CancellationToken cancellationToken = default,
        Action<double>? progress = null) => Run(Checks, full, onDone, cancellationToken, progress);

    /// <summary>Runs <paramref name="checks"/> in order (see <see cref="RunAll"/>).</summary>
    public static IReadOnlyList<ValidationResult> Run(IReadOnlyList<ValidationCheck> checks, bool full, Action<ValidationResult>? onDone = null,
        CancellationToken cancellationToken = default, Action<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var results = new List<ValidationResult>();
        for (int i = 0; i < checks.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var r in checks[i].Run(full))
            {
                results.Add(r);
                onDone?.Invoke(r);
            }
            progress?.Invoke((i + 1.0) / checks.Count);
        }
        return results;
    }

    /// <summary>The results as a Markdown table.</summary>
    public static string ToMarkdown(IReadOnlyList<ValidationResult> results)
    {
        var sb = new StringBuilder();
        sb.Append("| check | measured error | tolerance | pass | detail |\n|---|---|---|---|---|\n");
        foreach (var r in results)
            {
            if (r.Refusal is null)
                sb.Append(CultureInfo.InvariantCulture,
                    $"| {MarkdownTable.Cell(r.Check)} | {r.Error:E2} | {r.Tolerance:E2} | {(r.Pass ? "yes" : "**NO**")} | {MarkdownTable.Cell(r.Detail)} |\n");
            else sb.Append(CultureInfo.InvariantCulture, $"| {MarkdownTable.Cell(r.Check)} | — | — | n/a | does not apply: {MarkdownTable.Cell(r.Refusal)} |\n");
        }
        int failed = results.Count(r => !r.Pass), refused = results.Count(r => r.Refusal is not null);
        sb.Append(CultureInfo.InvariantCulture, $"\n{results.Count - failed - refused} passed, {failed} failed");
        sb.Append(refused > 0 ? string.Create(CultureInfo.InvariantCulture, $", {refused} not applicable\n") : "\n");
        return sb.ToString();
    }


    /// <summary>The results as JSON.</summary>
    public static string ToJson(IReadOnlyList<ValidationResult> results)
    {
        var array = new JsonArray();
        foreach (var r in results)
            array.Add(new JsonObject
            {
                ["check"] = r.Check,
                ["error"] = double.IsFinite(r.Error) ? r.Error : null,
                ["tolerance"] = double.IsFinite(r.Tolerance) ? r.Tolerance : null,
                ["pass"] = r.Pass,
                ["detail"] = r.Detail,
                ["applies"] = r.Refusal is null,
            });
        return new JsonObject { ["checks"] = array, ["passed"] = results.All(r => r.Pass) }
            .ToJsonString(JsonFiles.Options) + "\n";
    }

    private static PhaseRetrievalModel PowerLawModel(int d, double a, int seed) =>
        new(Spectrum.PowerLaw(d, a), Teacher.Gaussian(Spectrum.PowerLaw(d, a), seed));

    /// <summary>Mean of ((xᵀw)² − (xᵀw*)²)² over N samples against 3s² + 3s*² − 4u² − 2s*s; tolerance 4 standard errors.</summary>
    private static ValidationResult LossMonteCarlo(bool full)
    {
        int d = 20, n = full ? 4_000_000 : 400_000;
        var model = PowerLawModel(d, 1.5, 11);
        var w = Initialization.Sphere(d, 12);
        var (mean, se) = MonteCarloLoss(model, w, x => x * x, x => x * x, null, 13, n);
        return new ValidationResult("loss vs Monte Carlo", Math.Abs(mean - model.Loss(w)), 4 * se,
            $"power law a = 1.5, d = {d}, N = {n}; tolerance 4 standard errors");
    }

    /// <summary>Mean of (f(xᵀw) − g(xᵀw*) − σξ)² over <paramref name="n"/> samples x ~ N(0, Q) from
    /// <paramref name="seed"/>, and its standard error. With <paramref name="noise"/> null no ξ is drawn (d normals a sample
    /// instead of d + 1).</summary>
    internal static (double Mean, double StandardError) MonteCarloLoss(PhaseRetrievalModel model, double[] w, Func<double, double> f,
        Func<double, double> g, double? noise, int seed, int n)
    {
        int d = model.Dimension;
        var sqrtLambda = model.Lambda.ToArray().Select(Math.Sqrt).ToArray();
        var random = SeededRandom.Create(seed);
        var z = new double[noise is null ? d : d + 1];
        double mean = 0, m2 = 0;
        for (int k = 1; k <= n; k++)
        {
            SeededRandom.FillStandardNormal(random, z);
            double xw = 0, xt = 0;
            for (int i = 0; i < d; i++)
            {
                double x = sqrtLambda[i] * z[i];
                xw += x * w[i];
                xt += x * model.Teacher[i];
            }
            double r = noise is { } sigma ? f(xw) - g(xt) - sigma * z[d] : f(xw) - g(xt), v = r * r;
            double delta = v - mean;
            mean += delta / k;
            m2 += delta * (v - mean);
        }
        return (mean, Math.Sqrt(m2 / (n - 1) / n));
    }

    /// <summary>Average of SGD's own single-sample gradients against ∇L; tolerance 4·√(Σ SE_i²) on the Euclidean error.</summary>
    private static ValidationResult GradientMonteCarlo(bool full) =>
        GradientMonteCarlo(PowerLawModel(10, 2, 21), Initialization.Sphere(10, 22), 0.05, 23, full);

    /// <summary><see cref="GradientMonteCarlo(bool)"/> on any model (label noise σ = <paramref name="noise"/>).</summary>
    internal static ValidationResult GradientMonteCarlo(PhaseRetrievalModel model, double[] w, double noise, int seed, bool full)
    {
        int d = model.Dimension, n = full ? 2_000_000 : 200_000;
        var sampler = new OnlineSgd.GradientSampler(model, noise, seed);
        var single = new double[d];
        var mean = new double[d];
        var m2 = new double[d];
        for (int k = 1; k <= n; k++)
        {
            Array.Clear(single);
            sampler.AddGradient(w, single, 1);
            for (int i = 0; i < d; i++)
            {
                double delta = single[i] - mean[i];
                mean[i] += delta / k;
                m2[i] += delta * (single[i] - mean[i]);
            }
        }
        var exact = new double[d];
        model.Gradient(w, exact);
        double err2 = 0, var = 0;
        for (int i = 0; i < d; i++)
        {
            err2 += (mean[i] - exact[i]) * (mean[i] - exact[i]);
            var += m2[i] / (n - 1) / n;
        }
        return new ValidationResult("SGD sample gradient vs population gradient (Monte Carlo)", Math.Sqrt(err2), 4 * Math.Sqrt(var),
            string.Create(CultureInfo.InvariantCulture, $"power law a = 2, d = {d}, noise {noise}, N = {n}; tolerance 4 standard errors of the norm"));
    }

    /// <summary>Central differences have error O(h²)·L''' + O(ε/h); h = 1e-5 gives ~1e-9 relative.</summary>
    private static ValidationResult GradientFiniteDifference(bool full) =>
        GradientFiniteDifference(d => (PowerLawModel(d, 1.5, 31), Initialization.Sphere(d, 32)), full);

    /// <summary><see cref="GradientFiniteDifference(bool)"/> on the model and point <paramref name="make"/> gives for a d.</summary>
    internal static ValidationResult GradientFiniteDifference(Func<int, (PhaseRetrievalModel Model, double[] W)> make, bool full)
    {
        int d = full ? 200 : 50;
        var (model, w) = make(d);
        var g = new double[d];
        model.Gradient(w, g);
        double h = 1e-5, maxErr = 0, scale = g.Max(Math.Abs);
        var wp = w.ToArray();
        for (int i = 0; i < d; i++)
        {
            wp[i] = w[i] + h;
            double lp = model.Loss(wp);
            wp[i] = w[i] - h;
            double lm = model.Loss(wp);
            wp[i] = w[i];
            maxErr = Math.Max(maxErr, Math.Abs((lp - lm) / (2 * h) - g[i]));
        }
        return new ValidationResult("gradient vs finite differences of the loss", maxErr / scale, 1e-7,
            $"power law a = 1.5, d = {d}, central differences h = 1e-5; relative max error");
    }

    private static ValidationResult HessianFiniteDifference(bool full) =>
        HessianFiniteDifference(d => (PowerLawModel(d, 2, 41), Initialization.Sphere(d, 42), Initialization.Sphere(d, 43)), full);

    /// <summary>∇²L·v against central differences of ∇L along v, on the model, point and direction <paramref name="make"/>
    /// gives for a d.</summary>
    internal static ValidationResult HessianFiniteDifference(Func<int, (PhaseRetrievalModel Model, double[] W, double[] V)> make, bool full)
    {
        int d = full ? 200 : 50;
        var (model, w, v) = make(d);
        var hv = new double[d];
        model.HessianVectorProduct(w, v, hv);
        double h = 1e-5;
        var gp = new double[d];
        var gm = new double[d];
        model.Gradient(w.Zip(v, (a, b) => a + h * b).ToArray(), gp);
        model.Gradient(w.Zip(v, (a, b) => a - h * b).ToArray(), gm);
        double maxErr = 0, scale = hv.Max(Math.Abs);
        for (int i = 0; i < d; i++) maxErr = Math.Max(maxErr, Math.Abs((gp[i] - gm[i]) / (2 * h) - hv[i]));
        return new ValidationResult("Hessian-vector product vs finite differences", maxErr / scale, 1e-7,
            $"power law a = 2, d = {d}, central differences of ∇L, h = 1e-5; relative max error");
    }

    /// <summary>∇L vanishes at 0, ±w* and on the saddle set; loss is 0 at ±w*.</summary>
    private static ValidationResult CriticalPoints(bool full)
    {
        int d = 30;
        var spectrum = Spectrum.PowerLaw(d, 1.5);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 51));
        var saddle = Saddle(model, Initialization.Sphere(d, 52));
        var points = new[] { new double[d], model.Teacher.ToArray(), model.Teacher.ToArray().Select(x => -x).ToArray(), saddle };
        var g = new double[d];
        double worst = 0;
        foreach (var p in points)
        {
            model.Gradient(p, g);
            worst = Math.Max(worst, g.Max(Math.Abs));
        }
        worst = Math.Max(worst, Math.Abs(model.Loss(model.Teacher)));
        return new ValidationResult("critical points 0, ±w*, saddle u = 0, s = s*/3", worst, 1e-13,
            $"power law a = 1.5, d = {d}; max |∇L| and |L(w*)|");
    }

    /// <summary>A point with u = 0 and s = s*/3: project a vector orthogonally to Qw* and rescale.</summary>
    internal static double[] Saddle(PhaseRetrievalModel model, double[] v)
    {
        var qt = model.QTeacher.ToArray();
        double vq = 0, qq = 0;
        for (int i = 0; i < v.Length; i++) { vq += v[i] * qt[i]; qq += qt[i] * qt[i]; }
        var w = v.Select((x, i) => x - vq / qq * qt[i]).ToArray();
        double s = model.Statistics(w).S;
        double scale = Math.Sqrt(model.SStar / 3 / s);
        return w.Select(x => x * scale).ToArray();
    }

    /// <summary>Isotropic Q = λI closes at order one: u̇ = 12λu(s* − s), ṡ = 8λ(s* − 3s)s + 16λu². Both integrated to rtol 1e-10,
    /// so agreement to ~1e-8 is expected; the tolerance allows 100× that.</summary>
    private static ValidationResult IsotropicReduction(bool full)
    {
        int d = full ? 2000 : 200;
        double lambda = 1.0 / d, horizon = 40.0 * d;
        var spectrum = Spectrum.Isotropic(d, lambda);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 61));
        var w0 = Initialization.Sphere(d, 62);
        var times = Enumerable.Range(0, 41).Select(i => horizon * i / 40).ToArray();
        var direct = new PopulationGradientFlow(1e-10, 1e-14).Solve(new PhaseRetrievalProblem(model, w0, horizon),
            new SimulationOptions { Output = OutputSchedule.At(times) });
        var st0 = model.Statistics(w0);
        double sStar = model.SStar;
        var reduced = ExplicitRungeKutta.DormandPrince54().Solve(
            new OdeProblem((_, y, dy) =>
            {
                dy[0] = 12 * lambda * y[0] * (sStar - y[1]);
                dy[1] = 8 * lambda * (sStar - 3 * y[1]) * y[1] + 16 * lambda * y[0] * y[0];
            }, 0, [st0.U, st0.S], horizon),
            new OdeOptions { RelativeTolerance = 1e-10, AbsoluteTolerance = 1e-14, OutputTimes = times });
        double worst = 0;
        for (int i = 0; i < times.Length; i++)
        {
            var p = direct.Trajectory.Samples[i];
            worst = Math.Max(worst, Math.Max(Math.Abs(p.U - reduced.OutputStates[i][0]), Math.Abs(p.S - reduced.OutputStates[i][1])));
        }
        return new ValidationResult("isotropic GF vs 2-D (u, s) system", worst, 1e-6,
            $"d = {d}, λ = 1/d, t ∈ [0, {horizon:G3}] through escape and convergence; max |Δu|, |Δs|, both at rtol 1e-10");
    }

    /// <summary>Two independent integrators of the same flow at rtol 1e-9 (global errors ~1e-8): agreement to 1e-6.</summary>
    private static ValidationResult RosenbrockVsExplicit(bool full)
    {
        int d = full ? 2000 : 200;
        double horizon = 200;
        var model = PowerLawModel(d, 2, 81);
        return SimulatorChecks.RosenbrockVsExplicit("GF: Rodas4 + Woodbury vs Dormand–Prince 5(4)",
            new PhaseRetrievalProblem(model, Initialization.Sphere(d, 82), horizon), $"power law a = 2, d = {d}, t ∈ [0, {horizon}] through escape");
    }

    /// <summary>Online SGD against population GD. Measured with 400 seeds for this case: max gap/η = 12.3, 9.8, 10.4 at
    /// η = 4e-3, 2e-3, 1e-3, largest at the escape (SGD escapes a little earlier). Tolerance: 4 standard errors of the
    /// mean + 15η.</summary>
    private static ValidationResult SgdVsPopulation(bool full)
    {
        int d = 40, seeds = full ? 800 : 200;
        double eta = 1e-3, horizon = 6;
        var model = PowerLawModel(d, 2, 91);
        var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(d, 92), (long)(horizon / eta));
        return SimulatorChecks.SgdVsPopulation("online SGD (mean over seeds) vs population GD", problem, eta, seeds, 15,
            $"power law a = 2, d = {d}", $"t ≤ {horizon} (escape and transition)", "first-order bias, measured ≈ 10η");
    }

    /// <summary>GD → GF at order 1 (<see cref="SimulatorChecks.GdOrder"/>).</summary>
    private static ValidationResult GdOrder(bool full)
    {
        int d = 40;
        var model = PowerLawModel(d, 1.5, 71);
        return SimulatorChecks.GdOrder("GD → GF as η → 0: measured order", model, Initialization.Sphere(d, 72), 4,
            full ? [200, 400, 800, 1600, 3200] : [200, 400, 800, 1600], $"power law a = 1.5, d = {d}");
    }

    /// <summary>Fixed steps on y' = −y + cos t (exact y = (cos t + sin t)/2 + e^{−t}/2 for y(0) = 1): order 5 expected.</summary>
    private static ValidationResult DormandPrinceOrder(bool full)
    {
        double Exact(double t) => 0.5 * (Math.Cos(t) + Math.Sin(t)) + 0.5 * Math.Exp(-t);
        var solver = ExplicitRungeKutta.DormandPrince54();
        int[] counts = [10, 20, 40];
        var errors = counts.Select(n =>
        {
            var sol = solver.Solve(new OdeProblem((t, y, dy) => dy[0] = -y[0] + Math.Cos(t), 0, [1.0], 5),
                new OdeOptions { FixedStep = 5.0 / n });
            return Math.Abs(sol.Y[0] - Exact(5));
        }).ToArray();
        double order = Math.Log2(errors[^2] / errors[^1]);
        return new ValidationResult("Dormand–Prince 5(4): measured order", Math.Abs(order - 5), 0.3,
            $"y' = −y + cos t on [0, 5], h = 0.5, 0.25, 0.125; order {order:F2} (design 5)");
    }
}
