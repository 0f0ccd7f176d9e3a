
namespace PhaseFlow.Ode.Tests;

/// <summary>Solvers and Jacobian solvers are immutable configurations: one instance shared by concurrent solves gives
/// every solve exactly (bit for bit) what a solve on its own gives.</summary>
public class ThreadSafetyTests
{
    private const int Solves = 64, Threads = 4;

    public static TheoryData<string> Solvers => ["dopri5", "tsit5", "rk4", "euler", "dop853", "rodas4-analytic", "rodas4-fd", "rodas4-lowrank", "rodas5p-analytic"];

    /// <summary>The problems of one solver: a family indexed by k, so that concurrent solves differ in every step.</summary>
    private static (IOdeSolver Solver, Func<int, OdeProblem> Problem, OdeOptions Options) Setup(string name)
    {
        var explicitOptions = new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-10 };
        var fixedOptions = new OdeOptions { FixedStep = 0.01 };
        var stiffOptions = new OdeOptions { RelativeTolerance = 1e-6, AbsoluteTolerance = 1e-9 };
        // Lotka–Volterra with k-dependent initial prey.
        OdeProblem LotkaVolterra(int k) => new((_, y, dy) =>
        {
            dy[0] = y[0] * (1.5 - y[1]);
            dy[1] = y[1] * (y[0] - 3);
        }, 0, [1 + k / 64.0, 1], 12);
        OdeProblem Hires(int k)
        {
            var y0 = StiffProblems.HiresStart.ToArray();
            y0[0] = 1 + k / 32.0;
            return new OdeProblem(StiffProblems.Hires, 0, y0, StiffProblems.HiresEnd);
        }
        return name switch
        {
            "dopri5" => (ExplicitRungeKutta.DormandPrince54(), LotkaVolterra, explicitOptions),
            "tsit5" => (ExplicitRungeKutta.Tsitouras54(), LotkaVolterra, explicitOptions),
            "rk4" => (ExplicitRungeKutta.ClassicalRungeKutta4(), LotkaVolterra, fixedOptions),
            "euler" => (ExplicitRungeKutta.Euler(), LotkaVolterra, fixedOptions),
            "dop853" => (new DormandPrince853(), LotkaVolterra, explicitOptions),
            "rodas4-analytic" => (Rosenbrock.Rodas4(DenseJacobianSolver.Analytic(8, StiffProblems.HiresJacobian), autonomous: true), Hires, stiffOptions),
            "rodas5p-analytic" => (Rosenbrock.Rodas5P(DenseJacobianSolver.Analytic(8, StiffProblems.HiresJacobian), autonomous: true), Hires, stiffOptions),
            "rodas4-fd" => (Rosenbrock.Rodas4(DenseJacobianSolver.FiniteDifference(8, StiffProblems.Hires), autonomous: true), Hires, stiffOptions),
            _ => LowRank(),
        };
    }

    /// <summary>f = −diag(λ) y − (a·y) a − 0.3 (b·y) b − 0.1 y³ (diagonal + rank 2 Jacobian), y(0) = (1 + k/64) 1.</summary>
    private static (IOdeSolver, Func<int, OdeProblem>, OdeOptions) LowRank()
    {
        const int n = 40;
        var lambda = Enumerable.Range(1, n).Select(i => 100 * Math.Pow(i, -2.0)).ToArray();
        var a = Enumerable.Range(0, n).Select(i => Math.Sin(i + 1.0)).ToArray();
        var b = Enumerable.Range(0, n).Select(i => Math.Cos(2.0 * i)).ToArray();
        void F(double t, ReadOnlySpan<double> y, Span<double> dy)
        {
            double ay = 0, by = 0;
            for (int i = 0; i < n; i++) { ay += a[i] * y[i]; by += b[i] * y[i]; }
            for (int i = 0; i < n; i++) dy[i] = -lambda[i] * y[i] - ay * a[i] - 0.3 * by * b[i] - 0.1 * y[i] * y[i] * y[i];
        }
        var jacobian = new DiagonalLowRankJacobianSolver(n, 2, (_, y, d, u, v) =>
        {
            for (int i = 0; i < n; i++)
            {
                d[i] = -lambda[i] - 0.3 * y[i] * y[i];
                u[i] = -a[i]; v[i] = a[i];
                u[n + i] = -0.3 * b[i]; v[n + i] = b[i];
            }
        });
        return (Rosenbrock.Rodas4(jacobian, autonomous: true),
            k => new OdeProblem(F, 0, Enumerable.Repeat(1 + k / 64.0, n).ToArray(), 20),
            new OdeOptions { RelativeTolerance = 1e-7, AbsoluteTolerance = 1e-10 });
    }

    [Theory]
    [MemberData(nameof(Solvers))]
    public void SharedInstanceGivesBitIdenticalResultsUnderConcurrency(string name)
    {
        var (solver, problem, options) = Setup(name);
        var sequential = Enumerable.Range(0, Solves).Select(k => solver.Solve(problem(k), options)).ToArray();

        var concurrent = new OdeSolution?[Solves];
        var failures = new Exception?[Solves];
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(w => new Thread(() =>
        {
            start.SignalAndWait();
            for (int k = w; k < Solves; k += Threads)
            {
                try { concurrent[k] = solver.Solve(problem(k), options); }
                catch (Exception e) { failures[k] = e; }
            }
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();

        for (int k = 0; k < Solves; k++)
        {
            Assert.True(failures[k] is null, $"{name}, solve {k}: {failures[k]}");
            var (s, c) = (sequential[k], concurrent[k]!);
            Assert.Equal(s.Statistics, c.Statistics);
            for (int i = 0; i < s.Y.Count; i++)
                Assert.True(BitConverter.DoubleToInt64Bits(s.Y[i]) == BitConverter.DoubleToInt64Bits(c.Y[i]),
                    $"{name}, solve {k}, y[{i}]: {s.Y[i]:R} alone, {c.Y[i]:R} shared");
        }
    }
}
