using FsCheck;
using FsCheck.Fluent;
using PhaseFlow.Foundation;

namespace PhaseFlow.Duhamel.Tests;

/// <summary>A power law small enough for exact nodes and direct runs.</summary>
public sealed record PowerLawCase(FlowCase Flow, double Exponent)
{
    public override string ToString() => Flow.ToString();
}

public static class Generators
{
    /// <summary>Power law a ∈ [1.2, 3], d ∈ [200, 1500], horizon 10^4.</summary>
    public static Gen<PowerLawCase> PowerLaws() =>
        from d in Gen.Choose(200, 1500)
        from a in Gen.Choose(12, 30).Select(x => x / 10.0)
        from seed in Gen.Choose(0, 100_000)
        select new PowerLawCase(FlowCases.Flow(Spectrum.PowerLaw(d, a), seed, 1, 1e4), a);
}

public sealed class Arbitraries
{
    public static Arbitrary<FlowCase> FlowCase() => FlowCases.Spiked().ToArbitrary();

    public static Arbitrary<PowerLawCase> PowerLawCase() => Generators.PowerLaws().ToArbitrary();
}
