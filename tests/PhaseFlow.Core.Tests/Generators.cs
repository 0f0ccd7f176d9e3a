using FsCheck;
using FsCheck.Fluent;
using PhaseFlow.Foundation;

namespace PhaseFlow.Core.Tests;

/// <summary>A random model and point: spectrum of any kind, teacher and student.</summary>
public sealed record ModelCase(PhaseRetrievalModel Model, double[] W, int Seed)
{
    public override string ToString() => $"{Model.Spectrum}, s* = {Model.SStar:G4}, |w| = {Math.Sqrt(W.Sum(x => x * x)):G4}, seed {Seed}";
}

public static class Generators
{
    public static Gen<Spectrum> Spectra() =>
        Gen.OneOf(
            from d in Gen.Choose(1, 12)
            from a in Gen.Choose(3, 40).Select(x => x / 10.0)
            select Spectrum.PowerLaw(d, a),
            from d in Gen.Choose(1, 12)
            from l in Gen.Choose(1, 200).Select(x => x / 100.0)
            select Spectrum.Isotropic(d, l),
            from d in Gen.Choose(3, 12)
            from sig in Gen.Choose(1, 30).Select(x => x / 10.0)
            from spike in Gen.Choose(1, 120).Select(x => x / 10.0)
            from bulk in Gen.Choose(1, 30).Select(x => x / 10.0)
            select Spectrum.Spiked(d, sig, spike, bulk),
            from values in Gen.Choose(1, 2000).Select(x => x / 1000.0).ArrayOf().Where(v => v.Length is > 0 and <= 12)
            select Spectrum.FromValues(values));

    public static Gen<ModelCase> Cases() =>
        from spectrum in Spectra()
        from seed in Gen.Choose(0, 1_000_000)
        from normd in Gen.Elements(false, true)
        from radius in Gen.Choose(1, 30).Select(x => x / 10.0)
        select new ModelCase(
            new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, seed, normd ? TeacherNormalization.NormD : TeacherNormalization.UnitQ)),
            Initialization.Sphere(spectrum.Dimension, seed + 1, radius),
            seed);

    public static Arbitrary<ModelCase> CaseArbitrary() => Cases().ToArbitrary();
}

public sealed class Arbitraries
{
    public static Arbitrary<ModelCase> ModelCase() => Generators.Cases().ToArbitrary();
}
