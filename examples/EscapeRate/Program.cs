using PhaseFlow.Core;
using PhaseFlow.Duhamel;
using PhaseFlow.Foundation;

// Phase I escape: while s ≪ s*, u obeys a convolution Volterra equation and grows like c·e^{ρt}, ρ the root of the
// dispersion relation 1 = 8 Σ λ_j² C_j / (ρ − 4λ_j s*). Predict the time |u| reaches 0.02 s* and measure it.
const double level = 0.02;
const int d = 1000;
var spectrum = Spectrum.PowerLaw(d, a: 2);
var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, seed: 5));
var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(d, seed: 6, radius: 0.01), horizon: 100);
var nodes = SpectralNodes.Exact(problem);
var rate = EscapeRate.Solve(nodes);
var direct = new PopulationGradientFlow(1e-10, 1e-16).Solve(problem,
    new SimulationOptions { EscapeThreshold = level, Output = OutputSchedule.LogSpaced(400, 1e-3) });
Console.WriteLine($"a = 2, d = {d}: ρ = {rate.Rate:F6} (top pole 4λ_1 s* = {rate.TopRate:F6}), u ≈ {rate.Amplitude:0.000e+00}·e^(ρt)");
bool ok = Compare("direct GF", rate, PhaseOneSolution.Solve(nodes), direct.Markers.EscapeTime, direct.Trajectory);

// The same on 64 spectral nodes of a power law with d = 10^9 (expected weights, u(0) = 1e-4): nothing here grows with d.
var billion = SpectralNodes.PowerLaw(exponent: 2, dimension: 1e9, nodes: 64, horizon: 1e15, initialOverlap: 1e-4);
var reduced = SpectralNodeReduction.Solve(billion, 1e15, new SpectralNodeOptions
    { EscapeThreshold = level, RelativeTolerance = 1e-9, AbsoluteTolerance = 1e-13, Output = OutputSchedule.LogSpaced(400, 1e-3) });
var rate9 = EscapeRate.Solve(billion);
Console.WriteLine($"a = 2, d = 1e9, {billion.Count} nodes: ρ = {rate9.Rate:F6}; reduction to t = 1e15 in {reduced.WallTime.TotalSeconds:F2} s, " +
    $"u(1e15) = {reduced.Trajectory.Samples[^1].U:F6}, node-error estimate {reduced.NodeErrorEstimate!.Max:0.0e+00}");
ok &= Compare("spectral-node reduction", rate9, PhaseOneSolution.Solve(billion), reduced.Markers.EscapeTime, reduced.Trajectory);
// The spec's accuracy target at d = 10^9, error < 1e-3, on the reduction's own estimate (a solve on half the nodes).
if (!(reduced.NodeErrorEstimate.Max < 1e-3)) { Console.Error.WriteLine("FAIL: node-error estimate above 1e-3"); ok = false; }
return ok ? 0 : 1;

// The growing mode alone misses the other exponentials, weight δ relative to it: |log(1 − δ)|/ρ in time. The linear
// equation drops −3s from the drift s* − 3s, which lowers every rate by at most 3s/s*: at most 3s(T)/s*·T later
// (s grows through Phase I, so the first sample after T bounds it). Both integrators (rtol ≤ 1e-9) add nothing visible.
static bool Compare(string name, EscapeRate rate, PhaseOneSolution linear, double? measured, Trajectory run)
{
    double predicted = rate.TimeToReach(level);
    if (measured is not { } t)
    {
        Console.Error.WriteLine($"FAIL: {name}: |u| never reached {level} s*");
        return false;
    }
    double s = run.Samples.First(p => p.T >= t).S, delta = linear.RelativeTransient(predicted);
    double bound = Math.Abs(Math.Log(1 - delta)) / rate.Rate + 3 * s / rate.SStar * t, error = Math.Abs(predicted - t);
    Console.WriteLine($"  time to |u| = {level} s*: predicted {predicted:F5}, exact linear {linear.TimeToReach(level):F5}, " +
        $"{name} {t:F5}; |Δt| = {error:0.0e+00} ≤ {bound:0.0e+00} (δ = {delta:0.0e+00}, s(T) = {s:0.0e+00})");
    if (error <= bound) return true;
    Console.Error.WriteLine($"FAIL: {name}: the escape-rate prediction is off by {error:0.0e+00}, more than {bound:0.0e+00}");
    return false;
}
