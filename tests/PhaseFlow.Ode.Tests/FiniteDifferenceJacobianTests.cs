
namespace PhaseFlow.Ode.Tests;

/// <summary>Rodas4 with a finite-difference Jacobian is as accurate as with the analytic one on stiff problems whose
/// components live on very different scales, and its extra evaluations are counted.</summary>
public class FiniteDifferenceJacobianTests
{
    public static TheoryData<string, double> Cases()
    {
        var data = new TheoryData<string, double>();
        foreach (string problem in new[] { "robertson", "vanderpol", "hires" })
            foreach (double rtol in new[] { 1e-4, 1e-5, 1e-6, 1e-7, 1e-8 }) data.Add(problem, rtol);
        return data;
    }

    // Robertson to t = 1e11 and HIRES to t = 321.8122: the reference values of the IVP test set (Mazzia and Magherini).
    private static readonly double[] RobertsonReference = [0.2083340149701255e-07, 0.8333360770334713e-13, 0.9999999791665050];
    private static readonly double[] HiresReference =
    [
        0.7371312573325668e-3, 0.1442485726316185e-3, 0.5888729740967575e-4, 0.1175651343283149e-2,
        0.2386356198831331e-2, 0.6238968252742796e-2, 0.2849998395185769e-2, 0.2850001604814231e-2,
    ];

    private static readonly Lazy<double[]> VanDerPolReference = new(() =>
        Rosenbrock.Rodas4(DenseJacobianSolver.Analytic(2, StiffProblems.VanDerPolJacobian), autonomous: true)
            .Solve(VanDerPol(), new OdeOptions { RelativeTolerance = 1e-12, AbsoluteTolerance = 1e-12 }).Y.ToArray());

    private static OdeProblem VanDerPol() => new(StiffProblems.VanDerPol, 0, [2.0, 0], 3000);

    private static (OdeProblem Problem, DenseJacobian Jacobian, double[] Reference, double[] Atol) Setup(string name, double rtol) => name switch
    {
        // y2 peaks at 3.6e-5 and ends near 1e-13 while y1, y3 are O(1): the absolute tolerances say so.
        "robertson" => (new OdeProblem(StiffProblems.Robertson, 0, [1.0, 0, 0], 1e11), StiffProblems.RobertsonJacobian,
            RobertsonReference, [1e-6 * rtol, 1e-10 * rtol, 1e-6 * rtol]),
        "vanderpol" => (VanDerPol(), StiffProblems.VanDerPolJacobian, VanDerPolReference.Value, [rtol, rtol]),
        _ => (new OdeProblem(StiffProblems.Hires, 0, StiffProblems.HiresStart, StiffProblems.HiresEnd), StiffProblems.HiresJacobian,
            HiresReference, Enumerable.Repeat(1e-3 * rtol, 8).ToArray()),
    };

    /// <summary>max_i |y_i − ref_i| / (|ref_i| + atol_i): relative error, absolute below atol.</summary>
    private static double Error(IReadOnlyList<double> y, double[] reference, double[] atol) =>
        y.Select((v, i) => Math.Abs(v - reference[i]) / (Math.Abs(reference[i]) + atol[i])).Max();

