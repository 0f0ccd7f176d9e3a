using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using PhaseFlow.Core;
using PhaseFlow.Foundation;

namespace PhaseFlow.Manifold.Tests;

/// <summary>The loss and gradient: reduced against full matrix, structured against dense, m = 1 against PhaseFlow.Core,
/// finite-sample against population. Tolerances are rounding bounds: a sum of N products of magnitude S carries an error
/// below N·ε·S, and the comparisons are made relative to the size of the terms, not of the (possibly cancelling) result.</summary>
[Properties(Arbitrary = [typeof(Arbitraries)])]
public class ModelTests
{
    private const double Eps = 2.220446049250313e-16;

    private static double[] RandomCoordinates(int groups, int seed, double scale)
    {
        var r = SeededRandom.Create(seed);
        return Enumerable.Range(0, groups).Select(_ => scale * (r.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>On 𝓜: L(W) is the reduced L(a, b, c), ∇L(W) = Σ g_i x_i P_i Q_0 and polar(∇L) = Σ sign(g_i x_i) P_i Q_0.</summary>
    [Property(MaxTest = 60)]
    public void FullMatrixLossAndGradientReduceOnTheManifold(FullCase c)
    {
        var model = c.Parameters.ToModel();
        var full = FullMatrixModel.FromManifold(model);
        int d = full.Dimension;
        var q0 = RandomMatrices.Orthogonal(d, c.Width, c.Seed);
        var x = RandomCoordinates(3, c.Seed + 1, 1.5 * model.SolutionSignal);
        var w = full.Frame!.Embed(x, q0);

        double reduced = model.Loss(x), loss = full.Loss(w);
        double termScale = model.LossScale * Math.Pow(model.Sigma.ToArray().Max() * (model.Alpha * x.Sum(v => v * v) * model.Dimension + model.Rho), 2);
        Assert.True(Math.Abs(loss - reduced) <= 64 * Eps * d * c.Width * termScale, $"{loss} vs {reduced}");

        var g = new double[3];
        model.Rates(x, g);
        var expected = full.Frame.Embed(g.Select((gi, i) => gi * x[i]).ToArray(), q0);
        var gradient = full.Gradient(w);
        double gradScale = 4 * model.LossScale * model.Alpha * Math.Sqrt(termScale / model.LossScale) * Math.Sqrt(x.Sum(v => v * v) * d);
        Assert.True((gradient - expected).FrobeniusNorm() <= 64 * Eps * d * c.Width * gradScale, $"{(gradient - expected).FrobeniusNorm()}");

        var polar = PolarFactor.Compute(gradient, PolarMethod.Svd);
        var signs = full.Frame.Embed(g.Select((gi, i) => (double)Math.Sign(gi * x[i])).ToArray(), q0);
        // Singular values |g_i x_i| are distinct groups; the polar factor's error is ε‖G‖ over the smallest one.
        double smallest = g.Select((gi, i) => Math.Abs(gi * x[i])).Min(), largest = g.Select((gi, i) => Math.Abs(gi * x[i])).Max();
        Assert.True((polar - signs).FrobeniusNorm() <= 1e3 * Eps * d * c.Width * largest / smallest,
            $"{(polar - signs).FrobeniusNorm()} (σ range {smallest:E2}..{largest:E2})");
    }

    /// <summary>m = 1, α = c_L = 1: the model is PhaseFlow.Core's phase retrieval, L = 3s² + 3s*² − 4u² − 2s*s.</summary>
    [Property(MaxTest = 100)]
    public void WithOneColumnTheModelIsCorePhaseRetrieval(int seedValue)
    {
        int seed = Math.Abs(seedValue % 100_000);
        var r = SeededRandom.Create(seed);
        int d = 1 + r.Next(12);
        var spectrum = (seed % 3) switch
        {
            0 => Spectrum.PowerLaw(d, 0.5 + 3 * r.NextDouble()),
            1 when d >= 3 => Spectrum.Spiked(d, 0.2 + r.NextDouble(), 0.2 + 5 * r.NextDouble(), 0.2 + r.NextDouble()),
            _ => Spectrum.FromValues(Enumerable.Range(0, d).Select(_ => 0.05 + 2 * r.NextDouble()).ToArray()),
        };
        var core = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, seed + 1));
        var w = Initialization.Sphere(d, seed + 2, 0.2 + 2 * r.NextDouble());
        var full = new FullMatrixModel(Covariance.Diagonal(spectrum.Eigenvalues), core.Teacher, alpha: 1, lossScale: 1);
        var wm = DenseMatrix.OfColumnMajor(d, 1, w);
        var st = core.Statistics(w);
        double scale = 3 * Math.Pow(st.S + core.SStar, 2);
        Assert.True(Math.Abs(full.Loss(wm) - core.Loss(w)) <= 64 * Eps * d * scale, $"{full.Loss(wm)} vs {core.Loss(w)}");
        var expected = new double[d];
        core.Gradient(w, expected);
        var gradient = full.Gradient(wm);
        double gScale = 12 * (st.S + core.SStar) * Math.Sqrt(spectrum.Max * (st.S + core.SStar));
        for (int i = 0; i < d; i++)
            Assert.True(Math.Abs(gradient[i, 0] - expected[i]) <= 64 * Eps * d * gScale, $"∂_{i}: {gradient[i, 0]} vs {expected[i]}");
    }

    /// <summary>The structured gradient (ΣW, then WᵀΣW or ΣWWᵀΣ) against the dense formula, for teachers that are not
    /// eigenvectors, both covariance kinds and both product orders (m ≤ d and m &gt; d).</summary>
    [Property(MaxTest = 60)]
    public void StructuredGradientEqualsTheDenseFormula(int seedValue)
    {
        int seed = Math.Abs(seedValue % 100_000);
        var r = SeededRandom.Create(seed);
        int d = 3 + r.Next(10), m = 1 + r.Next(14);
        Covariance sigma;
        if (seed % 2 == 0) sigma = Covariance.Diagonal(Enumerable.Range(0, d).Select(_ => 0.1 + 3 * r.NextDouble()).ToArray());
        else
        {
            var q = RandomMatrices.Orthogonal(2, d, seed + 3);
            sigma = Covariance.Spiked(q.Row(0).ToArray(), q.Row(1).ToArray(), 0.2 + r.NextDouble(), 1 + 10 * r.NextDouble(), 0.2 + r.NextDouble());
        }
        var teacher = RandomMatrices.Gaussian(d, 1, seed + 4).Column(0).ToArray();
        var model = new FullMatrixModel(sigma, teacher, alpha: 0.5 + r.NextDouble(), lossScale: 0.25 + r.NextDouble());
        var w = RandomMatrices.Gaussian(d, m, seed + 5, 0.5 / Math.Sqrt(m));
        var (denseLoss, dense) = model.DenseLossAndGradient(w);
        double smax = sigma.MaxVariance, wn = w.FrobeniusNorm();
        double mScale = model.Alpha * wn * wn + model.Rho;
        double lossScale = model.LossScale * 3 * Math.Pow(smax * mScale, 2);
        double gradScale = 4 * model.LossScale * model.Alpha * 3 * smax * smax * mScale * wn;
        Assert.True(Math.Abs(model.Loss(w) - denseLoss) <= 64 * Eps * (d + m) * lossScale, $"{model.Loss(w)} vs {denseLoss}");
        Assert.True((model.Gradient(w) - dense).FrobeniusNorm() <= 64 * Eps * (d + m) * gradScale, $"{(model.Gradient(w) - dense).FrobeniusNorm()}");
        Assert.Null(model.Frame); // a random teacher is not an eigenvector: no manifold
    }

    /// <summary>The mean of K independent n-sample gradients against ∇L: within 5 standard errors of the mean (estimated
    /// from the K batches), with the standard error falling like n^{−1/2} as n grows ×4 (ratio 2 within its own
    /// sampling spread).</summary>
    [Fact]
    public void FiniteSampleGradientConvergesToThePopulationGradientWithinMonteCarloError()
    {
        var model = FullMatrixModel.FromManifold(SpikedManifold.FromKappa(4, 6).ToModel());
        var w = RandomMatrices.Gaussian(6, 8, 11, 0.3);
        var exact = model.Gradient(w);
        const int batches = 16;
        var errors = new List<double>();
        var standardErrors = new List<double>();
        foreach (int n in new[] { 250, 1000, 4000 })
        {
            var grads = Enumerable.Range(0, batches).Select(b => model.SampleGradient(w, n, 1000 * n + b)).ToArray();
            var mean = grads.Aggregate((a, b) => a + b) / batches;
            double variance = grads.Sum(g => Math.Pow((g - mean).FrobeniusNorm(), 2)) / (batches - 1);
            double se = Math.Sqrt(variance / batches); // standard error of the mean, in Frobenius norm
            double error = (mean - exact).FrobeniusNorm();
            Assert.True(error <= 5 * se, $"n = {n}: |mean − ∇L| = {error:E3} > 5 SE = {5 * se:E3}");
            errors.Add(error);
            standardErrors.Add(se);
        }
        // SE ∝ n^{−1/2}: each ×4 in n halves it (the SE estimate from 16 batches is itself uncertain by ~18 %).
        for (int i = 1; i < standardErrors.Count; i++)
        {
            double ratio = standardErrors[i - 1] / standardErrors[i];
            Assert.InRange(ratio, 2 / 1.6, 2 * 1.6);
        }
    }

    [Fact]
    public void SampleGradientIsDeterministicInItsSeed()
    {
        var model = FullMatrixModel.FromManifold(SpikedManifold.FromKappa(1, 5).ToModel());
        var w = RandomMatrices.Gaussian(5, 5, 2, 0.3);
        Assert.Equal(model.SampleGradient(w, 100, 7).ToColumnMajorArray(), model.SampleGradient(w, 100, 7).ToColumnMajorArray());
        Assert.NotEqual(model.SampleGradient(w, 100, 7).ToColumnMajorArray(), model.SampleGradient(w, 100, 8).ToColumnMajorArray());
    }

    [Fact]
    public void RandomOrthogonalRowsAreOrthonormalAndSeeded()
    {
        var q = RandomMatrices.Orthogonal(7, 12, 3);
        Assert.True((q * q.Transpose() - DenseMatrix.CreateIdentity(7)).FrobeniusNorm() < 1e-14);
        Assert.Equal(q.ToColumnMajorArray(), RandomMatrices.Orthogonal(7, 12, 3).ToColumnMajorArray());
    }

    [Property(MaxTest = 40)]
    public void SpikedDefaultsAreTheSpecsAndKappaSetsTheSpike(SpikedCase c)
    {
        var p = SpikedManifold.FromKappa(2.5, c.Parameters.Dimension);
        Assert.Equal((1.0, 1.0, 1.0, 1.0, 3.5, 1.0), (p.Alpha, p.LossScale, p.Rho, p.SigmaSignal, p.SigmaSpike, p.SigmaBulk));
        var m = c.Model;
        Assert.Equal(c.Parameters.Dimension, m.Dimension);
        Assert.Equal([1.0, 1.0, c.Parameters.Dimension - 2.0], m.Multiplicity.ToArray());
        // At the solution the loss and every rate vanish.
        var x = new[] { m.SolutionSignal, 0, 0 };
        Assert.True(m.Loss(x) <= 16 * Eps * Eps * m.LossScale * Math.Pow(m.Sigma[0] * m.Rho, 2) * 16);
    }

    public static TheoryData<Action, string> BadInputs() => new()
    {
        { () => _ = new SpikedManifold(2), "d" },
        { () => _ = new SpikedManifold(10) { Alpha = 0 }, "alpha" },
        { () => _ = new SpikedManifold(10) { LossScale = double.NaN }, "lossScale" },
        { () => _ = new SpikedManifold(10) with { Rho = -1 }, "rho" },
        { () => _ = new SpikedManifold(10) { SigmaBulk = double.PositiveInfinity }, "sigmaBulk" },
        { () => SpikedManifold.FromKappa(-1, 10), "kappa" },
        { () => ManifoldModel.Diagonal([1.0, 2.0], 2), "signalIndex" },
        { () => ManifoldModel.Diagonal([1.0, -2.0], 0), "sigma[1]" },
        { () => ManifoldModel.Grouped([1.0, 2.0], [2, 1], 0), "multiplicity[0]" },
        { () => _ = new ManifoldProblem(SpikedManifold.FromKappa(1, 5).ToModel(), [1e-3, 1e-3, 1e-3], ManifoldMethod.GradientDescent, 10, 0), "eta" },
        { () => _ = new ManifoldProblem(SpikedManifold.FromKappa(1, 5).ToModel(), [1e-3, 1e-3, 1e-3], ManifoldMethod.GradientDescent, 1.5, 0.1), "steps" },
        { () => _ = new ManifoldProblem(SpikedManifold.FromKappa(1, 5).ToModel(), [1e-3, 1e-3], ManifoldMethod.GradientFlow, 1), "initial" },
        { () => _ = new ManifoldProblem(SpikedManifold.FromKappa(1, 5).ToModel(), [1e-3, double.NaN, 1e-3], ManifoldMethod.GradientFlow, 1), "initial[1]" },
        { () => _ = new ManifoldProblem(SpikedManifold.FromKappa(1, 5).ToModel(), [1e-3, 1e-3, 1e-3], ManifoldMethod.SpectralGradientFlow, -1), "horizon" },
        { () => ReducedDynamics.Solve(new ManifoldProblem(SpikedManifold.FromKappa(1, 5).ToModel(), [1e-3, 1e-3, 1e-3], ManifoldMethod.GradientFlow, 1), new ManifoldOptions { EscapeLevel = 1 }), "EscapeLevel" },
        { () => Covariance.Spiked([1.0, 0, 0], [1.0, 1, 0], 1, 2, 1), "spike" },
        { () => _ = new FullMatrixModel(Covariance.Diagonal([1.0, 1]), [0.0, 0]), "teacher" },
        { () => _ = new FullMatrixProblem(FullMatrixModel.FromManifold(SpikedManifold.FromKappa(1, 4).ToModel()), DenseMatrix.Create(4, 4, 0.1), ManifoldMethod.SpectralGradientFlow, 10, 0.1), "method" },
        { () => _ = new FullMatrixProblem(FullMatrixModel.FromManifold(SpikedManifold.FromKappa(1, 4).ToModel()), DenseMatrix.Create(3, 4, 0.1), ManifoldMethod.GradientDescent, 10, 0.1), "initial" },
        { () => GradientSource.Samples(0, 1), "samples" },
        { () => PolarFactor.Compute(DenseMatrix.Create(3, 3, 1), new PolarOptions { Resolution = 0 }), "Resolution" },
        { () => RandomMatrices.Orthogonal(5, 4, 1), "m" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputThrowsInvalidParameterExceptionNamingTheParameter(Action action, string parameter)
    {
        var e = Assert.Throws<InvalidParameterException>(action);
        Assert.Equal(parameter, e.Parameter);
        Assert.Contains(parameter, e.Message, StringComparison.Ordinal);
    }
}
