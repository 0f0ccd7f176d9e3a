using FsCheck;
using FsCheck.Fluent;
using PhaseFlow.Core;

namespace PhaseFlow.Volterra.Tests.Duhamel;

/// <summary>A direct gradient-flow problem: model, w(0) and a horizon.</summary>
public sealed record FlowCase(PhaseRetrievalModel Model, double[] W0, double Horizon, int Seed)
{
    public PhaseRetrievalProblem Problem => new(Model, W0, Horizon);

    public override string ToString() => $"{Model.Spectrum}, |w0| = {Math.Sqrt(W0.Sum(x => x * x)):G3}, horizon {Horizon:G4}, seed {Seed}";
}

/// <summary>A power law small enough for exact nodes and direct runs.</summary>
public sealed record PowerLawCase(FlowCase Flow, double Exponent)
{
    public override string ToString() => Flow.ToString();
}

public static class Generators
{
    public static FlowCase Flow(Spectrum spectrum, int seed, double radius, double horizon) =>
        new(new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, seed)), Initialization.Sphere(spectrum.Dimension, seed + 1, radius), horizon, seed);

    /// <summary>Spiked covariance (signal, spike, bulk distinct), horizon 30/bulk: through the bulk's learning.</summary>
    public static Gen<FlowCase> Spiked() =>
        from d in Gen.Choose(3, 300)
        from signal in Gen.Choose(2, 20).Select(x => x / 10.0)
        from spike in Gen.Choose(2, 50).Select(x => x / 10.0)
        from bulk in Gen.Choose(1, 30).Select(x => x / 100.0)
        where spike != signal && bulk != signal && bulk != spike
        from seed in Gen.Choose(0, 100_000)
        from radius in Gen.Choose(1, 10).Select(x => x / 10.0)
        select Flow(Spectrum.Spiked(d, signal, spike, bulk), seed, radius, 30 / bulk);

    /// <summary>Power law a ∈ [1.2, 3], d ∈ [200, 1500], horizon 10^4.</summary>
    public static Gen<PowerLawCase> PowerLaws() =>
        from d in Gen.Choose(200, 1500)
        from a in Gen.Choose(12, 30).Select(x => x / 10.0)
        from seed in Gen.Choose(0, 100_000)
        select new PowerLawCase(Flow(Spectrum.PowerLaw(d, a), seed, 1, 1e4), a);
}

public sealed class Arbitraries
{
    public static Arbitrary<FlowCase> FlowCase() => Generators.Spiked().ToArbitrary();

    public static Arbitrary<PowerLawCase> PowerLawCase() => Generators.PowerLaws().ToArbitrary();
}
