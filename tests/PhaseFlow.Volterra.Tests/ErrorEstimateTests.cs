
namespace PhaseFlow.Volterra.Tests;

public class ErrorEstimateTests
{
    public static TheoryData<string, VolterraMethod> Cases()
    {
        var data = new TheoryData<string, VolterraMethod>();
        foreach (var name in new[] { "exp", "cosh", "rotation", "cos t", "exp-sum" })
            foreach (var method in new[] { VolterraMethod.Trapezoidal, VolterraMethod.Gregory4 })
                data.Add(name, method);
        return data;
    }

    private static ClosedForm Form(string name) => name switch
    {
        "exp" => ClosedForms.ExponentialGeneral(),
        "cosh" => ClosedForms.Cosh(2),
        "rotation" => ClosedForms.Rotation(),
        "cos t" => ClosedForms.Manufactured("exponential"),
        "exp-sum" => ClosedForms.ExponentialSum(0.5, 3, 4),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>The estimate |u_2N − u_N|/(2^p − 1) is the fine grid's error up to O(h^{p+1}) (measured ratios
    /// 0.73 … 1.02 from N = 16 on): the window [0.5, 2] holds from N = 32.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void RichardsonEstimateIsWithinAFactorTwoOfTheTrueError(string name, VolterraMethod method)
    {
        var form = Form(name);
        foreach (int steps in new[] { 32, 100 })
        {
            var solution = VolterraSolver.Solve(form.Problem, new VolterraOptions { Method = method, Steps = steps, EstimateError = true });
            double ratio = solution.MaxErrorEstimate!.Value / form.MaxError(solution);
            Assert.InRange(ratio, 0.5, 2);
            Assert.Equal(steps + 1, solution.ErrorEstimate!.Length);
            Assert.Equal(2, solution.Statistics.Solves);
        }
    }

    /// <summary>Tolerance mode accepts when every point's estimate is ≤ tol · max(1, ‖u_i‖_∞); the true error, scaled
    /// the same way, must then be below tol too.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void ToleranceModeMeetsItsToleranceAgainstTheExactSolution(string name, VolterraMethod method)
    {
        var form = Form(name);
        double[] tolerances = method == VolterraMethod.Trapezoidal ? [1e-3, 1e-5] : [1e-4, 1e-7, 1e-10];
        foreach (double tolerance in tolerances)
        {
            var solution = VolterraSolver.Solve(form.Problem, new VolterraOptions { Method = method, Tolerance = tolerance });
            var exact = new double[solution.Dimension];
            double worst = 0;
            for (int i = 0; i < solution.Times.Length; i++)
            {
                form.Exact(solution.Times[i], exact);
                var u = solution.At(i);
                double error = 0, size = 1;
                for (int c = 0; c < exact.Length; c++)
                {
                    error = Math.Max(error, Math.Abs(u[c] - exact[c]));
                    size = Math.Max(size, Math.Abs(u[c]));
                }
                worst = Math.Max(worst, error / size);
            }
            Assert.True(worst <= tolerance, $"tol {tolerance:E0}: scaled error {worst:E2} with N = {solution.Statistics.Steps}");
            Assert.NotNull(solution.ErrorEstimate);
        }
    }

    [Fact]
    public void ToleranceBeyondMaxStepsThrowsWithTheBestEstimate()
    {
        var ex = Assert.Throws<VolterraSolverException>(() => VolterraSolver.Solve(ClosedForms.Cosh(2).Problem,
            new VolterraOptions { Method = VolterraMethod.Trapezoidal, Tolerance = 1e-12, MaxSteps = 256 }));
        Assert.Equal(VolterraFailureReason.ToleranceNotReached, ex.Reason);
        Assert.Contains("best scaled error estimate", ex.Message);
        Assert.Equal(2, ex.Time);
    }
}
