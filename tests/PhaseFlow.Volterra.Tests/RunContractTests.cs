using PhaseFlow.Foundation;

namespace PhaseFlow.Volterra.Tests;

/// <summary>The Volterra solvers' failure seen through the run contract.</summary>
public class RunContractTests
{
    /// <summary>u = 1 + ∫u² with h = 1 (trapezoid) has no real first step (see ValidationTests): a run failure at t = 1, with
    /// no step and no trajectory (the solver records none).</summary>
    [Fact]
    public void ASolverFailureIsARunFailureAtItsTime()
    {
        var kernel = new GeneralKernel(1, (t, s, u, k) => k[0] = u[0] * u[0]);
        var e = Assert.Throws<VolterraSolverException>(() => VolterraSolver.Solve(new VolterraProblem((t, f) => f[0] = 1, kernel, 10),
            new VolterraOptions { Method = VolterraMethod.Trapezoidal, Steps = 10 }));
        var failure = Assert.IsAssignableFrom<RunFailedException>(e);
        Assert.Equal(1, failure.Time);
        Assert.Null(failure.Step);
        Assert.Null(failure.PartialTrajectory);
        Assert.Contains("t = 1", failure.Message);
    }
}
