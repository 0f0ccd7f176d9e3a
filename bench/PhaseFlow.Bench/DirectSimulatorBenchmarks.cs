using BenchmarkDotNet.Attributes;
using PhaseFlow.Core;
using PhaseFlow.Foundation;

namespace PhaseFlow.Bench;

/// <summary>Per-step cost of the direct simulators (1000 steps per invocation).</summary>
[MemoryDiagnoser]
public class DirectSimulatorBenchmarks
{
    private PhaseRetrievalProblem _problem = null!;
    private readonly SimulationOptions _options = new() { Output = OutputSchedule.At(1000) };

    [Params(100, 1000, 10_000)]
    public int D { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var spectrum = Spectrum.PowerLaw(D, 2);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 1));
        _problem = new PhaseRetrievalProblem(model, Initialization.Sphere(D, 2), 1000);
    }

    [Benchmark(Description = "population GD, 1000 steps")]
    public double GradientDescent() => new PopulationGradientDescent(1e-2).Solve(_problem, _options).FinalWeights[0];

    [Benchmark(Description = "online SGD, 1000 steps")]
    public double OnlineSgd() => new OnlineSgd(1e-3, 0.05, 1, 3).Solve(_problem, _options).FinalWeights[0];
}
