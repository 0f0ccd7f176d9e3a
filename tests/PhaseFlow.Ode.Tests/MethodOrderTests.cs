
namespace PhaseFlow.Ode.Tests;

/// <summary>Every method's measured order over a step sweep, on problems with closed-form solutions: within ±0.3 of design.</summary>
public class MethodOrderTests
{
    public static TheoryData<string, int> Methods => new()
    {
        { "euler", 1 }, { "rk4", 4 }, { "dopri5", 5 }, { "tsit5", 5 }, { "dop853", 8 }, { "rodas4", 4 }, { "rodas5p", 5 },
    };

    private static IOdeSolver Create(string name, OdeProblem p) => name switch
    {
        "euler" => ExplicitRungeKutta.Euler(),
        "rk4" => ExplicitRungeKutta.ClassicalRungeKutta4(),
        "dopri5" => ExplicitRungeKutta.DormandPrince54(),
        "tsit5" => ExplicitRungeKutta.Tsitouras54(),
        "dop853" => new DormandPrince853(),
        "rodas5p" => Rosenbrock.Rodas5P(DenseJacobianSolver.FiniteDifference(p.Dimension, p.Function)),
        _ => Rosenbrock.Rodas4(DenseJacobianSolver.FiniteDifference(p.Dimension, p.Function)),
    };

    // Logistic (nonlinear) and a forced linear equation, both with closed forms.
    private static OdeProblem Problem() => new((t, y, dy) =>
    {
        dy[0] = y[0] * (1 - y[0]);
        dy[1] = -y[1] + Math.Cos(t);
    }, 0, [0.1, 1.0], 2);

    private static double[] Exact(double t) => [1 / (1 + 9 * Math.Exp(-t)), 0.5 * (Math.Cos(t) + Math.Sin(t)) + 0.5 * Math.Exp(-t)];

    [Theory]
    [MemberData(nameof(Methods))]
    public void MeasuredOrderMatchesDesign(string method, int order)
    {
        // Step counts chosen so the error is far above rounding and in the asymptotic regime for each order.
        // Eighth order reaches rounding (1e-15) by 16 steps on [0, 2], so its sweep is 2, 4, 8.
        int n0 = order switch { 1 => 200, 4 => 10, 8 => 2, _ => 8 }, count = order >= 8 ? 3 : 4;
        var errors = Enumerable.Range(0, count).Select(k =>
        {
            int n = n0 << k;
            var p = Problem();
            var sol = Create(method, p).Solve(p, new OdeOptions { FixedStep = 2.0 / n });
            var exact = Exact(2);
            return Math.Max(Math.Abs(sol.Y[0] - exact[0]), Math.Abs(sol.Y[1] - exact[1]));
        }).ToArray();
        double measured = Math.Log2(errors[^2] / errors[^1]);
        Assert.InRange(measured, order - 0.3, order + 0.3);
    }

    [Theory]
    [InlineData("dopri5")]
    [InlineData("tsit5")]
    [InlineData("dop853")]
    [InlineData("rodas4")]
    [InlineData("rodas5p")]
    public void AdaptiveRunsMeetTheirToleranceAndInterpolate(string method)
    {
        var times = Enumerable.Range(0, 41).Select(i => i * 0.05).ToArray();
        var p = Problem();
        var sol = Create(method, p).Solve(p, new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-10, OutputTimes = times });
        double worst = times.Select((t, i) => Math.Max(Math.Abs(sol.OutputStates[i][0] - Exact(t)[0]), Math.Abs(sol.OutputStates[i][1] - Exact(t)[1]))).Max();
        Assert.True(worst < 1e-6, $"{method}: error {worst:E2} between steps");
    }

    [Fact]
    public void Dop853TableauIsConsistent() => Assert.True(DormandPrince853.MaxRowSumDefect() < 1e-14);

    [Fact]
    public void Dop853DenseOutputIsOfHighOrder()
    {
        // At a loose tolerance the steps are long; the 7th-order interpolant must still track the solution between them.
        var times = Enumerable.Range(0, 81).Select(i => i * 0.025).ToArray();
        var p = Problem();
        var sol = new DormandPrince853().Solve(p, new OdeOptions { RelativeTolerance = 1e-11, AbsoluteTolerance = 1e-13, OutputTimes = times });
        double worst = times.Select((t, i) => Math.Abs(sol.OutputStates[i][1] - Exact(t)[1])).Max();
        Assert.True(worst < 1e-9, $"error {worst:E2} with {sol.Statistics.AcceptedSteps} steps");
        Assert.True(sol.Statistics.AcceptedSteps < 30, $"{sol.Statistics.AcceptedSteps} steps");
    }

    [Fact]
    public void InterpolantsReproduceTheStepEnds()
    {
        foreach (var tab in new[] { ExplicitRungeKuttaTableau.Tsitouras54, ExplicitRungeKuttaTableau.ClassicalRungeKutta4, ExplicitRungeKuttaTableau.Euler })
        {
            var w = new double[tab.Stages];
            tab.DenseOutput!(1, w);
            for (int i = 0; i < tab.Stages; i++) Assert.Equal(tab.B[i], w[i], 12);
        }
    }

    /// <summary>Van der Pol in Hairer's scaled form, ε = 1e-6 (μ = 1e6 after rescaling), y(0) = (2, 0), to t = 2: the
    /// reference values of the IVP test set (vdpol).</summary>
    [Fact]
    public void VanDerPolStiffReference()
    {
        const double eps = 1e-6;
        var p = new OdeProblem((_, y, dy) =>
        {
            dy[0] = y[1];
            dy[1] = ((1 - y[0] * y[0]) * y[1] - y[0]) / eps;
        }, 0, [2.0, 0.0], 2);
        var jac = DenseJacobianSolver.Analytic(2, (_, y, j) =>
        {
            j[0, 0] = 0; j[0, 1] = 1;
            j[1, 0] = (-2 * y[0] * y[1] - 1) / eps; j[1, 1] = (1 - y[0] * y[0]) / eps;
        });
        var sol = Rosenbrock.Rodas4(jac, autonomous: true).Solve(p, new OdeOptions { RelativeTolerance = 1e-9, AbsoluteTolerance = 1e-9 });
        Assert.Equal(1.706167732170483, sol.Y[0], 1e-6);
        Assert.Equal(-0.8928097010247975, sol.Y[1], 1e-5);
        // An explicit method is held to h ≈ ε by stability: millions of steps; the L-stable method follows accuracy only.
        Assert.True(sol.Statistics.AcceptedSteps < 50_000, $"{sol.Statistics.AcceptedSteps} steps");
    }
}
