using PhaseFlow.Core;
using PhaseFlow.Foundation;

// Population gradient descent on a power-law spectrum: the three phases in a few lines.
var spectrum = Spectrum.PowerLaw(d: 1000, a: 2);
var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, seed: 1));
var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(1000, seed: 2), horizon: 100_000);
var result = new PopulationGradientDescent(stepSize: 1e-2)
    .Solve(problem, new SimulationOptions { Output = OutputSchedule.LogSpaced(12, from: 1) });

Console.WriteLine($"escape at step {result.Markers.EscapeTime}, s crosses s*/3 at step {result.Markers.CriticalCrossingTime}");
foreach (var p in result.Trajectory.Samples)
    Console.WriteLine($"step {p.T,8}  u = {p.U,9:F5}  s = {p.S:F5}  MSE = {p.Mse:E3}");
