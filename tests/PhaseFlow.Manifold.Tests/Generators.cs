using FsCheck;
using FsCheck.Fluent;

namespace PhaseFlow.Manifold.Tests;

/// <summary>A spiked model with random constants (every named constant varied) and a seed for everything else.</summary>
public sealed record SpikedCase(SpikedManifold Parameters, int Seed)
{
    public ManifoldModel Model => Parameters.ToModel();

    public override string ToString() =>
        $"d = {Parameters.Dimension}, α = {Parameters.Alpha}, c_L = {Parameters.LossScale}, ρ = {Parameters.Rho}, " +
        $"σ = ({Parameters.SigmaSignal}, {Parameters.SigmaSpike}, {Parameters.SigmaBulk}), seed {Seed}";
}

/// <summary>A full-matrix case on the manifold: the spiked model with d ≤ 12, m ≥ d, and Q_0 from the seed.</summary>
public sealed record FullCase(SpikedManifold Parameters, int Width, int Seed)
{
    public override string ToString() =>
        $"d = {Parameters.Dimension}, m = {Width}, α = {Parameters.Alpha}, c_L = {Parameters.LossScale}, ρ = {Parameters.Rho}, " +
        $"σ = ({Parameters.SigmaSignal}, {Parameters.SigmaSpike}, {Parameters.SigmaBulk}), seed {Seed}";
}

public static class Generators
{
    private static Gen<double> Between(double lo, double hi, int steps = 1000) =>
        Gen.Choose(0, steps).Select(i => lo + (hi - lo) * i / steps);

    public static Gen<SpikedManifold> Spiked(int minD, int maxD) =>
        from d in Gen.Choose(minD, maxD)
        from alpha in Between(0.5, 2)
        from lossScale in Between(0.25, 1.5)
        from rho in Between(0.5, 2)
        from st in Between(0.5, 1.5)
        from kappa in Between(0, 12)
        from sb in Between(0.3, 1.5)
        select new SpikedManifold(d) { Alpha = alpha, LossScale = lossScale, Rho = rho, SigmaSignal = st, SigmaSpike = st * (1 + kappa), SigmaBulk = sb };

    public static Gen<SpikedCase> SpikedCases() =>
        from p in Spiked(3, 400)
        from seed in Gen.Choose(0, 1_000_000)
        select new SpikedCase(p, seed);

    public static Gen<FullCase> FullCases() =>
        from p in Spiked(3, 10)
        from extra in Gen.Choose(0, 6)
        from seed in Gen.Choose(0, 1_000_000)
        select new FullCase(p, (int)p.Dimension + extra, seed);
}

public sealed class Arbitraries
{
    public static Arbitrary<SpikedCase> SpikedCase() => Generators.SpikedCases().ToArbitrary();

    public static Arbitrary<FullCase> FullCase() => Generators.FullCases().ToArbitrary();
}
