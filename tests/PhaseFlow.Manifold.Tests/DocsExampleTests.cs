
namespace PhaseFlow.Manifold.Tests;

/// <summary>The usage example of docs/manifold.md §6, kept compiling and checked.</summary>
public class DocsExampleTests
{
    [Fact]
    public void TheDocumentedExampleRunsAndPrintsWhatTheDocsSay()
    {
        var console = new StringWriter();

        var parameters = SpikedManifold.FromKappa(kappa: 10, dimension: 100) with { LossScale = 0.25 };
        var model = parameters.ToModel();                                  // groups a, b, c
        var gd = ReducedDynamics.Solve(new ManifoldProblem(model, model.Uniform(1e-3), ManifoldMethod.GradientDescent, horizon: 200, stepSize: 0.05));
        console.WriteLine($"max b/a {gd.Extremes.MaxSpikeRatio:F2} at step {gd.Extremes.MaxSpikeRatioAt.Step}");   // 28.19 at step 13

        var flow = ReducedDynamics.Solve(new ManifoldProblem(model, model.Uniform(1e-3), ManifoldMethod.SpectralGradientFlow, horizon: 2));
        console.WriteLine($"SpecGF at the solution at t = {flow.Stages.Equilibrium!.Time:F6}, {flow.Switches.Count} switching events");

        var full = FullMatrixModel.FromManifold(SpikedManifold.FromKappa(10, 16).ToModel());
        var q0 = RandomMatrices.Orthogonal(16, 20, seed: 1);
        var run = FullMatrixDynamics.Solve(
            new FullMatrixProblem(full, full.Frame!.Embed(model.Uniform(1e-3), q0), ManifoldMethod.SpectralGradientDescent, steps: 100, stepSize: 1e-2),
            new FullMatrixOptions { Frame = q0, Polar = new PolarOptions { Method = PolarMethod.NewtonSchulz } });
        console.WriteLine($"max distance from the manifold {run.Extremes.MaxDistance:E1}");

        var lines = console.ToString().Split('\n');
        Assert.Equal("max b/a 28.19 at step 13", lines[0].TrimEnd());
        Assert.StartsWith("SpecGF at the solution at t = 1.00393", lines[1], StringComparison.Ordinal);
        Assert.True(run.Extremes.MaxDistance < 1e-12);
    }
}
