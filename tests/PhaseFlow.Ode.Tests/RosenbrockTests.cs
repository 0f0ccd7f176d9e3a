using MathNet.Numerics.LinearAlgebra;

namespace PhaseFlow.Ode.Tests;

public class RosenbrockTests
{
    private static OdeProblem Forced(double tEnd) => new((t, y, dy) => dy[0] = -y[0] + Math.Cos(t), 0, [1.0], tEnd);
    private static double ForcedExact(double t) => 0.5 * (Math.Cos(t) + Math.Sin(t)) + 0.5 * Math.Exp(-t);

    private static Rosenbrock DenseRodas4(OdeProblem p, bool autonomous = false) =>
        Rosenbrock.Rodas4(DenseJacobianSolver.FiniteDifference(p.Dimension, p.Function), autonomous);

    [Fact]
    public void FixedStepOrderIsFour()
    {
        int[] counts = [10, 20, 40, 80];
        var errors = counts.Select(n =>
        {
            var p = Forced(4);
            return Math.Abs(DenseRodas4(p).Solve(p, new OdeOptions { FixedStep = 4.0 / n }).Y[0] - ForcedExact(4));
        }).ToArray();
        for (int i = 1; i < errors.Length; i++) Assert.InRange(Math.Log2(errors[i - 1] / errors[i]), 3.7, 4.4);
    }

    [Fact]
    public void NonlinearFixedStepOrderIsFour()
    {
        // Logistic y' = y(1 − y), y(0) = 0.1, with an analytic Jacobian.
        var p = new OdeProblem((_, y, dy) => dy[0] = y[0] * (1 - y[0]), 0, [0.1], 4);
        double exact = 1 / (1 + 9 * Math.Exp(-4.0));
        int[] counts = [10, 20, 40, 80];
        var errors = counts.Select(n => Math.Abs(Rosenbrock.Rodas4(DenseJacobianSolver.Analytic(1, (_, y, j) => j[0, 0] = 1 - 2 * y[0]), autonomous: true)
            .Solve(p, new OdeOptions { FixedStep = 4.0 / n }).Y[0] - exact)).ToArray();
        for (int i = 1; i < errors.Length; i++) Assert.InRange(Math.Log2(errors[i - 1] / errors[i]), 3.7, 4.4);
    }

