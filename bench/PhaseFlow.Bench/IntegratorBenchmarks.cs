using BenchmarkDotNet.Attributes;
using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Ode;

namespace PhaseFlow.Bench;

/// <summary>Per-step cost of each integrator on the gradient flow (a = 2), with fixed steps so every method does the
/// same number of steps. Allocated bytes that do not grow from 100 to 1000 steps mean no allocation per step.</summary>
[MemoryDiagnoser]
public class IntegratorBenchmarks
{
    private OdeProblem _problem = null!;
    private PhaseRetrievalModel _model = null!;

    [Params(1000, 100_000)]
    public int D { get; set; }

    [Params(100, 1000)]
    public int Steps { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var spectrum = Spectrum.PowerLaw(D, 2);
        _model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 1));
        _problem = new OdeProblem(PopulationGradientFlow.RightHandSide(_model), 0, Initialization.Sphere(D, 2), 0.01 * Steps);
    }

    [Benchmark(Description = "Dormand–Prince 5(4)")]
    public double DormandPrince() =>
        ExplicitRungeKutta.DormandPrince54().Solve(_problem, new OdeOptions { FixedStep = 0.01 }).Y[0];

    [Benchmark(Description = "Tsitouras 5(4)")]
    public double Tsitouras() =>
        ExplicitRungeKutta.Tsitouras54().Solve(_problem, new OdeOptions { FixedStep = 0.01 }).Y[0];

    [Benchmark(Description = "Dormand–Prince 8(5,3)")]
    public double Dop853() => new DormandPrince853().Solve(_problem, new OdeOptions { FixedStep = 0.01 }).Y[0];

    [Benchmark(Description = "Rodas4 + Woodbury")]
    public double Rodas4() =>
        Rosenbrock.Rodas4(PopulationGradientFlow.StructuredJacobian(_model), autonomous: true)
            .Solve(_problem, new OdeOptions { FixedStep = 0.01 }).Y[0];
}
