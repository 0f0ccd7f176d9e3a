using FsCheck.Xunit;
using PhaseFlow.Foundation;

namespace PhaseFlow.Core.Tests;

public class SpectrumAndVectorTests
{
    [Property(MaxTest = 50)]
    public void PowerLawIsTraceNormalisedAndDecreasing(FsCheck.PositiveInt dRaw, FsCheck.PositiveInt aRaw)
    {
        int d = 1 + dRaw.Get % 3000;
        double a = 0.1 + aRaw.Get % 50 / 10.0;
        var sp = Spectrum.PowerLaw(d, a);
        Assert.Equal(1, sp.Trace, 1e-12);
        Assert.Equal(1 / Spectrum.HarmonicNumber(d, a), sp.Max, 1e-15);
        for (int i = 1; i < d; i++)
        {
            Assert.True(sp.Eigenvalues[i] < sp.Eigenvalues[i - 1]);
            Assert.Equal(Math.Pow(i + 1, -a), sp.Eigenvalues[i] / sp.Eigenvalues[0], 1e-13);
        }
    }

    [Fact]
    public void HarmonicNumberMatchesZetaForLargeD() =>
        // H_{d,2} → π²/6 with tail ≈ 1/d.
        Assert.Equal(Math.PI * Math.PI / 6 - 1e-6, Spectrum.HarmonicNumber(1_000_000, 2), 1e-11);

    [Fact]
    public void SpikedAndIsotropicSpectraHaveTheirDistinctValues()
    {
        var spiked = Spectrum.Spiked(10, 1, 11, 0.5);
        Assert.Equal([(11.0, 1), (1.0, 1), (0.5, 8)], spiked.DistinctEigenvalues());
        Assert.Single(Spectrum.Isotropic(7, 0.3).DistinctEigenvalues());
        Assert.Equal(11, spiked.Max);
        Assert.Equal(0.5, spiked.Min);
    }

    [Theory]
    [InlineData("d", "an integer in [1, 134217728]", "0")]
    [InlineData("a", "finite and > 0", "-1")]
    [InlineData("lambda", "finite and > 0", "0")]
    [InlineData("spiked.d", "an integer in [3, 134217728]", "2")]
    [InlineData("values[1]", "finite and > 0", "NaN")]
    [InlineData("values[0]", "finite and > 0", "-0.5")]
    public void InvalidSpectraSayWhichRuleWasBroken(string parameter, string rule, string actual)
    {
        var e = Assert.Throws<InvalidParameterException>(() => parameter switch
        {
            "d" => Spectrum.PowerLaw(0, 2),
            "a" => Spectrum.PowerLaw(10, -1),
            "lambda" => Spectrum.Isotropic(10, 0),
            "spiked.d" => Spectrum.Spiked(2, 1, 2, 1),
            "values[1]" => Spectrum.FromValues([1, double.NaN]),
            _ => Spectrum.FromValues([-0.5]),
        });
        Assert.Equal(parameter == "spiked.d" ? "d" : parameter, e.Parameter);
        Assert.Equal(rule, e.Rule);
        Assert.Equal(actual, e.Actual);
        Assert.Equal($"{e.Parameter} must be {rule}, got {actual}", e.Message);
    }

    [Fact]
    public void TeacherNormalisationsHold()
    {
        var sp = Spectrum.PowerLaw(500, 1.5);
        var unitQ = new PhaseRetrievalModel(sp, Teacher.Gaussian(sp, 4));
        Assert.Equal(1, unitQ.SStar, 1e-13);
        var normD = new PhaseRetrievalModel(sp, Teacher.Gaussian(sp, 4, TeacherNormalization.NormD));
        Assert.Equal(500, normD.TeacherNormSquared, 1e-10);
        Assert.Equal(1, normD.Plateau, 1e-13);
    }

    [Fact]
    public void DrawsAreBitIdenticalForASeedAndDifferAcrossSeeds()
    {
        var sp = Spectrum.PowerLaw(300, 2);
        Assert.Equal(Teacher.Gaussian(sp, 9), Teacher.Gaussian(sp, 9));
        Assert.Equal(Initialization.Sphere(300, 9), Initialization.Sphere(300, 9));
        Assert.Equal(Initialization.Gaussian(300, 9), Initialization.Gaussian(300, 9));
        Assert.NotEqual(Initialization.Sphere(300, 9), Initialization.Sphere(300, 10));
    }

    [Fact]
    public void InitialisationsHaveTheirScale()
    {
        Assert.Equal(2.5, Math.Sqrt(Initialization.Sphere(1000, 1, 2.5).Sum(x => x * x)), 1e-12);
        // ‖w‖² for w ~ N(0, I/d) has mean 1 and standard deviation √(2/d).
        double norm2 = Initialization.Gaussian(10_000, 1).Sum(x => x * x);
        Assert.InRange(norm2, 1 - 5 * Math.Sqrt(2e-4), 1 + 5 * Math.Sqrt(2e-4));
        // Uniform on the sphere: each coordinate squared has mean 1/d.
        var draws = Enumerable.Range(0, 2000).Select(s => Initialization.Sphere(4, s)[0]).ToArray();
        double m = draws.Average(x => x * x), sd = Math.Sqrt(draws.Select(x => x * x).Average(y => (y - 0.25) * (y - 0.25)) / draws.Length);
        Assert.InRange(m, 0.25 - 5 * sd, 0.25 + 5 * sd);
    }

    [Fact]
    public void GivenVectorsAreChecked()
    {
        var sp = Spectrum.Isotropic(3, 1);
        Assert.Equal("values", Assert.Throws<InvalidParameterException>(() => Teacher.FromValues(sp, [1, 2])).Parameter);
        Assert.Equal("values", Assert.Throws<InvalidParameterException>(() => Teacher.FromValues(sp, [0, 0, 0])).Parameter);
        Assert.Equal("values[2]", Assert.Throws<InvalidParameterException>(() => Initialization.FromValues(3, [1, 2, double.PositiveInfinity])).Parameter);
        Assert.Equal("radius", Assert.Throws<InvalidParameterException>(() => Initialization.Sphere(3, 1, 0)).Parameter);
    }
}