    [Fact]
    public void DenseOutputIsAccurateBetweenSteps()
    {
        var times = Enumerable.Range(0, 101).Select(i => i * 0.1).ToArray();
        var p = Forced(10);
        var sol = DenseRodas4(p).Solve(p, new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-10, OutputTimes = times });
        double worst = times.Select((t, i) => Math.Abs(sol.OutputStates[i][0] - ForcedExact(t))).Max();
        Assert.True(worst < 1e-6, $"dense-output error {worst:E2}");
    }

    /// <summary>Robertson's chemical kinetics to t = 1e11 against the reference of the IVP test set (Mazzia and Magherini).</summary>
    [Fact]
    public void RobertsonMatchesTheReferenceSolution()
    {
        var p = new OdeProblem((_, y, dy) =>
        {
            dy[0] = -0.04 * y[0] + 1e4 * y[1] * y[2];
            dy[1] = 0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] * y[1];
            dy[2] = 3e7 * y[1] * y[1];
        }, 0, [1.0, 0, 0], 1e11);
        var jac = DenseJacobianSolver.Analytic(3, (_, y, j) =>
        {
            j[0, 0] = -0.04; j[0, 1] = 1e4 * y[2]; j[0, 2] = 1e4 * y[1];
            j[1, 0] = 0.04; j[1, 1] = -1e4 * y[2] - 6e7 * y[1]; j[1, 2] = -1e4 * y[1];
            j[2, 0] = 0; j[2, 1] = 6e7 * y[1]; j[2, 2] = 0;
        });
        var sol = Rosenbrock.Rodas4(jac, autonomous: true).Solve(p, new OdeOptions
        {
            RelativeTolerance = 1e-8,
            AbsoluteTolerances = [1e-14, 1e-20, 1e-14],
        });
        double[] reference = [0.2083340149701255e-07, 0.8333360770334713e-13, 0.9999999791665050];
        for (int i = 0; i < 3; i++) Assert.Equal(reference[i], sol.Y[i], 1e-4 * reference[i]);
        Assert.True(sol.Statistics.AcceptedSteps < 2000, $"{sol.Statistics.AcceptedSteps} steps: steps must grow over the decades");
    }

    /// <summary>The same diagonal + rank-2 Jacobian solved densely and by Woodbury gives the same trajectory.</summary>
    [Fact]
    public void WoodburyMatchesDenseLu()
    {
        int n = 12;
        var lambda = Enumerable.Range(1, n).Select(i => Math.Pow(i, -2.0)).ToArray();
        var a = Enumerable.Range(0, n).Select(i => Math.Sin(i + 1.0)).ToArray();
        var b = Enumerable.Range(0, n).Select(i => Math.Cos(2.0 * i)).ToArray();
        // f = −diag(λ) y − (a·y) a − 0.3 (b·y) b: Jacobian diag(−λ) + U Vᵀ with U = [−a, −0.3b], V = [a, b].
        void F(double t, ReadOnlySpan<double> y, Span<double> dy)
        {
            double ay = 0, by = 0;
            for (int i = 0; i < n; i++) { ay += a[i] * y[i]; by += b[i] * y[i]; }
            for (int i = 0; i < n; i++) dy[i] = -lambda[i] * y[i] - ay * a[i] - 0.3 * by * b[i];
        }
        var woodbury = new DiagonalLowRankJacobianSolver(n, 2, (_, _, d, u, v) =>
        {
            for (int i = 0; i < n; i++)
            {
                d[i] = -lambda[i];
                u[i] = -a[i]; v[i] = a[i];
                u[n + i] = -0.3 * b[i]; v[n + i] = b[i];
            }
        });
        var p = new OdeProblem(F, 0, Enumerable.Repeat(1.0, n).ToArray(), 50);
        var options = new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-12 };
        var viaWoodbury = Rosenbrock.Rodas4(woodbury, autonomous: true).Solve(p, options);
        var dense = DenseJacobianSolver.Analytic(n, (_, _, j) =>
        {
            for (int r = 0; r < n; r++)
                for (int c = 0; c < n; c++) j[r, c] = (r == c ? -lambda[r] : 0) - a[r] * a[c] - 0.3 * b[r] * b[c];
        });
        var viaDense = Rosenbrock.Rodas4(dense, autonomous: true).Solve(p, options);
        // Same Jacobian, two linear solvers: the trajectories agree to rounding, step for step.
        Assert.Equal(viaDense.Statistics.AcceptedSteps, viaWoodbury.Statistics.AcceptedSteps);
        for (int i = 0; i < n; i++) Assert.Equal(viaDense.Y[i], viaWoodbury.Y[i], 1e-12);
        // And a direct check of one solve against MathNet.
        var workspace = woodbury.CreateWorkspace(p, options);
        var f0 = new double[n];
        F(0, p.InitialState, f0);
        workspace.Update(0, p.InitialState, f0);
        Assert.True(workspace.Factorize(3.0));
        var rhs = Enumerable.Range(0, n).Select(i => 1.0 + i).ToArray();
        var x = rhs.ToArray();
        workspace.Solve(x);
        var m = Matrix<double>.Build.Dense(n, n, (i, j) => (i == j ? 3.0 + lambda[i] : 0) + a[i] * a[j] + 0.3 * b[i] * b[j]);
        var expected = m.Solve(Vector<double>.Build.DenseOfArray(rhs));
        for (int i = 0; i < n; i++) Assert.Equal(expected[i], x[i], 1e-12);
    }

    [Fact]
    public void StiffLinearProblemTakesFewSteps()
    {
        // y' = −1e6 (y − cos t) − sin t: y = cos t; explicit methods need ~1e6 steps on [0, 10].
        var p = new OdeProblem((t, y, dy) => dy[0] = -1e6 * (y[0] - Math.Cos(t)) - Math.Sin(t), 0, [1.0], 10);
        var sol = DenseRodas4(p).Solve(p, new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-10 });
        Assert.Equal(Math.Cos(10), sol.Y[0], 1e-7);
        Assert.True(sol.Statistics.AcceptedSteps < 500, $"{sol.Statistics.AcceptedSteps} steps");
    }

    [Fact]
    public void DenseFactorizationOfALargeSystemWithATinyStepIsNotCalledSingular()
    {
        // det(σI − J) = σ^n overflows for n = 80, σ = 1e8; the factorisation is perfectly regular.
        int n = 80;
        var solver = DenseJacobianSolver.Analytic(n, (_, _, j) => { for (int i = 0; i < n; i++) j[i, i] = -1; });
        var p = new OdeProblem((_, y, dy) => { for (int i = 0; i < n; i++) dy[i] = -y[i]; }, 0, Enumerable.Repeat(1.0, n).ToArray(), 1);
        var workspace = solver.CreateWorkspace(p, new OdeOptions());
        workspace.Update(0, new double[n], new double[n]);
        Assert.True(workspace.Factorize(1e8));
        var b = Enumerable.Repeat(1e8 + 1, n).ToArray();
        workspace.Solve(b);
        Assert.All(b, x => Assert.Equal(1, x, 1e-15));
        // And y' = −y in 80 copies integrates from an automatic first step.
        var sol = Rosenbrock.Rodas4(solver, autonomous: true).Solve(p, new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-12 });
        Assert.All(sol.Y, y => Assert.Equal(Math.Exp(-1), y, 1e-7));
    }

    [Fact]
    public void DimensionMismatchIsRejected()
    {
        var p = Forced(1);
        Assert.Throws<ArgumentException>(() => Rosenbrock.Rodas4(DenseJacobianSolver.FiniteDifference(2, p.Function)).Solve(p, new OdeOptions()));
    }
}
