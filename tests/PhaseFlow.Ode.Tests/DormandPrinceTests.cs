
namespace PhaseFlow.Ode.Tests;

public class DormandPrinceTests
{
    private static readonly ExplicitRungeKutta Solver = ExplicitRungeKutta.DormandPrince54();

    // y' = −y + cos t, y(0) = 1: y = (cos t + sin t)/2 + e^{−t}/2.
    private static OdeProblem Forced(double tEnd) => new((t, y, dy) => dy[0] = -y[0] + Math.Cos(t), 0, [1.0], tEnd);
    private static double ForcedExact(double t) => 0.5 * (Math.Cos(t) + Math.Sin(t)) + 0.5 * Math.Exp(-t);

    // Logistic y' = y(1 − y), y(0) = 0.1, and a rotation (two components): y = (cos t, sin t).
    private static OdeProblem LogisticAndRotation(double tEnd) => new((_, y, dy) =>
    {
        dy[0] = y[0] * (1 - y[0]);
        dy[1] = -y[2];
        dy[2] = y[1];
    }, 0, [0.1, 1, 0], tEnd);

    private static double[] LogisticAndRotationExact(double t) => [1 / (1 + 9 * Math.Exp(-t)), Math.Cos(t), Math.Sin(t)];

    private static double MaxError(IReadOnlyList<double> y, double[] exact) => y.Select((v, i) => Math.Abs(v - exact[i])).Max();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void FixedStepOrderIsFive(int problemIndex)
    {
        int[] counts = [8, 16, 32, 64];
        var errors = counts.Select(n =>
        {
            var (problem, exact) = problemIndex == 0
                ? (Forced(4), new[] { ForcedExact(4) })
                : (LogisticAndRotation(4), LogisticAndRotationExact(4));
            var sol = Solver.Solve(problem, new OdeOptions { FixedStep = 4.0 / n });
            return MaxError(sol.Y, exact);
        }).ToArray();
        for (int i = 1; i < errors.Length; i++)
        {
            double order = Math.Log2(errors[i - 1] / errors[i]);
            Assert.InRange(order, 4.7, 5.4);
        }
    }

    [Fact]
    public void GlobalErrorScalesWithTolerance()
    {
        double Error(double tol) => MaxError(
            Solver.Solve(LogisticAndRotation(10), new OdeOptions { RelativeTolerance = tol, AbsoluteTolerance = tol }).Y,
            LogisticAndRotationExact(10));
        double coarse = Error(1e-5), fine = Error(1e-8);
        // Error per unit step control: the global error follows the tolerance, within a factor 10 over 3 decades.
        Assert.True(fine < coarse / 100, $"coarse {coarse:E2}, fine {fine:E2}");
        Assert.True(fine < 100 * 1e-8, $"fine {fine:E2}");
    }

