using System.Globalization;
using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Hierarchy;

namespace PhaseFlow.Experiments.Validation;

/// <summary>The hierarchy against direct gradient flow. Both are integrated at rtol 1e-10 (direct at 1e-11); the escape
/// phase amplifies local errors by the growth of |u| (~10²–10³), so exact closures must agree to 100·rtol·s* = 1e-8.</summary>
internal static class HierarchyChecks
{
    private const double Rtol = 1e-10, Atol = 1e-14, Agreement = 1e-8;

    private static (double Deviation, HierarchyResult Reduced, SimulationResult Direct) Compare(PhaseRetrievalModel model, double[] w0,
        double horizon, int order, HierarchyClosure closure)
    {
        var problem = new PhaseRetrievalProblem(model, w0, horizon);
        var schedule = OutputSchedule.LogSpaced(50, horizon * 1e-4, includeInitial: true);
        var direct = new PopulationGradientFlow(Rtol / 10, Atol / 10).Solve(problem, new SimulationOptions { Output = schedule });
        var system = HierarchySystem.Create(order, closure, HierarchyConstants.FromModel(model, maxOrder: order + 1),
            model.IsPhaseRetrieval ? null : model.PopulationLoss);
        var reduced = HierarchySolver.Solve(HierarchyProblem.FromDirect(system, problem),
            new HierarchyOptions { Output = schedule, RelativeTolerance = Rtol, AbsoluteTolerance = Atol });
        var (s, u, _) = direct.Trajectory.MaxDeviation(reduced.Trajectory);
        return (Math.Max(s, u), reduced, direct);
    }

    /// <summary>The exact closure of order <paramref name="order"/> against direct GF on any model, held to the rule of the
    /// derived hierarchy's tests: (accepted steps of both)·rtol·s* (local errors of both integrators, each at most rtol·s*
    /// per step, add up at worst linearly; the escape's amplification is part of what a step's error control sees).</summary>
    public static ValidationResult CompareExact(string check, PhaseRetrievalModel model, double[] w0, double horizon, int order, string setting)
    {
        var (worst, reduced, direct) = Compare(model, w0, horizon, order, HierarchyClosure.Exact);
        long steps = reduced.Statistics.Steps + direct.Statistics.Steps;
        var last = direct.Trajectory.Samples[^1];
        return new ValidationResult(check, worst, steps * Rtol * model.SStar,
            string.Create(CultureInfo.InvariantCulture,
                $"{setting}; max |Δs|, |Δu| at 51 times; κ = {reduced.ConditionNumber:G3}; {reduced.Statistics.Steps} steps vs {direct.Statistics.Steps} direct; " +
                $"tolerance (steps of both)·rtol·s*; u {model.Statistics(w0).U:G3} → {last.U:G4}"));
    }

    private static PhaseRetrievalModel Model(Spectrum spectrum, int seed) => new(spectrum, Teacher.Gaussian(spectrum, seed));

    public static ValidationResult SpikedExact(bool full)
    {
        int d = full ? 20_000 : 500;
        var model = Model(Spectrum.Spiked(d, 1, 3, 0.05), 91);
        double horizon = 30 / 0.05;
        var (worst, reduced, direct) = Compare(model, Initialization.Sphere(d, 92, 0.1), horizon, 3, HierarchyClosure.Exact);
        return new ValidationResult("hierarchy (exact closure, K = 3) vs direct GF: spiked", worst, Agreement,
            $"signal 1, spike 3, bulk 0.05, d = {d}, t ∈ [0, {horizon:G3}] (escape at {direct.Markers.EscapeTime:G4}, bulk learnt by the horizon); " +
            $"max |Δs|, |Δu| at 51 times; κ = {reduced.ConditionNumber:G3}; {reduced.Statistics.Steps} steps vs {direct.Statistics.Steps} direct");
    }

    public static ValidationResult IsotropicExact(bool full)
    {
        int d = full ? 20_000 : 500;
        var model = Model(Spectrum.Isotropic(d, 0.5), 93);
        var (worst, reduced, _) = Compare(model, Initialization.Sphere(d, 94, 0.1), 100, 1, HierarchyClosure.Exact);
        return new ValidationResult("hierarchy (exact closure, K = 1) vs direct GF: isotropic", worst, Agreement,
            $"λ = 0.5, d = {d}, t ∈ [0, 100]; max |Δs|, |Δu| at 51 times; {reduced.Statistics.Steps} steps");
    }

    public static ValidationResult FewNodesExact(bool full)
    {
        double[] nodes = [0.9, 0.6, 0.3, 0.1, 0.02];
        int copies = full ? 2000 : 40;
        var values = Enumerable.Range(0, copies).SelectMany(i => nodes).ToArray();
        var model = Model(Spectrum.FromValues(values), 95);
        double horizon = 20 / 0.02;
        var (worst, reduced, _) = Compare(model, Initialization.Sphere(values.Length, 96, 0.1), horizon, 5, HierarchyClosure.Exact);
        return new ValidationResult("hierarchy (exact closure, K = r) vs direct GF: r = 5 distinct eigenvalues", worst, Agreement,
            $"eigenvalues 0.9, 0.6, 0.3, 0.1, 0.02 each ×{copies} (d = {values.Length}), t ∈ [0, {horizon:G3}]; κ = {reduced.ConditionNumber:G3}");
    }

    /// <summary>One row per (closure, K): the error must fall as K grows (the tolerance of a row is the previous row's
    /// error), down to the exact-closure agreement level. The horizon is min(T1, 1/λ_1): over long horizons every
    /// truncation's error grows like (ct)^K/K! (see docs/hierarchy.md).</summary>
    public static IReadOnlyList<ValidationResult> PowerLawTable(bool full)
    {
        int d = full ? 10_000 : 1000;
        double a = 2;
        var model = Model(Spectrum.PowerLaw(d, a), 1);
        var w0 = Initialization.Sphere(d, 2, 0.1);
        var probe = new PopulationGradientFlow(1e-8, 1e-12).Solve(new PhaseRetrievalProblem(model, w0, 1e4), new SimulationOptions());
        double t1 = probe.Markers.EscapeTime ?? 1e4, horizon = Math.Min(t1, 1 / model.Spectrum.Max);
        var rows = new List<ValidationResult>();
        foreach (var (closure, orders) in new[] { (HierarchyClosure.Geometric(), new[] { 1, 2, 4, 8, 16 }), (HierarchyClosure.Zero, new[] { 4, 8, 16, 24 }) })
        {
            double previous = model.SStar;
            foreach (int order in orders)
            {
                double error;
                string note;
                try
                {
                    var (worst, reduced, _) = Compare(model, w0, horizon, order, closure);
                    error = worst;
                    note = $"{reduced.Statistics.Steps} steps, {reduced.WallTime.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture)} ms";
                }
                catch (SimulationFailedException e)
                {
                    error = double.PositiveInfinity;
                    note = e.Message;
                }
                rows.Add(new ValidationResult($"hierarchy ({closure.Name} closure, K = {order}) vs direct GF: power law, escape phase", error,
                    Math.Max(previous, Agreement),
                    $"a = {a}, d = {d}, t ∈ [0, {horizon:G4}] (T1 = {t1:G4}); max |Δs|, |Δu|; tolerance: the error at the previous K " +
                    $"(first: s*); {note}"));
                previous = error;
            }
        }
        return rows;
    }
}
