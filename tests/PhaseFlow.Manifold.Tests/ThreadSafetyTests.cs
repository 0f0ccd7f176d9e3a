using MathNet.Numerics.LinearAlgebra;
using PhaseFlow.Foundation;
using PhaseFlow.Tests.Shared;

namespace PhaseFlow.Manifold.Tests;

/// <summary>One model, frame, options or gradient source shared by 64 concurrent runs gives each run bit for bit what it
/// gives alone (issue 13): workspaces, polar scratch and sample sets are created per Solve, and the GEMM's packing
/// buffers are per thread.</summary>
public class ThreadSafetyTests
{
    private static readonly ManifoldModel Spiked = SpikedManifold.FromKappa(3, 5).ToModel();

    private static double[] Fingerprint(ManifoldResult r)
    {
        var numbers = new List<double>();
        foreach (var s in r.Trajectory.Samples)
        {
            numbers.AddRange([s.Index, s.Time, s.Loss, s.Alignments.SignalMass, s.Alignments.MatrixCosine, s.Alignments.SignalVsSpike, s.Distance]);
            numbers.AddRange(s.Coordinates);
        }
        numbers.AddRange(r.FinalCoordinates);
        numbers.AddRange([r.FinalLoss, r.Statistics.Steps, r.Statistics.Evaluations, r.Statistics.PolarIterations]);
        foreach (var e in r.Switches) numbers.AddRange([e.Time, e.Group, e.Velocity]);
        return [.. numbers];
    }

    private static double StepSize(ManifoldModel model)
    {
        double smax = model.Sigma.ToArray().Max();
        return 0.3 / (12 * model.LossScale * model.Alpha * smax * smax * model.Rho);
    }

    public static TheoryData<ManifoldMethod> ReducedMethods =>
        [ManifoldMethod.GradientDescent, ManifoldMethod.SpectralGradientDescent, ManifoldMethod.GradientFlow, ManifoldMethod.SpectralGradientFlow];

    [Theory]
    [MemberData(nameof(ReducedMethods))]
    public void SharedModelGivesBitIdenticalReducedRunsUnderConcurrency(ManifoldMethod method)
    {
        var model = ManifoldModel.PowerLaw(12, 1.5, 2);
        var options = new ManifoldOptions { Output = OutputSchedule.LogSpaced(20, method.IsDiscrete() ? 1 : 0.01) };
        bool discrete = method is ManifoldMethod.GradientDescent or ManifoldMethod.SpectralGradientDescent;
        double eta = method == ManifoldMethod.SpectralGradientDescent ? 0.01 : StepSize(model);
        Sharing.AssertConcurrentSolvesMatch(method.ToString(), k =>
        {
            var x0 = model.Uniform(0.01 * (1 + k / 64.0));
            var problem = discrete ? new ManifoldProblem(model, x0, method, 300, eta) : new ManifoldProblem(model, x0, method, 30);
            return Fingerprint(ReducedDynamics.Solve(problem, options));
        });
    }

    public static TheoryData<string> FullRuns => ["gd", "gd-samples", "specgd-svd", "specgd-gram", "specgd-ns", "specgd-muon"];

    [Theory]
    [MemberData(nameof(FullRuns))]
    public void SharedModelAndOptionsGiveBitIdenticalFullMatrixRunsUnderConcurrency(string name)
    {
        var full = FullMatrixModel.FromManifold(Spiked);
        var q0 = RandomMatrices.Orthogonal(full.Dimension, 6, 1);
        var method = name.StartsWith("specgd", StringComparison.Ordinal) ? ManifoldMethod.SpectralGradientDescent : ManifoldMethod.GradientDescent;
        var polar = name switch
        {
            "specgd-gram" => PolarMethod.GramEigen,
            "specgd-ns" => PolarMethod.NewtonSchulz,
            "specgd-muon" => PolarMethod.MuonNewtonSchulz,
            _ => PolarMethod.Svd,
        };
        // One options object (frame Q_0, polar options, gradient source) for every run.
        var options = new FullMatrixOptions
        {
            Frame = q0, Polar = new PolarOptions { Method = polar },
            Gradient = name == "gd-samples" ? GradientSource.Samples(200, 9, resample: true) : GradientSource.Population,
        };
        double eta = method == ManifoldMethod.SpectralGradientDescent ? 0.01 : StepSize(Spiked);
        Sharing.AssertConcurrentSolvesMatch(name, k =>
        {
            var w0 = full.Frame!.Embed(Spiked.Uniform(0.05 * (1 + k / 64.0)), q0);
            return Fingerprint(FullMatrixDynamics.Solve(new FullMatrixProblem(full, w0, method, 40, eta), options));
        });
    }

    [Fact]
    public void SharedModelGivesBitIdenticalGradientsAndPolarFactorsUnderConcurrency()
    {
        var full = FullMatrixModel.FromManifold(Spiked);
        var w = RandomMatrices.Gaussian(full.Dimension, 5, 2, 0.3);
        Sharing.AssertConcurrentSolvesMatch("gradients and polar factors", k =>
        {
            var wk = w * (1 + k / 64.0);
            var gradient = full.Gradient(wk);
            var polar = PolarFactor.Compute(gradient, (PolarMethod)(k % 4));
            return [full.Loss(wk), .. gradient.ToColumnMajorArray(), .. polar.ToColumnMajorArray(), .. full.SampleGradient(wk, 50, k).ToColumnMajorArray()];
        });
        // The shared input is not written.
        Assert.Equal(RandomMatrices.Gaussian(full.Dimension, 5, 2, 0.3), w);
    }

    [Fact]
    public void SharedModelsExposeNoWritableArrays()
    {
        var frame = FullMatrixModel.FromManifold(Spiked).Frame!;
        Sharing.AssertReadOnlyView("ManifoldFrame.Multiplicity", frame.Multiplicity);
        Sharing.AssertReadOnlyView("ManifoldFrame.GroupNames", frame.GroupNames);
        Sharing.AssertReadOnlyView("ManifoldModel.GroupNames", Spiked.GroupNames);
        Sharing.AssertReadOnlyView("ManifoldOptions.LossLevels", new ManifoldOptions().LossLevels);
        double[] levels = [1e-2, 1e-4];
        var options = new ManifoldOptions { LossLevels = levels };
        levels[0] = -1; // after the options were made: they keep their copy
        Assert.Equal([1e-2, 1e-4], options.LossLevels);
        Sharing.AssertReadOnlyView("ManifoldOptions.LossLevels", options.LossLevels);
    }

    [Fact]
    public void ShareableTypesHaveNoWritableSurface() => Sharing.AssertImmutableSurface(typeof(SpikedManifold), typeof(ManifoldModel),
        typeof(ManifoldFrame), typeof(ManifoldProblem), typeof(ManifoldOptions), typeof(Covariance), typeof(FullMatrixModel), typeof(FullMatrixProblem),
        typeof(FullMatrixOptions), typeof(PolarOptions), typeof(GradientSource), typeof(GradientSource.SampleGradient));

    [Fact]
    public void PublicStaticsAreReadOnly() => Sharing.AssertNoWritableStatics(typeof(ManifoldModel).Assembly);
}