    [Theory]
    [MemberData(nameof(Cases))]
    public void FiniteDifferencesAreAsAccurateAsTheAnalyticJacobian(string name, double rtol)
    {
        var (problem, jacobian, reference, atol) = Setup(name, rtol);
        int n = problem.Dimension;
        var options = new OdeOptions { RelativeTolerance = rtol, AbsoluteTolerances = atol };
        var analytic = Rosenbrock.Rodas4(DenseJacobianSolver.Analytic(n, jacobian), autonomous: true).Solve(problem, options);
        var fd = Rosenbrock.Rodas4(DenseJacobianSolver.FiniteDifference(n, problem.Function), autonomous: true).Solve(problem, options);
        double errorAnalytic = Error(analytic.Y, reference, atol), errorFd = Error(fd.Y, reference, atol);
        string report = $"{name} rtol {rtol:E0}: analytic {errorAnalytic:E2} in {analytic.Statistics.AcceptedSteps} steps, "
            + $"finite differences {errorFd:E2} in {fd.Statistics.AcceptedSteps} steps";
        // Measured: the two errors agree within a factor 1.3 and the step counts within 1 % (the increment √ε·|y_j| of
        // the old rule √(ε·max(1e-5, |y_j|)) gave 30 % error at rtol 1e-4 on Robertson, in 5× the steps).
        Assert.True(errorFd <= 10 * errorAnalytic, report);
        Assert.True(fd.Statistics.AcceptedSteps + fd.Statistics.RejectedSteps
            <= 1.1 * (analytic.Statistics.AcceptedSteps + analytic.Statistics.RejectedSteps), report);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryEvaluationIsCounted(bool finiteDifferences)
    {
        long calls = 0;
        void Counted(double t, ReadOnlySpan<double> y, Span<double> dy) { calls++; StiffProblems.Hires(t, y, dy); }
        var problem = new OdeProblem(Counted, 0, StiffProblems.HiresStart, StiffProblems.HiresEnd);
        var jacobian = finiteDifferences ? DenseJacobianSolver.FiniteDifference(8, Counted) : DenseJacobianSolver.Analytic(8, StiffProblems.HiresJacobian);
        // Non-autonomous: ∂f/∂t by a difference quotient, one more evaluation per Jacobian.
        var st = Rosenbrock.Rodas4(jacobian).Solve(problem, new OdeOptions { RelativeTolerance = 1e-6, AbsoluteTolerance = 1e-9 }).Statistics;
        Assert.Equal(calls, st.FunctionEvaluations);
        if (finiteDifferences)
        {
            // n evaluations per Jacobian, plus the columns retried because rounding swallowed their difference.
            Assert.InRange(st.JacobianFunctionEvaluations, 8 * st.JacobianEvaluations, 16 * st.JacobianEvaluations);
            // Six stages (five evaluations) + f(t, y) + ∂f/∂t per step without a rejected Jacobian being reused.
            Assert.True(st.FunctionEvaluations - st.JacobianFunctionEvaluations <= 7 * (st.AcceptedSteps + st.RejectedSteps));
        }
        else Assert.Equal(0, st.JacobianFunctionEvaluations);
    }

    [Fact]
    public void IncrementFollowsTheAbsoluteToleranceOfTinyComponents()
    {
        // f = (y0², 1e30·y1²) at y = (1, 1e-15) with atol 1e-20: a difference quotient is exact to O(h/y); the old
        // increment √(ε·1e-5) ≈ 5e-11 was 10⁴·y1 and made ∂f1/∂y1 wrong by a factor 10⁴.
        void F(double t, ReadOnlySpan<double> y, Span<double> dy) { dy[0] = y[0] * y[0]; dy[1] = 1e30 * y[1] * y[1]; }
        double[] y = [1, 1e-15], f = new double[2];
        F(0, y, f);
        var problem = new OdeProblem(F, 0, y, 1);
        var workspace = DenseJacobianSolver.FiniteDifference(2, F).CreateWorkspace(problem, new OdeOptions { AbsoluteTolerance = 1e-20 });
        workspace.Update(0, y, f);
        Assert.Equal(2, workspace.FunctionEvaluations);
        // Recover J from (σI − J)⁻¹ applied to unit vectors with σ = 1: column k of (I − J)⁻¹ with J diagonal.
        Assert.True(workspace.Factorize(1));
        double[] e0 = [1, 0], e1 = [0, 1];
        workspace.Solve(e0);
        workspace.Solve(e1);
        Assert.Equal(2.0, 1 - 1 / e0[0], 1e-6);                  // ∂f0/∂y0 = 2
        Assert.Equal(2e15, 1 - 1 / e1[1], 1e-6 * 2e15);          // ∂f1/∂y1 = 2e30·y1 = 2e15
    }

    [Fact]
    public void WorkspaceRejectsMismatchedProblemsAndTolerances()
    {
        var solver = DenseJacobianSolver.FiniteDifference(2, StiffProblems.VanDerPol);
        Assert.Throws<ArgumentException>(() => solver.CreateWorkspace(new OdeProblem(StiffProblems.Robertson, 0, [1.0, 0, 0], 1), new OdeOptions()));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            solver.CreateWorkspace(new OdeProblem(StiffProblems.VanDerPol, 0, [2.0, 0], 1), new OdeOptions { AbsoluteTolerances = [1e-6] }));
        Assert.Equal("AbsoluteTolerances", e.ParamName);
    }
}
