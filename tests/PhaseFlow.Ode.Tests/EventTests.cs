
namespace PhaseFlow.Ode.Tests;

public class EventTests
{
    public static TheoryData<string> Methods => ["dopri5", "rodas4"];

    private static IOdeSolver Create(string method, OdeProblem p) => method == "dopri5"
        ? ExplicitRungeKutta.DormandPrince54()
        : Rosenbrock.Rodas4(DenseJacobianSolver.FiniteDifference(p.Dimension, p.Function));

    [Theory]
    [MemberData(nameof(Methods))]
    public void TerminalEventStopsAtTheImpact(string method)
    {
        // Free fall from height 10: impact at t = √(2·10/g).
        const double g = 9.81;
        var p = new OdeProblem((_, y, dy) => { dy[0] = y[1]; dy[1] = -g; }, 0, [10.0, 0], 100);
        var sol = Create(method, p).Solve(p, new OdeOptions
        {
            RelativeTolerance = 1e-10,
            AbsoluteTolerance = 1e-12,
            OutputTimes = [0.5, 1, 50],
            Events = [new OdeEvent("ground", (_, y) => y[0], EventDirection.Falling, Terminal: true)],
        });
        double impact = Math.Sqrt(20 / g);
        Assert.NotNull(sol.TerminalEvent);
        Assert.Equal(impact, sol.T, 1e-9);
        Assert.Equal(0, sol.Y[0], 1e-9);
        Assert.Equal(-g * impact, sol.Y[1], 1e-8);
        Assert.Equal([0.5, 1], sol.OutputTimes); // nothing after the impact
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void NonTerminalEventsAreAllFoundWithTheirDirection(string method)
    {
        // y = sin t: zeros at π, 2π, 3π; rising only at 2π.
        var p = new OdeProblem((t, _, dy) => dy[0] = Math.Cos(t), 0, [0.0], 10);
        var sol = Create(method, p).Solve(p, new OdeOptions
        {
            RelativeTolerance = 1e-10,
            AbsoluteTolerance = 1e-12,
            Events =
            [
                new OdeEvent("any", (_, y) => y[0]),
                new OdeEvent("rising", (_, y) => y[0], EventDirection.Rising),
            ],
        });
        var any = sol.Events.Where(e => e.Name == "any").Select(e => e.T).ToArray();
        Assert.Equal(3, any.Length);
        for (int k = 0; k < 3; k++) Assert.Equal((k + 1) * Math.PI, any[k], 1e-8);
        var rising = Assert.Single(sol.Events, e => e.Name == "rising");
        Assert.Equal(2 * Math.PI, rising.T, 1e-8);
        Assert.Equal(10, sol.T);
        Assert.Null(sol.TerminalEvent);
        Assert.True(sol.Events.Select(e => e.T).SequenceEqual(sol.Events.Select(e => e.T).Order()));
    }
}
