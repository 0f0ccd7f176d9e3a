using MathNet.Numerics.LinearAlgebra.Double;
using PhaseFlow.Foundation;
using PhaseFlow.Tests.Run;

namespace PhaseFlow.Manifold.Tests;

/// <summary>Manifold runs and their failures seen through the run contract.</summary>
public class RunContractTests
{
    private static readonly ManifoldModel Model = SpikedManifold.FromKappa(10, 20).ToModel();

    private static double Eta
    {
        get
        {
            double smax = Model.Sigma.ToArray().Max();
            return 0.3 / (12 * Model.LossScale * Model.Alpha * smax * smax * Model.Rho);
        }
    }

    private static void AssertConsistent(ManifoldResult result)
    {
        var s = result.Stages;
        RunContractAssert.Consistent(result,
        [
            new("escape", s.Escape?.Time), new("spikeSaturation", s.SpikeSaturation?.Time), new("switching", s.Switching?.Time),
            new("firstSwitch:0", s.FirstSwitch[0]?.Time), new("firstSwitch:1", s.FirstSwitch[1]?.Time), new("firstSwitch:2", s.FirstSwitch[2]?.Time),
            new("lossBelow:0.001", s.TimeToLoss(1e-3)?.Time), new("lossBelow:1E-05", s.TimeToLoss(1e-5)?.Time), new("equilibrium", s.Equilibrium?.Time),
        ]);
        IRunResult run = result;
        Assert.Same(s, ((IRunResult<ManifoldTrajectory, StageTimes>)result).Markers);
        Assert.Equal(new SimulationStatistics(result.Statistics.Method, result.Statistics.Steps, 0, result.Statistics.Evaluations), run.Statistics);
        Assert.Equal(TimeUnit.Time, run.Trajectory.Unit);
        // Row i holds sample i: k, t (flow time), the coordinates, the loss and the alignments.
        for (int i = 0; i < run.Trajectory.RowCount; i++)
        {
            var sample = result.Trajectory.Samples[i];
            var row = run.Trajectory.Row(i);
            Assert.Equal(sample.Index, row[0]);
            Assert.Equal(sample.Time, row[1]);
            Assert.Equal(sample.Coordinates, row.Skip(2).Take(3));
            Assert.Equal(sample.Loss, row[5]);
            Assert.Equal(sample.Alignments.SignalVsSpike, row[8]);
        }
    }

    public static TheoryData<ManifoldMethod> Methods => [.. Enum.GetValues<ManifoldMethod>()];

    [Theory]
    [MemberData(nameof(Methods))]
    public void ReducedRunsAreTheSameRunThroughTheContract(ManifoldMethod method)
    {
        double root = Math.Sqrt(Model.Rho / Model.Alpha);
        var problem = method.IsDiscrete()
            ? new ManifoldProblem(Model, Model.Uniform(1e-3 * Model.SolutionSignal), method, method == ManifoldMethod.GradientDescent ? 20_000 : 2000, method == ManifoldMethod.GradientDescent ? Eta : 1e-3 * root)
            : new ManifoldProblem(Model, Model.Uniform(1e-3 * Model.SolutionSignal), method, 3 * root);
        var result = ReducedDynamics.Solve(problem);
        AssertConsistent(result);
        Assert.NotNull(((IRunResult)result).Markers.Times[0].Time); // every method escapes within these horizons
        Assert.Equal(method == ManifoldMethod.SpectralGradientFlow, ((IRunResult)result).Markers.Times[^1].Time is not null);
    }

    [Fact]
    public void AFullMatrixRunIsTheSameRunThroughTheContract()
    {
        var full = FullMatrixModel.FromManifold(Model);
        var q0 = RandomMatrices.Orthogonal(20, 20, 1);
        var result = FullMatrixDynamics.Solve(new FullMatrixProblem(full, full.Frame!.Embed(Model.Uniform(1e-3 * Model.SolutionSignal), q0),
            ManifoldMethod.GradientDescent, 150, Eta), new FullMatrixOptions { Frame = q0 });
        AssertConsistent(result);
        Assert.Equal("distance", ((IRunResult)result).Trajectory.Columns[^1]);
    }

    [Fact]
    public void ADivergingRunIsARunFailureAtItsStep()
    {
        var e = Assert.Throws<ManifoldDivergedException>(() => ReducedDynamics.Solve(
            new ManifoldProblem(Model, Model.Uniform(0.1), ManifoldMethod.GradientDescent, 1000, 2.0)));
        var failure = RunContractAssert.Failure(e, e.Step!.Value * 2.0, e.Step, e.Partial);
        Assert.True(failure.PartialTrajectory!.RowCount > 0);
    }

    [Fact]
    public void APolarIterationThatDoesNotConvergeIsARunFailureWithoutATime()
    {
        var g = DenseMatrix.OfArray(new double[,] { { 1e4, 0 }, { 0, 1 } });
        var e = Assert.Throws<ManifoldSolverException>(() => PolarFactor.Compute(g, new PolarOptions { Method = PolarMethod.NewtonSchulz, MaxIterations = 1 }));
        RunContractAssert.Failure(e, double.NaN, null, null);
    }
}
