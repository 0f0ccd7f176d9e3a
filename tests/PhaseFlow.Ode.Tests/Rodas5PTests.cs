namespace PhaseFlow.Ode.Tests;

/// <summary>Rodas5P (Steinebach 2023): measured orders of the solution and of its dense output, behaviour in the stiff
/// limit, and Rodas5P against Rodas4 on the stiff test problems (accuracy per tolerance, steps).</summary>
public class Rodas5PTests
{
    private static readonly Func<IJacobianSolver, bool, Rosenbrock> Rodas4 = Rosenbrock.Rodas4, Rodas5P = Rosenbrock.Rodas5P;

    private static Func<IJacobianSolver, bool, Rosenbrock> Method(string name) => name == "rodas5p" ? Rodas5P : Rodas4;

    // Logistic (nonlinear, autonomous) and a forced linear equation (non-autonomous), both with closed forms.
    private static void F(double t, ReadOnlySpan<double> y, Span<double> dy)
    {
        dy[0] = y[0] * (1 - y[0]);
        dy[1] = -y[1] + Math.Cos(t);
    }

    private static void J(double t, ReadOnlySpan<double> y, MathNet.Numerics.LinearAlgebra.Matrix<double> j)
    {
        j[0, 0] = 1 - 2 * y[0]; j[0, 1] = 0;
        j[1, 0] = 0; j[1, 1] = -1;
    }

    private static double[] Exact(double t) => [1 / (1 + 9 * Math.Exp(-t)), 0.5 * (Math.Cos(t) + Math.Sin(t)) + 0.5 * Math.Exp(-t)];

    private static double MaxError(IReadOnlyList<double> y, double[] exact) => Math.Max(Math.Abs(y[0] - exact[0]), Math.Abs(y[1] - exact[1]));

    [Fact]
    public void FixedStepOrderIsFiveWithAnAnalyticJacobian()
    {
        // Errors 3e-7 … 3e-13 over 8 … 128 steps on [0, 2] (measured slopes 5.06, 5.02, 5.00, 5.01): asymptotic, above rounding.
        int[] counts = [8, 16, 32, 64, 128];
        var errors = counts.Select(n => MaxError(Rodas5P(DenseJacobianSolver.Analytic(2, J), false)
            .Solve(new OdeProblem(F, 0, [0.1, 1.0], 2), new OdeOptions { FixedStep = 2.0 / n }).Y, Exact(2))).ToArray();
        for (int i = 1; i < errors.Length; i++)
            Assert.InRange(Math.Log2(errors[i - 1] / errors[i]), 4.7, 5.3);
    }

    /// <summary>One step of size h from the exact value, interpolated at θh: the dense output of order q is off by
    /// O(h^(q+1)) (q = 4 for Rodas5P, 3 for Rodas4), while the step's own end is O(h^(p+1)) and does not interfere.</summary>
    [Theory]
    [InlineData("rodas5p", 4)]
    [InlineData("rodas4", 3)]
    public void DenseOutputHasItsDesignedOrder(string method, int denseOrder)
    {
        foreach (double theta in new[] { 0.3, 0.5, 0.8 })
        {
            double[] steps = [0.2, 0.1, 0.05, 0.025];
            var errors = steps.Select(h =>
            {
                var sol = Method(method)(DenseJacobianSolver.Analytic(2, J), false)
                    .Solve(new OdeProblem(F, 0, [0.1, 1.0], h), new OdeOptions { FixedStep = h, OutputTimes = [theta * h] });
                return MaxError(sol.OutputStates[0], Exact(theta * h));
            }).ToArray();
            double measured = Math.Log2(errors[^2] / errors[^1]);
            Assert.True(Math.Abs(measured - (denseOrder + 1)) <= 0.3, $"{method} θ = {theta}: local dense-output order {measured:F2}, errors {string.Join(", ", errors.Select(e => e.ToString("E2")))}");
        }
    }

