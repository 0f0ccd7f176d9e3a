using System.Globalization;
using PhaseFlow.Core;
using PhaseFlow.Duhamel;
using PhaseFlow.Foundation;
using PhaseFlow.Hierarchy;

namespace PhaseFlow.Experiments.Validation;

/// <summary>Every reduction derived for single-index models other than phase retrieval (issue 16), against direct gradient
/// flow: the derived exact hierarchy and exact spectral nodes of three models, the escape rate of an even model, the
/// escape theory's refusal where Phase I is nonlinear, and the hierarchy's MSE near convergence.</summary>
internal static class AnyModelChecks
{
    /// <summary>One polynomial model not even in u, He₃ with s* = 0.64 (escapes at O(1) speed: P_u(0, 0, s*) ≠ 0), and a
    /// closed form.</summary>
    private static readonly (string Name, Func<SingleIndexLoss> Loss, double TeacherScale)[] Models =
    [
        ("He₃/He₃, s* = 0.64", () => new PolynomialLoss("z^3 - 3*z", "z^3 - 3*z"), 0.8),
        ("(z + z²/2)/(z + z²/2)", () => new PolynomialLoss("z + z^2/2", "z + z^2/2"), 1),
        ("erf/erf", () => new ClosedFormLoss(LinkFunction.Erf, LinkFunction.Erf), 1),
    ];

    private static PhaseRetrievalModel Model(Spectrum spectrum, SingleIndexLoss loss, double teacherScale, int seed) =>
        new(spectrum, Teacher.Gaussian(spectrum, seed).Select(x => teacherScale * x).ToArray(), loss);

    /// <summary>Per model: the derived hierarchy (exact closure, K = 3) and the exact nodes on the spiked spectrum of phase
    /// retrieval's rows, through every phase, each to (steps of both)·rtol·s*.</summary>
    public static IReadOnlyList<ValidationResult> ExactReductions(bool full)
    {
        int d = full ? 20_000 : 500;
        var rows = new List<ValidationResult>();
        foreach (var (name, loss, scale) in Models)
        {
            var model = Model(Spectrum.Spiked(d, 1, 3, 0.05), loss(), scale, 91);
            string setting = $"signal 1, spike 3, bulk 0.05, d = {d}, t ∈ [0, 600]";
            rows.Add(HierarchyChecks.CompareExact($"derived hierarchy (exact closure, K = 3) vs direct GF: {name}, spiked", model,
                Initialization.Sphere(d, 92, 0.1), 600, 3, setting));
            rows.Add(VolterraChecks.ExactAgainstDirect($"spectral-node reduction (exact nodes) vs direct GF: {name}, spiked",
                new PhaseRetrievalProblem(model, Initialization.Sphere(d, 92, 0.1), 600), setting));
        }
        return rows;
    }

    /// <summary>f = g = z² + z⁴/4 (even, not phase retrieval): α_0 = 7, c = 20 at s* = 1.</summary>
    public static ValidationResult EvenModelEscapeRate(bool full) =>
        EscapeChecks.GrowthRate("escape rate (dispersion relation) vs direct GF growth of u: f = g = z² + z⁴/4", new PolynomialLoss("z^2 + z^4/4", "z^2 + z^4/4"),
            1, 7, "the issue's even model");

    /// <summary>He₃ at s* = 1: P_u(0, 0, 1) = −2f′(0)E[g′] = 0 and f″(0) = 0, so Phase I is nonlinear and the escape theory
    /// must refuse with that reason; the reductions still hold: the exact hierarchy (K = 5) and the exact nodes on five
    /// eigenvalues against direct GF, to (steps of both)·rtol·s*. The row fails if the theory does not refuse.</summary>
    public static ValidationResult He3AtUnitSStar(bool full)
    {
        const string check = "He₃, s* = 1: escape theory refuses (information exponent > 2); hierarchy and nodes still follow direct GF";
        var loss = new PolynomialLoss("z^3 - 3*z", "z^3 - 3*z");
        double[] nodes = [0.9, 0.6, 0.3, 0.1, 0.02];
        int copies = full ? 2000 : 40;
        var spectrum = Spectrum.FromValues(Enumerable.Range(0, copies).SelectMany(_ => nodes).ToArray());
        var model = Model(spectrum, loss, 1, 95);
        var theory = EscapeTheory.Applicability(loss, model.SStar);
        var w0 = Initialization.Sphere(spectrum.Dimension, 96, 0.6);
        double horizon = 20 / 0.02;
        var hierarchy = HierarchyChecks.CompareExact(check, model, w0, horizon, 5, "");
        var node = VolterraChecks.ExactAgainstDirect(check, new PhaseRetrievalProblem(model, w0, horizon), "");
        bool refused = theory.Verdict == EscapeVerdict.NonlinearPhaseOne;
        double error = refused ? Math.Max(hierarchy.Error / hierarchy.Tolerance, node.Error / node.Tolerance) : double.PositiveInfinity;
        return new ValidationResult(check, error, 1, string.Create(CultureInfo.InvariantCulture,
            $"eigenvalues 0.9, 0.6, 0.3, 0.1, 0.02 each ×{copies}, s* = {model.SStar:G4}, |w(0)| = 0.6, t ∈ [0, {horizon:G3}]; theory: " +
            $"{(refused ? "refused — " + theory.Reason : "did not refuse (" + theory.Verdict + ")")}; " +
            $"error / tolerance, the worse of hierarchy (max |Δs|, |Δu| {hierarchy.Error:E2} vs {hierarchy.Tolerance:E2}) and nodes ({node.Error:E2} vs {node.Tolerance:E2})"));
    }