    [Fact]
    public void ComponentwiseTolerancesControlEachComponent()
    {
        // Loose tolerances on the rotation components, tight on the logistic one: the logistic error must follow its own.
        var options = new OdeOptions { RelativeTolerances = [1e-10, 1e-3, 1e-3], AbsoluteTolerances = [1e-12, 1e-3, 1e-3] };
        var sol = Solver.Solve(LogisticAndRotation(10), options);
        var exact = LogisticAndRotationExact(10);
        Assert.True(Math.Abs(sol.Y[0] - exact[0]) < 1e-8);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Solver.Solve(LogisticAndRotation(1), new OdeOptions { RelativeTolerances = [1e-6] }));
        Assert.Equal("RelativeTolerances", e.ParamName);
    }

    [Fact]
    public void DenseOutputIsAccurateBetweenSteps()
    {
        var times = Enumerable.Range(0, 201).Select(i => i * 0.05).ToArray();
        var options = new OdeOptions { RelativeTolerance = 1e-9, AbsoluteTolerance = 1e-12 };
        var sol = Solver.Solve(LogisticAndRotation(10), options with { OutputTimes = times });
        var plain = Solver.Solve(LogisticAndRotation(10), options);
        Assert.Equal(times, sol.OutputTimes);
        Assert.Equal(plain.Statistics.AcceptedSteps, sol.Statistics.AcceptedSteps); // outputs come from dense output, not shortened steps
        double worst = times.Select((t, i) => MaxError(sol.OutputStates[i], LogisticAndRotationExact(t))).Max();
        Assert.True(worst < 1e-7, $"dense-output error {worst:E2}");
    }

    [Fact]
    public void StepsGrowGeometricallyOverManyDecades()
    {
        // y' = 1/(1+t): y = log(1 + t), to t = 1e12. Steps must grow by factors, not stay bounded.
        var sol = Solver.Solve(new OdeProblem((t, _, dy) => dy[0] = 1 / (1 + t), 0, [0.0], 1e12),
            new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-10 });
        Assert.True(sol.Statistics.AcceptedSteps < 3000, $"{sol.Statistics.AcceptedSteps} steps");
        Assert.Equal(Math.Log(1 + 1e12), sol.Y[0], 1e-6 * Math.Log(1e12));
        Assert.True(sol.Statistics.MaxStep > 1e10);
    }

    [Fact]
    public void StepCallbackSeesDenseOutputAndCanStop()
    {
        double stopAt = double.NaN;
        var sol = Solver.Solve(Forced(10), new OdeOptions
        {
            StepCallback = step =>
            {
                var mid = new double[1];
                double tm = 0.5 * (step.TStart + step.TEnd);
                step.Interpolate(tm, mid);
                Assert.Equal(ForcedExact(tm), mid[0], 1e-4);
                if (step.TEnd > 3) { stopAt = step.TEnd; return false; }
                return true;
            },
        });
        Assert.True(sol.StoppedByCallback);
        Assert.Equal(stopAt, sol.T);
        Assert.Equal(ForcedExact(sol.T), sol.Y[0], 1e-5);
    }

    [Fact]
    public void StepLimitIsReportedWithTime()
    {
        var e = Assert.Throws<OdeIntegrationException>(() => Solver.Solve(Forced(100), new OdeOptions { MaxSteps = 5 }));
        Assert.Equal(OdeFailure.MaxStepsExceeded, e.Failure);
        Assert.InRange(e.T, 0, 100);
        Assert.Contains("step limit", e.Message);
    }

    [Fact]
    public void NonFiniteValuesAreReportedWhereTheyStart()
    {
        var problem = new OdeProblem((t, y, dy) => dy[0] = t < 1 ? -y[0] : double.NaN, 0, [1.0], 5);
        var e = Assert.Throws<OdeIntegrationException>(() => Solver.Solve(problem, new OdeOptions()));
        Assert.Equal(OdeFailure.NonFiniteValues, e.Failure);
        Assert.InRange(e.T, 0.9, 1.0);
        var fixedStep = Assert.Throws<OdeIntegrationException>(() => Solver.Solve(problem, new OdeOptions { FixedStep = 0.1 }));
        Assert.Equal(OdeFailure.NonFiniteValues, fixedStep.Failure);
    }

    [Theory]
    [InlineData("RelativeTolerance")]
    [InlineData("AbsoluteTolerance")]
    [InlineData("MaxStep")]
    [InlineData("OutputTimes")]
    [InlineData("FixedStep")]
    public void InvalidOptionsNameTheParameter(string parameter)
    {
        var options = parameter switch
        {
            "RelativeTolerance" => new OdeOptions { RelativeTolerance = 0 },
            "AbsoluteTolerance" => new OdeOptions { AbsoluteTolerance = -1 },
            "MaxStep" => new OdeOptions { MaxStep = 0 },
            "OutputTimes" => new OdeOptions { OutputTimes = [2, 1] },
            _ => new OdeOptions { FixedStep = double.NaN },
        };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Solver.Solve(Forced(3), options));
        Assert.Equal(parameter, e.ParamName);
    }

    [Fact]
    public void InvalidProblemIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OdeProblem((_, _, _) => { }, 0, [1.0], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OdeProblem((_, _, _) => { }, 0, [double.NaN], 1));
        Assert.Throws<ArgumentException>(() => new OdeProblem((_, _, _) => { }, 0, [], 1));
    }

    [Fact]
    public void CancellationStopsTheRun()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => Solver.Solve(Forced(3), new OdeOptions(), null, cts.Token));
    }

    [Fact]
    public void ProgressReachesTheEnd()
    {
        var reports = new List<OdeProgress>();
        Solver.Solve(Forced(3), new OdeOptions(), new Sync(reports.Add));
        Assert.Equal(3, reports[^1].T);
        Assert.Equal(1, reports[^1].Fraction);
    }

    [Fact]
    public void TableauIsConsistent()
    {
        var tab = ExplicitRungeKuttaTableau.DormandPrince54;
        Assert.Equal(7, tab.Stages);
        Assert.Equal(0, tab.ErrorWeights!.Sum(), 14);
        // The dense output reproduces b at θ = 1 and k1 as the slope at θ = 0.
        var w = new double[7];
        tab.DenseOutput!(1, w);
        for (int i = 0; i < 7; i++) Assert.Equal(tab.B[i], w[i], 14);
        double eps = 1e-7;
        tab.DenseOutput(eps, w);
        Assert.Equal(1, w[0] / eps, 5);
    }

    private sealed class Sync(Action<OdeProgress> action) : IProgress<OdeProgress>
    {
        public void Report(OdeProgress value) => action(value);
    }
}
