using FsCheck;
using FsCheck.Fluent;
using PhaseFlow.Core;
using PhaseFlow.Foundation;

namespace PhaseFlow.Hierarchy.Tests;

/// <summary>A spectrum with few distinct eigenvalues (each repeated) and a direct problem running through all phases.</summary>
public sealed record FewNodesCase(FlowCase Flow, double[] Nodes)
{
    public override string ToString() => $"nodes [{string.Join(", ", Nodes)}] with d = {Flow.Model.Dimension}; {Flow}";
}

/// <summary>A power law with its horizon set to the direct run's escape time.</summary>
public sealed record PowerLawCase(FlowCase Flow, double Exponent)
{
    public override string ToString() => Flow.ToString();
}

public static class Generators
{
    /// <summary>1–6 distinct eigenvalues in [0.01, 1] on a grid of 0.001, each repeated 1–4 times, in random order.</summary>
    public static Gen<FewNodesCase> FewNodes() =>
        from count in Gen.Choose(1, 6)
        from grid in Gen.Choose(10, 1000).ArrayOf(count)
        let nodes = grid.Distinct().Select(x => x / 1000.0).ToArray()
        from multiplicities in Gen.Choose(1, 4).ArrayOf(nodes.Length)
        from seed in Gen.Choose(0, 100_000)
        from radius in Gen.Choose(1, 10).Select(x => x / 10.0)
        let values = nodes.SelectMany((v, i) => Enumerable.Repeat(v, multiplicities[i])).Select((v, i) => (v, key: (i * 7919 + seed) % 101)).OrderBy(p => p.key).Select(p => p.v).ToArray()
        select new FewNodesCase(FlowCases.Flow(Spectrum.FromValues(values), seed, radius, 20 / nodes.Min()), nodes);

    /// <summary>Power law a ∈ [1.2, 4], d ∈ [50, 2000], horizon the direct escape time T1 (|u| = s*/2) or the top
    /// direction's time scale 1/λ_1, whichever comes first: a teacher with little weight on the top direction escapes
    /// late (T1 = 15 at λ_1 = 0.8 was drawn), and over long horizons any truncation's error grows like (ct)^K/K!.</summary>
    public static Gen<PowerLawCase> PowerLaws() =>
        from d in Gen.Choose(50, 2000)
        from a in Gen.Choose(12, 40).Select(x => x / 10.0)
        from seed in Gen.Choose(0, 100_000)
        select new PowerLawCase(EscapeHorizon(FlowCases.Flow(Spectrum.PowerLaw(d, a), seed, 0.1, 1e4)), a);

    private static FlowCase EscapeHorizon(FlowCase c)
    {
        var probe = new PopulationGradientFlow(1e-8, 1e-12).Solve(c.Problem, new SimulationOptions());
        return c with { Horizon = Math.Min(probe.Markers.EscapeTime ?? c.Horizon, 1 / c.Model.Spectrum.Max) };
    }
}

public sealed class Arbitraries
{
    public static Arbitrary<FlowCase> FlowCase() => FlowCases.Spiked().ToArbitrary();

    public static Arbitrary<FewNodesCase> FewNodesCase() => Generators.FewNodes().ToArbitrary();

    public static Arbitrary<PowerLawCase> PowerLawCase() => Generators.PowerLaws().ToArbitrary();
}
