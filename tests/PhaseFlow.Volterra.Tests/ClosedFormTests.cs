using PhaseFlow.Volterra;

namespace PhaseFlow.Volterra.Tests;

/// <summary>Closed forms and measured orders. All deterministic: no drawn parameters.</summary>
public class ClosedFormTests
{
    public static TheoryData<string> FormNames() =>
        ["exp general", "cosh", "cos", "rotation", "cos t general", "cos t convolution", "cos t exponential", "cos t exponential fd", "exp-sum"];

    private static ClosedForm Form(string name) => name switch
    {
        "exp general" => ClosedForms.ExponentialGeneral(),
        "cosh" => ClosedForms.Cosh(2),
        "cos" => ClosedForms.Cosh(-4),
        "rotation" => ClosedForms.Rotation(),
        "cos t general" => ClosedForms.Manufactured("general"),
        "cos t convolution" => ClosedForms.Manufactured("convolution"),
        "cos t exponential" => ClosedForms.Manufactured("exponential"),
        "cos t exponential fd" => ClosedForms.Manufactured("exponential", jacobian: false),
        "exp-sum" => ClosedForms.ExponentialSum(0.5, 3, 4),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    /// <summary>Least-squares slope of −log error against log N over N = 32 … 512. At N = 512 the Gregory errors are
    /// still ≥ 1e-10, far above rounding (~1e-14 on these O(10) solutions), so the slope is the method's.</summary>
    [Theory]
    [MemberData(nameof(FormNames))]
    public void MeasuredOrdersAreTwoAndFour(string name)
    {
        var form = Form(name);
        foreach (var (method, order) in new[] { (VolterraMethod.Trapezoidal, 2), (VolterraMethod.Gregory4, 4) })
        {
            int[] steps = [32, 64, 128, 256, 512];
            var x = steps.Select(n => Math.Log(n)).ToArray();
            var y = steps.Select(n => -Math.Log(form.MaxError(VolterraSolver.Solve(form.Problem, new VolterraOptions { Method = method, Steps = n })))).ToArray();
            double mx = x.Average(), my = y.Average();
            double slope = x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my)) / x.Sum(v => (v - mx) * (v - mx));
            Assert.True(Math.Abs(slope - order) <= 0.3, $"{method} on {name}: measured order {slope:F3}, expected {order}");
        }
    }

    [Theory]
    [MemberData(nameof(FormNames))]
    public void GregoryAtTwoHundredStepsIsAccurate(string name)
    {
        var form = Form(name);
        var solution = VolterraSolver.Solve(form.Problem, new VolterraOptions { Steps = 200 });
        // Measured at N = 200: ≤ 1.1e-7 (exp-sum, the largest constant); 1e-6 leaves room for the constant only.
        Assert.True(form.MaxError(solution) <= 1e-6, $"error {form.MaxError(solution):E2}");
        Assert.Equal(4, solution.Statistics.Order);
        Assert.Equal(201, solution.Times.Length);
        Assert.Equal(form.Problem.TEnd, solution.Times[^1]);
    }

    /// <summary>Θ = −t and β = 4 on [0, 300]: βΘ reaches −1200, so e^{−βΘ(τ)} = e^{1200} would overflow; the running
    /// sums only exponentiate β(Θ_{n+1} − Θ_n) = −0.04.</summary>
    [Fact]
    public void ExponentialSumWithThetaToMinusInfinityStaysAccurate()
    {
        var form = ClosedForms.ExponentialSum(4, 1, 300);
        Assert.True(double.IsPositiveInfinity(Math.Exp(-4 * -300.0)));
        var solution = VolterraSolver.Solve(form.Problem, new VolterraOptions { Steps = 30_000, History = HistoryAlgorithm.Fast });
        // ah = 0.04: Gregory's error ~ (ah)^4 = 2.6e-6 times a small constant; measured 2.9e-8.
        Assert.True(form.MaxError(solution) <= 1e-7, $"error {form.MaxError(solution):E2}");
        Assert.Equal(HistoryAlgorithm.Fast, solution.Statistics.History);
        Assert.Equal(4.0 / 3, solution.At(30_000)[0], 1e-7);
    }

    [Fact]
    public void LinearKernelsTakeOneNewtonIterationPerStep()
    {
        var form = ClosedForms.Cosh(2);
        var solution = VolterraSolver.Solve(form.Problem, new VolterraOptions { Method = VolterraMethod.Trapezoidal, Steps = 300 });
        Assert.Equal(300, solution.Statistics.NewtonIterations);
        var nonlinear = VolterraSolver.Solve(ClosedForms.Manufactured("convolution").Problem, new VolterraOptions { Method = VolterraMethod.Trapezoidal, Steps = 300 });
        Assert.True(nonlinear.Statistics.NewtonIterations > 300);
        Assert.True(nonlinear.Statistics.FftCount > 0);
    }

    [Fact]
    public void TinyGridsUseTheStartingProcedureOnly()
    {
        var form = ClosedForms.Cosh(2, tEnd: 0.2);
        foreach (int steps in new[] { 1, 2, 3, 4, 5 })
        {
            var solution = VolterraSolver.Solve(form.Problem, new VolterraOptions { Steps = steps });
            // Starting values: extrapolated trapezoid with h/16 = 0.2/16 or finer: error ~ 1e-9 at most.
            Assert.True(form.MaxError(solution) <= 1e-7, $"N = {steps}: {form.MaxError(solution):E2}");
        }
    }

    /// <summary>Interpolation through p points has error O(h^p): halving h divides the midpoint error by about 2^p.</summary>
    [Theory]
    [InlineData(VolterraMethod.Trapezoidal, 3.0)]
    [InlineData(VolterraMethod.Gregory4, 12.0)]
    public void InterpolationHasTheMethodsOrder(VolterraMethod method, double minimumRatio)
    {
        var form = ClosedForms.Rotation();
        double MidpointError(int steps)
        {
            var solution = VolterraSolver.Solve(form.Problem, new VolterraOptions { Method = method, Steps = steps });
            var u = new double[2];
            var exact = new double[2];
            double error = 0;
            for (int i = 0; i < steps; i++)
            {
                double t = (solution.Times[i] + solution.Times[i + 1]) / 2;
                solution.Interpolate(t, u);
                form.Exact(t, exact);
                error = Math.Max(error, Math.Max(Math.Abs(u[0] - exact[0]), Math.Abs(u[1] - exact[1])));
            }
            return error;
        }
        double coarse = MidpointError(32), fine = MidpointError(64);
        Assert.True(coarse / fine >= minimumRatio, $"{coarse:E2} → {fine:E2}");
        var s = VolterraSolver.Solve(form.Problem, new VolterraOptions { Method = method, Steps = 10 });
        var at = new double[2];
        s.Interpolate(s.Times[3], at);
        Assert.Equal(s.At(3)[0], at[0], 1e-14);
        Assert.Equal(s.Component(1)[3], at[1], 1e-14);
    }

    [Fact]
    public void ProgressEndsAtOneAndCancellationIsHonoured()
    {
        var reports = new List<double>();
        var progress = new SynchronousProgress(reports.Add);
        VolterraSolver.Solve(ClosedForms.Cosh(2).Problem, new VolterraOptions { Steps = 1001, Progress = progress });
        Assert.Equal(1.0, reports[^1]);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.Second > p.First));
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            VolterraSolver.Solve(ClosedForms.Cosh(2).Problem, new VolterraOptions { Steps = 1000, CancellationToken = cts.Token }));
    }

    private sealed class SynchronousProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }

    /// <summary>The usage example of docs/volterra-solvers.md.</summary>
    [Fact]
    public void DocumentationExampleRuns()
    {
        var problem = new VolterraProblem((t, f) => f[0] = 1, ConvolutionKernel.Scalar(Math.Cos), 10);
        var solution = VolterraSolver.Solve(problem, new VolterraOptions { Steps = 1 << 16 });
        double uEnd = solution.At(solution.Times.Length - 1)[0];
        Assert.Equal(1 + 2 / Math.Sqrt(3) * Math.Exp(5) * Math.Sin(Math.Sqrt(3) * 5), uEnd, 1e-9);

        var nonlinear = new ExponentialSumKernel(1, [1.0], [-1.0], t => t, (t, u, g) => g[0] = Math.Sin(u[0]));
        var adaptive = VolterraSolver.Solve(new VolterraProblem((t, f) => f[0] = Math.Cos(t), nonlinear, 5),
            new VolterraOptions { Tolerance = 1e-9 });
        Span<double> u = stackalloc double[1];
        adaptive.Interpolate(2.5, u);
        Assert.True(adaptive.MaxErrorEstimate <= 1e-9 * 2);
        Assert.True(double.IsFinite(u[0]));
    }
}