    [Fact]
    public void DenseOutputIsAccurateBetweenAdaptiveSteps()
    {
        var times = Enumerable.Range(0, 41).Select(i => i * 0.05).ToArray();
        var sol = Rodas5P(DenseJacobianSolver.Analytic(2, J), false).Solve(new OdeProblem(F, 0, [0.1, 1.0], 2),
            new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-10, OutputTimes = times });
        double worst = times.Select((t, i) => MaxError(sol.OutputStates[i], Exact(t))).Max();
        // 10× the tolerance-proportional expectation rtol·|y| (|y| ≤ 1).
        Assert.True(worst < 1e-7, $"error {worst:E2} between steps");
    }

    /// <summary>Prothero–Robinson y' = −λ(y − sin t) + cos t, λ = 1e5, fixed steps with hλ = 2500 … 20000: the stiff limit,
    /// where Rosenbrock methods lose order. Rodas4 drops to order 1 (measured 0.9); Rodas5P keeps order 3 (measured
    /// 3.03, 3.02, 2.98) at errors 60 … 4600× smaller.</summary>
    [Fact]
    public void StiffLimitOfProtheroRobinson()
    {
        const double lambda = 1e5;
        OdeFunction f = (t, y, dy) => dy[0] = -lambda * (y[0] - Math.Sin(t)) + Math.Cos(t);
        double Error(Func<IJacobianSolver, bool, Rosenbrock> method, int n) =>
            Math.Abs(method(DenseJacobianSolver.Analytic(1, (_, _, j) => j[0, 0] = -lambda), false)
                .Solve(new OdeProblem(f, 0, [0.0], 2), new OdeOptions { FixedStep = 2.0 / n }).Y[0] - Math.Sin(2));
        int[] counts = [10, 20, 40, 80];
        var rodas5P = counts.Select(n => Error(Rodas5P, n)).ToArray();
        var rodas4 = counts.Select(n => Error(Rodas4, n)).ToArray();
        for (int i = 1; i < counts.Length; i++)
        {
            Assert.InRange(Math.Log2(rodas5P[i - 1] / rodas5P[i]), 2.7, 3.3);
            Assert.InRange(Math.Log2(rodas4[i - 1] / rodas4[i]), 0.7, 1.3);
        }
        for (int i = 0; i < counts.Length; i++) Assert.True(rodas5P[i] < rodas4[i] / 10, $"{counts[i]} steps: Rodas5P {rodas5P[i]:E2}, Rodas4 {rodas4[i]:E2}");
    }

    // ---- The stiff test problems: Robertson to 1e11, Van der Pol μ = 1000 to 3000, HIRES. ----

    private static readonly double[] RobertsonReference = [0.2083340149701255e-07, 0.8333360770334713e-13, 0.9999999791665050];
    private static readonly double[] HiresReference =
    [
        0.7371312573325668e-3, 0.1442485726316185e-3, 0.5888729740967575e-4, 0.1175651343283149e-2,
        0.2386356198831331e-2, 0.6238968252742796e-2, 0.2849998395185769e-2, 0.2850001604814231e-2,
    ];

    private static OdeProblem VanDerPol() => new(StiffProblems.VanDerPol, 0, [2.0, 0], 3000);

    private static double[] VanDerPolAt(Func<IJacobianSolver, bool, Rosenbrock> method, double tol) =>
        method(DenseJacobianSolver.Analytic(2, StiffProblems.VanDerPolJacobian), true)
            .Solve(VanDerPol(), new OdeOptions { RelativeTolerance = tol, AbsoluteTolerance = tol }).Y.ToArray();

    // No published value at t = 3000: Rodas5P at 1e-13, checked against Rodas4 at 1e-13 below.
    private static readonly Lazy<double[]> VanDerPolReference = new(() => VanDerPolAt(Rodas5P, 1e-13));

    private static (OdeProblem Problem, DenseJacobian Jacobian, double[] Reference, double[] Atol) Setup(string name, double rtol) => name switch
    {
        // y2 peaks at 3.6e-5 and ends near 1e-13 while y1, y3 are O(1): the absolute tolerances say so.
        "robertson" => (new OdeProblem(StiffProblems.Robertson, 0, [1.0, 0, 0], 1e11), StiffProblems.RobertsonJacobian,
            RobertsonReference, [1e-6 * rtol, 1e-10 * rtol, 1e-6 * rtol]),
        "vanderpol" => (VanDerPol(), StiffProblems.VanDerPolJacobian, VanDerPolReference.Value, [rtol, rtol]),
        _ => (new OdeProblem(StiffProblems.Hires, 0, StiffProblems.HiresStart, StiffProblems.HiresEnd), StiffProblems.HiresJacobian,
            HiresReference, Enumerable.Repeat(1e-3 * rtol, 8).ToArray()),
    };

    /// <summary>max_i |y_i − ref_i| / (|ref_i| + atol_i/rtol): relative, and absolute in units of atol/rtol where the
    /// component is below that scale, so that a tolerance-proportional method has error ≈ C·rtol with C of order 1.</summary>
    private static double Error(IReadOnlyList<double> y, double[] reference, double[] atol, double rtol) =>
        y.Select((v, i) => Math.Abs(v - reference[i]) / (Math.Abs(reference[i]) + atol[i] / rtol)).Max();

    [Fact]
    public void VanDerPolReferenceAgreesAcrossMethods()
    {
        // The reference must be 10× better than the tightest bound checked below (10 × rtol = 1e-9): measured 6.8e-12.
        var rodas4 = VanDerPolAt(Rodas4, 1e-13);
        double difference = rodas4.Select((y, i) => Math.Abs(y - VanDerPolReference.Value[i]) / Math.Abs(VanDerPolReference.Value[i])).Max();
        Assert.True(difference < 1e-10, $"Rodas4 and Rodas5P at 1e-13 differ by {difference:E2}");
    }

    public static TheoryData<string, double> StiffCases()
    {
        var data = new TheoryData<string, double>();
        foreach (string problem in new[] { "robertson", "vanderpol", "hires" })
            foreach (double rtol in new[] { 1e-6, 1e-8, 1e-10 }) data.Add(problem, rtol);
        return data;
    }

    /// <summary>Both methods within 10× their tolerance-proportional error (measured error/rtol: Rodas5P 0.05 … 4.1,
    /// Rodas4 0.01 … 3.9), and Rodas5P in fewer steps than Rodas4 at rtol ≤ 1e-8 (measured 2.1–5.1× fewer).</summary>
    [Theory]
    [MemberData(nameof(StiffCases))]
    public void StiffProblemsWithinToleranceAndInFewerStepsThanRodas4(string name, double rtol)
    {
        var (problem, jacobian, reference, atol) = Setup(name, rtol);
        var options = new OdeOptions { RelativeTolerance = rtol, AbsoluteTolerances = atol };
        var r5 = Rodas5P(DenseJacobianSolver.Analytic(problem.Dimension, jacobian), true).Solve(problem, options);
        var r4 = Rodas4(DenseJacobianSolver.Analytic(problem.Dimension, jacobian), true).Solve(problem, options);
        double e5 = Error(r5.Y, reference, atol, rtol), e4 = Error(r4.Y, reference, atol, rtol);
        long steps5 = r5.Statistics.AcceptedSteps + r5.Statistics.RejectedSteps, steps4 = r4.Statistics.AcceptedSteps + r4.Statistics.RejectedSteps;
        string report = $"{name} rtol {rtol:E0}: Rodas5P {e5:E2} in {steps5} steps, Rodas4 {e4:E2} in {steps4} steps";
        Assert.True(e5 <= 10 * rtol, report);
        Assert.True(e4 <= 10 * rtol, report);
        if (rtol <= 1e-8) Assert.True(steps5 < steps4, report);
    }

    /// <summary>Order seen through the tolerance: on Van der Pol, error against steps from rtol 1e-6 to 1e-10 falls with
    /// slope ≈ the order (measured 4.98 for Rodas5P, 3.77 for Rodas4).</summary>
    [Theory]
    [InlineData("rodas5p", 5)]
    [InlineData("rodas4", 4)]
    public void ErrorAgainstStepsFallsWithTheOrderOnAStiffProblem(string method, int order)
    {
        (double Error, long Steps) At(double rtol)
        {
            var sol = Method(method)(DenseJacobianSolver.Analytic(2, StiffProblems.VanDerPolJacobian), true)
                .Solve(VanDerPol(), new OdeOptions { RelativeTolerance = rtol, AbsoluteTolerance = rtol });
            return (Error(sol.Y, VanDerPolReference.Value, [rtol, rtol], rtol), sol.Statistics.AcceptedSteps + sol.Statistics.RejectedSteps);
        }
        var (coarseError, coarseSteps) = At(1e-6);
        var (fineError, fineSteps) = At(1e-10);
        double slope = Math.Log(coarseError / fineError) / Math.Log((double)fineSteps / coarseSteps);
        Assert.True(Math.Abs(slope - order) <= 0.3, $"{method}: slope {slope:F2} ({coarseError:E2} in {coarseSteps} steps, {fineError:E2} in {fineSteps})");
    }

    [Fact]
    public void TableauIsStifflyAccurateWithItsDenseOutput()
    {
        var tab = RosenbrockTableau.Rodas5P;
        Assert.Equal((8, 5, 4, 4), (tab.Stages, tab.Order, tab.EmbeddedOrder, tab.DenseOrder));
        // b = last row of A + e_s, b̂ = last row of A: the error estimate is the last stage.
        for (int j = 0; j < 7; j++) Assert.Equal(tab.A[7][j], tab.BHat[j]);
        Assert.Equal(1, tab.B[7]);
        Assert.Equal(0, tab.BHat[7]);
        Assert.Equal(3, tab.Dense.Count);
        Assert.All(tab.Dense, row => Assert.Equal(8, row.Count));
    }
}

