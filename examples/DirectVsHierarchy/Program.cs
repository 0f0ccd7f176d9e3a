using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Hierarchy;

// Direct gradient flow against the summary-statistic hierarchy truncated at order K (geometric closure
// x^(K+1) = λ_1 x^(K)) on a power law, a = 2, d = 1000. No finite K is exact for a power law; on the escape phase the
// error falls fast with K (past the escape every truncation fails: docs/hierarchy.md), so we compare on [0, T1].
const int d = 1000;
var spectrum = Spectrum.PowerLaw(d, a: 2);
var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, seed: 1));
var w0 = Initialization.Sphere(d, seed: 2, radius: 0.1);

var probe = new PopulationGradientFlow(1e-8, 1e-12).Solve(new PhaseRetrievalProblem(model, w0, 1 / spectrum.Max), new SimulationOptions());
if (probe.Markers.EscapeTime is not { } t1)
{
    Console.Error.WriteLine("FAIL: |u| did not reach s*/2 before t = 1/λ_1");
    return 1;
}
var problem = new PhaseRetrievalProblem(model, w0, horizon: t1);
var output = OutputSchedule.LogSpaced(50, from: t1 * 1e-4, includeInitial: true);
const double rtol = 1e-10;   // the hierarchy's; direct GF runs at rtol/10
var direct = new PopulationGradientFlow(rtol / 10, 1e-15).Solve(problem, new SimulationOptions { Output = output });

// Below a floor the comparison measures the integrators, not the truncation: each step of either run may leave a local
// error of rtol·s*, and they add up (the bound of the hierarchy's property tests, docs/hierarchy.md).
double Floor(HierarchyResult r) => (direct.Statistics.Steps * rtol / 10 + r.Statistics.Steps * rtol) * model.SStar;
double previous = double.PositiveInfinity, floor = 0;
Console.WriteLine($"power law a = 2, d = {d}, t in [0, T1 = {t1:F4}], 51 times");
Console.WriteLine("hierarchy (geometric closure) vs direct GF:");
Console.WriteLine("  K   max|Δu|    max|Δs|    floor");
foreach (int order in new[] { 1, 2, 4, 8 })
{
    var system = HierarchySystem.Create(order, HierarchyClosure.Geometric(), HierarchyConstants.FromModel(model, maxOrder: order + 1));
    var reduced = HierarchySolver.Solve(HierarchyProblem.FromDirect(system, problem),
        new HierarchyOptions { Output = output, RelativeTolerance = rtol, AbsoluteTolerance = 1e-14 });
    var (ds, du, _) = direct.Trajectory.MaxDeviation(reduced.Trajectory);
    double error = Math.Max(ds, du);
    floor = Floor(reduced);
    Console.WriteLine($"  {order,-2}  {du,9:0.00e+00}  {ds,9:0.00e+00}  {floor,7:0.0e+00}");
    if (!(error < previous || error <= floor))
    {
        Console.Error.WriteLine($"FAIL: at K = {order} the deviation {error:0.00e+00} did not fall below {previous:0.00e+00} (the previous K)");
        return 1;
    }
    previous = error;
}
if (!(previous <= floor))
{
    Console.Error.WriteLine($"FAIL: at K = 8 the deviation {previous:0.00e+00} is above the integrators' floor {floor:0.0e+00}");
    return 1;
}
Console.WriteLine("the deviation falls with K and reaches the integrators' floor by K = 8");
return 0;
