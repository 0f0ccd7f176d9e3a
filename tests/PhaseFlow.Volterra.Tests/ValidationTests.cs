using PhaseFlow.Foundation;

namespace PhaseFlow.Volterra.Tests;

public class ValidationTests
{
    private static readonly VolterraForcing One = (t, f) => f.Fill(1);
    private static readonly VolterraProblem Linear = ClosedForms.Cosh(2).Problem;

    private static void AssertParameter(string parameter, Action action)
    {
        var ex = Assert.Throws<InvalidParameterException>(action);
        Assert.Equal(parameter, ex.Parameter);
        Assert.StartsWith(parameter + " must be ", ex.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void TEndMustBeFiniteAndPositive(double tEnd)
    {
        AssertParameter("TEnd", () => _ = new VolterraProblem(One, ConvolutionKernel.Scalar(x => 1), tEnd));
        AssertParameter("TEnd", () => _ = Linear with { TEnd = tEnd });
    }

    [Fact]
    public void KernelsCheckTheirParameters()
    {
        AssertParameter("dimension", () => _ = new GeneralKernel(0, (t, s, u, k) => { }));
        AssertParameter("dimension", () => _ = ConvolutionKernel.Matrix(-1, (x, k) => { }));
        AssertParameter("coefficients", () => _ = new ExponentialSumKernel(1, [], [], t => t));
        AssertParameter("rates", () => _ = new ExponentialSumKernel(1, [1.0, 2.0], [1.0], t => t));
        AssertParameter("coefficients[1]", () => _ = new ExponentialSumKernel(1, [1.0, double.NaN], [1.0, 1.0], t => t));
        AssertParameter("rates[0]", () => _ = new ExponentialSumKernel(1, [1.0], [double.PositiveInfinity], t => t));
        Assert.Throws<ArgumentNullException>(() => ConvolutionKernel.Scalar(null!));
        Assert.Throws<ArgumentNullException>(() => new VolterraProblem(null!, ConvolutionKernel.Scalar(x => 1), 1));
    }

    [Fact]
    public void OptionsAreCheckedAndNamed()
    {
        AssertParameter("options.Steps", () => VolterraSolver.Solve(Linear, new VolterraOptions { Steps = 0 }));
        AssertParameter("options.Steps", () => VolterraSolver.Solve(Linear, new VolterraOptions()));
        AssertParameter("options.Steps", () => VolterraSolver.Solve(Linear, new VolterraOptions { Steps = 100, MaxSteps = 50 }));
        AssertParameter("options.Tolerance", () => VolterraSolver.Solve(Linear, new VolterraOptions { Tolerance = 0 }));
        AssertParameter("options.Tolerance", () => VolterraSolver.Solve(Linear, new VolterraOptions { Tolerance = double.NaN }));
        AssertParameter("options.NewtonTolerance", () => VolterraSolver.Solve(Linear, new VolterraOptions { Steps = 10, NewtonTolerance = 0 }));
        AssertParameter("options.MaxNewtonIterations", () => VolterraSolver.Solve(Linear, new VolterraOptions { Steps = 10, MaxNewtonIterations = 0 }));
        AssertParameter("options.MaxSteps", () => VolterraSolver.Solve(Linear, new VolterraOptions { Steps = 10, MaxSteps = 0 }));
        AssertParameter("options.Method", () => VolterraSolver.Solve(Linear, new VolterraOptions { Steps = 10, Method = (VolterraMethod)7 }));
        AssertParameter("options.History", () => VolterraSolver.Solve(ClosedForms.ExponentialGeneral().Problem,
            new VolterraOptions { Steps = 10, History = HistoryAlgorithm.Fast }));
        Assert.Throws<ArgumentNullException>(() => VolterraSolver.Solve(null!));
    }

    [Fact]
    public void SolutionAccessorsCheckTheirArguments()
    {
        var solution = VolterraSolver.Solve(Linear, new VolterraOptions { Steps = 10 });
        AssertParameter("c", () => solution.Component(1));
        AssertParameter("t", () => solution.Interpolate(2.5, new double[1]));
        AssertParameter("t", () => solution.Interpolate(-0.1, new double[1]));
        AssertParameter("u", () => solution.Interpolate(1, new double[2]));
        Assert.Null(solution.ErrorEstimate);
        Assert.Null(solution.MaxErrorEstimate);
        Assert.Equal(HistoryAlgorithm.Fast, solution.Statistics.History);
    }

    /// <summary>u = 1 + ∫u² with h = 1 (trapezoid): the first step asks u − u²/2 = 3/2, which has no real root.</summary>
    [Fact]
    public void NewtonFailureNamesTheTime()
    {
        var kernel = new GeneralKernel(1, (t, s, u, k) => k[0] = u[0] * u[0]);
        var ex = Assert.Throws<VolterraSolverException>(() => VolterraSolver.Solve(new VolterraProblem(One, kernel, 10),
            new VolterraOptions { Method = VolterraMethod.Trapezoidal, Steps = 10 }));
        Assert.Equal(VolterraFailureReason.NewtonDidNotConverge, ex.Reason);
        Assert.Equal(1, ex.Time);
        Assert.Contains("t = 1", ex.Message);
    }

    [Fact]
    public void NonFiniteValuesNameTheTime()
    {
        VolterraForcing forcing = (t, f) => f[0] = t > 0.5 ? double.NaN : 1;
        var ex = Assert.Throws<VolterraSolverException>(() => VolterraSolver.Solve(new VolterraProblem(forcing, ConvolutionKernel.Scalar(x => 1), 1),
            new VolterraOptions { Method = VolterraMethod.Trapezoidal, Steps = 10 }));
        Assert.Equal(VolterraFailureReason.NonFinite, ex.Reason);
        Assert.Equal(0.6, ex.Time, 1e-12);
        var theta = Assert.Throws<VolterraSolverException>(() => VolterraSolver.Solve(
            new VolterraProblem(One, new ExponentialSumKernel(1, [1.0], [1.0], t => t > 0.25 ? double.NegativeInfinity : -t), 1),
            new VolterraOptions { Steps = 8 }));
        Assert.Equal(VolterraFailureReason.NonFinite, theta.Reason);
        Assert.Equal(0.375, theta.Time);
    }

    /// <summary>A weakly singular kernel (t − τ)^{-1/2} u is infinite at τ = t, where every step evaluates it: NonFinite, as the
    /// reasons promise, not a Newton failure (issue 13: it was NewtonDidNotConverge, from the non-finite Newton matrix).</summary>
    [Fact]
    public void AKernelInfiniteOnTheDiagonalIsNonFinite()
    {
        var kernel = new GeneralKernel(1, (t, s, u, k) => k[0] = u[0] / Math.Sqrt(t - s));
        foreach (var method in new[] { VolterraMethod.Trapezoidal, VolterraMethod.Gregory4 })
        {
            var ex = Assert.Throws<VolterraSolverException>(() => VolterraSolver.Solve(new VolterraProblem(One, kernel, 1),
                new VolterraOptions { Method = method, Steps = 16 }));
            Assert.Equal(VolterraFailureReason.NonFinite, ex.Reason);
            Assert.Contains("not finite", ex.Message);
        }
        // The same with an analytic Jacobian, also infinite there, and for a nonlinear kernel.
        var nonlinear = new GeneralKernel(1, (t, s, u, k) => k[0] = u[0] * u[0] / (t - s), (t, s, u, j) => j[0] = 2 * u[0] / (t - s));
        var e2 = Assert.Throws<VolterraSolverException>(() => VolterraSolver.Solve(new VolterraProblem(One, nonlinear, 1),
            new VolterraOptions { Method = VolterraMethod.Trapezoidal, Steps = 16 }));
        Assert.Equal(VolterraFailureReason.NonFinite, e2.Reason);
    }
}