/// <summary>A tableau built from its public constructor: checked, copied, and as good as the built-in one.</summary>
public class RosenbrockTableauTests
{
    private static RosenbrockTableau Copy(RosenbrockTableau t, Func<double[][], double[][]>? editA = null, double[]? c = null) => new(
        t.Name + " (copy)", t.Order, t.DenseOrder, t.Gamma, c ?? [.. t.C], [.. t.D],
        (editA ?? (x => x))(t.A.Select(r => r.ToArray()).ToArray()), t.Coupling.Select(r => r.ToArray()).ToArray(),
        t.Dense.Select(r => r.ToArray()).ToArray());

    [Fact]
    public void ACopyOfRodas4GivesRodas4sBits()
    {
        var copy = new Rosenbrock(Copy(RosenbrockTableau.Rodas4), DenseJacobianSolver.Analytic(3, StiffProblems.RobertsonJacobian), autonomous: true);
        var problem = new OdeProblem(StiffProblems.Robertson, 0, [1.0, 0, 0], 1e11);
        var options = new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerances = [1e-14, 1e-20, 1e-14], OutputTimes = [1e-3, 0.4, 40, 4e5, 4e9] };
        Assert.Equal(Rodas4BitIdentityTests.Fingerprint(Rodas4BitIdentityTests.Run("robertson")), Rodas4BitIdentityTests.Fingerprint(copy.Solve(problem, options)));
    }

    [Fact]
    public void BadTableausAreRejectedNamingTheArgument()
    {
        var t = RosenbrockTableau.Rodas5P;
        // Not stiffly accurate: the last row no longer ends in 1.
        var e = Assert.Throws<ArgumentException>(() => Copy(t, a => { a[7][6] = 0.5; return a; }));
        Assert.Equal("a", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Copy(t, a => { a[3] = [1.0]; return a; }));
        Assert.Equal("a", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Copy(t, c: [0, 0.5, 0.4, 0.9, 0.4, 1, 1, 0.9]));
        Assert.Equal("c", e.ParamName);
        var g = Assert.Throws<ArgumentOutOfRangeException>(() => new RosenbrockTableau("x", 4, 3, -1, [.. t.C], [.. t.D],
            t.A.Select(r => r.ToArray()).ToArray(), t.Coupling.Select(r => r.ToArray()).ToArray(), [[1.0]]));
        Assert.Equal("gamma", g.ParamName);
    }

    [Fact]
    public void TheTableauCopiesItsArguments()
    {
        var source = RosenbrockTableau.Rodas4;
        double[] c = [.. source.C];
        var tableau = new RosenbrockTableau("copy", 4, 3, source.Gamma, c, [.. source.D], source.A.Select(r => r.ToArray()).ToArray(),
            source.Coupling.Select(r => r.ToArray()).ToArray(), source.Dense.Select(r => r.ToArray()).ToArray());
        c[1] = 99;
        Assert.Equal(0.386, tableau.C[1]);
    }
}