    /// <summary>The hierarchy's MSE from error moments on phase retrieval's spiked case (K = 3, exact closure, rtol 1e-8):
    /// never negative, and within (steps of direct and both hierarchy passes)·rtol, relative, of direct GF's MSE (rtol 1e-13,
    /// from w) wherever that is ≥ 1e-20; the row fails unless the run reaches below 1e-20.</summary>
    public static ValidationResult HierarchyMse(bool full)
    {
        var (problem, schedule, direct) = Converging.Value;
        var system = HierarchySystem.Create(3, HierarchyClosure.Exact, HierarchyConstants.FromModel(problem.Model));
        var reduced = HierarchySolver.Solve(HierarchyProblem.FromDirect(system, problem),
            new HierarchyOptions { Output = schedule, RelativeTolerance = MseRtol, AbsoluteTolerance = 1e-14 });
        long steps = direct.Statistics.Steps + reduced.Statistics.Steps + (reduced.ErrorMomentStatistics?.Steps ?? 0);
        return MseRow("hierarchy MSE from error moments vs direct GF, relative, down to 1e-20: spiked", direct, reduced.Trajectory, steps,
            "K = 3 exact", "hierarchy", $"error moments from t = {reduced.ErrorMomentsFrom:G3}");
    }

    /// <summary>The same for the exact spectral nodes' MSE from their error amplitudes (the second pass).</summary>
    public static ValidationResult NodeMse(bool full)
    {
        var (problem, schedule, direct) = Converging.Value;
        var reduced = SpectralNodeReduction.Solve(problem, null,
            new SpectralNodeOptions { Output = schedule, RelativeTolerance = MseRtol, AbsoluteTolerance = 1e-14 });
        long steps = direct.Statistics.Steps + reduced.Statistics.Steps + (reduced.ErrorAmplitudeStatistics?.Steps ?? 0);
        return MseRow("spectral-node MSE from error amplitudes vs direct GF, relative, down to 1e-20: spiked", direct, reduced.Trajectory, steps,
            $"{reduced.Nodes.Count} exact nodes", "nodes", $"error amplitudes from t = {reduced.ErrorAmplitudesFrom:G3}");
    }

    private const double MseRtol = 1e-8;

    private const int ConvergingDimension = 200;

    /// <summary>The direct run (rtol 1e-13, to MSE 1e-33) both MSE rows compare with, made once for both.</summary>
    private static readonly Lazy<(PhaseRetrievalProblem Problem, OutputSchedule Schedule, SimulationResult Direct)> Converging = new(ConvergingSpiked);

    private static (PhaseRetrievalProblem Problem, OutputSchedule Schedule, SimulationResult Direct) ConvergingSpiked()
    {
        int d = ConvergingDimension;
        var spectrum = Spectrum.Spiked(d, 1, 3, 0.05);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 91));
        var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(d, 92, 0.1), 200);
        var schedule = OutputSchedule.LogSpaced(30, 0.02, includeInitial: true);
        return (problem, schedule, new PopulationGradientFlow(1e-13, 1e-30).Solve(problem, new SimulationOptions { Output = schedule }));
    }

    private static ValidationResult MseRow(string check, SimulationResult direct, Trajectory reduced, long steps, string method, string name, string from)
    {
        int d = ConvergingDimension;
        double worst = 0, smallest = double.PositiveInfinity;
        bool negative = false;
        for (int i = 0; i < direct.Trajectory.Samples.Count; i++)
        {
            double h = reduced.Samples[i].Mse, g = direct.Trajectory.Samples[i].Mse;
            negative |= !(h >= 0);
            if (g < 1e-20) continue;
            worst = Math.Max(worst, Math.Abs(h - g) / g);
            smallest = Math.Min(smallest, g);
        }
        bool reached = direct.Trajectory.Samples[^1].Mse < 1e-20;
        return new ValidationResult(check, negative || !reached ? double.PositiveInfinity : worst,
            steps * MseRtol, string.Create(CultureInfo.InvariantCulture,
                $"signal 1, spike 3, bulk 0.05, d = {d}, {method}, rtol 1e-8, t ∈ [0, 200]; max relative |ΔMSE| over the 31 samples with direct MSE ≥ 1e-20 " +
                $"(smallest {smallest:E1}; final direct {direct.Trajectory.Samples[^1].Mse:E1}, {name} {reduced.Samples[^1].Mse:E1}); " +
                $"{from}; never negative: {(negative ? "NO" : "yes")}; tolerance (steps of direct and both passes)·rtol"));
    }
}
