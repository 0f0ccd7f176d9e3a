using FsCheck;
using FsCheck.Fluent;
using PhaseFlow.Core;
using PhaseFlow.Foundation;

namespace PhaseFlow.Tests.Flow;

/// <summary>A direct gradient-flow problem: model, w(0) and a horizon (shared by the test projects of the reductions,
/// which all compare against direct gradient flow).</summary>
public sealed record FlowCase(PhaseRetrievalModel Model, double[] W0, double Horizon, int Seed)
{
    public PhaseRetrievalProblem Problem => new(Model, W0, Horizon);

    public override string ToString() => $"{Model.Spectrum}, |w0| = {Math.Sqrt(W0.Sum(x => x * x)):G3}, horizon {Horizon:G4}, seed {Seed}";
}

public static class FlowCases
{
    /// <summary>Gaussian teacher from <paramref name="seed"/>, w(0) on the sphere of <paramref name="radius"/> from seed + 1.</summary>
    public static FlowCase Flow(Spectrum spectrum, int seed, double radius, double horizon) =>
        new(new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, seed)), Initialization.Sphere(spectrum.Dimension, seed + 1, radius), horizon, seed);

    /// <summary>Spiked covariance: signal, spike and bulk variances of different sizes; horizon 30/bulk covers the bulk's
    /// learning (phase III).</summary>
    public static Gen<FlowCase> Spiked() =>
        from d in Gen.Choose(3, 300)
        from signal in Gen.Choose(2, 20).Select(x => x / 10.0)
        from spike in Gen.Choose(2, 50).Select(x => x / 10.0)
        from bulk in Gen.Choose(1, 30).Select(x => x / 100.0)
        where spike != signal && bulk != signal && bulk != spike
        from seed in Gen.Choose(0, 100_000)
        from radius in Gen.Choose(1, 10).Select(x => x / 10.0)
        select Flow(Spectrum.Spiked(d, signal, spike, bulk), seed, radius, 30 / bulk);
}
