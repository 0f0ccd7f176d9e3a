namespace PhaseFlow.Ode.Tests;

/// <summary>Rodas4 trajectories pinned bit for bit: the validation tables and reproduce CSVs of the whole project rest on
/// them, so any change to the Rosenbrock stepper must leave these doubles (as hex bits) and step counts unchanged. The
/// values were captured from the six-stage Rodas4 stepper before it became generic over its tableau.</summary>
public class Rodas4BitIdentityTests
{
    private static string Bits(double x) => BitConverter.DoubleToInt64Bits(x).ToString("x16");

    /// <summary>Every entry of a short vector; a long one as a few entries and a SHA-256 of all its bits.</summary>
    private static IEnumerable<string> Bits(IReadOnlyList<double> v)
    {
        if (v.Count <= 8) return v.Select(Bits);
        var bytes = v.SelectMany(BitConverter.GetBytes).ToArray();
        string hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes))[..16];
        return [Bits(v[0]), Bits(v[v.Count / 2]), Bits(v[^1]), "sha256:" + hash];
    }

    /// <summary>Final time and state, every output and event (dense output), and the counters.</summary>
    internal static string Fingerprint(OdeSolution sol)
    {
        var parts = new List<string> { Bits(sol.T) };
        parts.AddRange(Bits(sol.Y));
        foreach (var y in sol.OutputStates) parts.AddRange(Bits(y));
        foreach (var e in sol.Events) { parts.Add(Bits(e.T)); parts.AddRange(Bits(e.Y)); }
        var s = sol.Statistics;
        parts.Add($"{s.AcceptedSteps}/{s.RejectedSteps}/{s.FunctionEvaluations}/{s.Factorizations}/{s.LinearSolves}");
        return string.Join(" ", parts);
    }

    internal static readonly string[] Names = ["robertson", "vdp", "hires-nonautonomous", "prothero-robinson-fd", "woodbury", "fixed-step"];

    public static TheoryData<string> Cases => new(Names);

    internal static OdeSolution Run(string name) => name switch
    {
        // Autonomous, analytic Jacobian, 22 decades of time, dense outputs across them.
        "robertson" => Rosenbrock.Rodas4(DenseJacobianSolver.Analytic(3, StiffProblems.RobertsonJacobian), autonomous: true).Solve(
            new OdeProblem(StiffProblems.Robertson, 0, [1.0, 0, 0], 1e11),
            new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerances = [1e-14, 1e-20, 1e-14], OutputTimes = [1e-3, 0.4, 40, 4e5, 4e9] }),
        // Relaxation oscillations, with an event located on the dense output.
        "vdp" => Rosenbrock.Rodas4(DenseJacobianSolver.Analytic(2, StiffProblems.VanDerPolJacobian), autonomous: true).Solve(
            new OdeProblem(StiffProblems.VanDerPol, 0, [2.0, 0], 3000),
            new OdeOptions
            {
                RelativeTolerance = 1e-7, AbsoluteTolerance = 1e-9, OutputTimes = [500, 1000, 1500, 2999],
                Events = [new OdeEvent("y0 = 0", (_, y) => y[0], EventDirection.Falling)],
            }),
        // The ∂f/∂t path (a difference quotient that is exactly zero here) on every stage.
        "hires-nonautonomous" => Rosenbrock.Rodas4(DenseJacobianSolver.Analytic(8, StiffProblems.HiresJacobian)).Solve(
            new OdeProblem(StiffProblems.Hires, 0, StiffProblems.HiresStart, StiffProblems.HiresEnd),
            new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-10, OutputTimes = [1, 10, 100, 321] }),
        // Truly non-autonomous and stiff, finite-difference Jacobian.
        "prothero-robinson-fd" => ProtheroRobinson(),
        // Diagonal + rank 2 by Woodbury, n across several 512-blocks of the blocked kernels.
        "woodbury" => Woodbury(),
        // Fixed steps (no error control), non-autonomous.
        "fixed-step" => Rosenbrock.Rodas4(DenseJacobianSolver.FiniteDifference(1, Forced), autonomous: false).Solve(
            new OdeProblem(Forced, 0, [1.0], 4), new OdeOptions { FixedStep = 0.3, OutputTimes = [0.1, 1.25, 3.99] }),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static void Forced(double t, ReadOnlySpan<double> y, Span<double> dy) => dy[0] = -y[0] + Math.Cos(t);

    private static OdeSolution ProtheroRobinson()
    {
        OdeFunction f = (t, y, dy) =>
        {
            dy[0] = -1e4 * (y[0] - Math.Cos(t)) - Math.Sin(t);
            dy[1] = -y[1] + 0.5 * y[0];
        };
        return Rosenbrock.Rodas4(DenseJacobianSolver.FiniteDifference(2, f)).Solve(new OdeProblem(f, 0, [1.0, 0.5], 10),
            new OdeOptions { RelativeTolerance = 1e-6, AbsoluteTolerance = 1e-9, OutputTimes = [0.05, 3.3, 9.7] });
    }

    private static OdeSolution Woodbury()
    {
        int n = 1300;
        var lambda = Enumerable.Range(1, n).Select(i => Math.Pow(i, -1.5)).ToArray();
        var a = Enumerable.Range(0, n).Select(i => Math.Sin(i + 1.0) / Math.Sqrt(n)).ToArray();
        var b = Enumerable.Range(0, n).Select(i => Math.Cos(2.0 * i) / Math.Sqrt(n)).ToArray();
        // f = −diag(λ) y − (a·y) a − 0.3 (b·y) b: Jacobian diag(−λ) + U Vᵀ with U = [−a, −0.3b], V = [a, b].
        void F(double t, ReadOnlySpan<double> y, Span<double> dy)
        {
            double ay = 0, by = 0;
            for (int i = 0; i < n; i++) { ay += a[i] * y[i]; by += b[i] * y[i]; }
            for (int i = 0; i < n; i++) dy[i] = -lambda[i] * y[i] - ay * a[i] - 0.3 * by * b[i];
        }
        var jac = new DiagonalLowRankJacobianSolver(n, 2, (_, _, d, u, v) =>
        {
            for (int i = 0; i < n; i++)
            {
                d[i] = -lambda[i];
                u[i] = -a[i]; v[i] = a[i];
                u[n + i] = -0.3 * b[i]; v[n + i] = b[i];
            }
        });
        var sol = Rosenbrock.Rodas4(jac, autonomous: true).Solve(new OdeProblem(F, 0, Enumerable.Repeat(1.0, n).ToArray(), 1e4),
            new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-12, OutputTimes = [0.5, 700] });
        return sol;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rodas4IsBitIdenticalToItsPinnedTrajectories(string name)
    {
        string actual = Fingerprint(Run(name));
        Assert.Equal(Pinned[name], actual);
    }

    // Final T, Y, outputs, events (hex bits), then accepted/rejected/f-evaluations/factorisations/linear solves.
    private static readonly Dictionary<string, string> Pinned = new()
    {
        ["robertson"] = "42374876e8000000 3e565ea44f425dee 3d3774d1be6a2b0e 3feffffff4d0aaed 3fefffac1e00b541 3efe9600d08130a6 3ee6b5fda9bad62e 3fef8687ab3ebe56 3f01c124982abde4 3f8e4c540bb83fcc 3fe6e80e2a494d3e 3ee343726e788964 3fd22fbd248888c4 3f743a27f98e1c60 3e55504f6969d3c1 3fefd78ba564bc1a 3ea179e02453c262 3d82533371471c06 3feffffee861b470 1526/11/9211/1537/9222",
        ["vdp"] = "40a7700000000000 bff82b71f3d6dbe2 3f534e7c5aa0d3d7 3ff98c5d972396d0 bf50e1c6977bcb61 bffdd17ebbe7cd46 3f48b12e3570602e bff5ad09ea502af0 3f5a9247795e1c92 bff8304457ef9844 3f5344a59e379f3a 408938ad722eddcd 3dafbe6e00000000 c084d72baafa515b 40a2eaf8b06451a5 3dc2023468000000 c084d72badda5e38 2731/13/16451/2744/16464",
        ["hires-nonautonomous"] = "40741cfec56d5cfb 3f4827815386f9de 3f22e82dcec051cb 3f0edfb825727be9 3f53430a05aa1d65 3f638c8d43ab336c 3f798e0857f1ca9d 3f6758e1434843f9 3f6758e2ef8213c7 3fd059fe0630dc70 3fad232617f217b4 3f93ecd14eac1cfe 3fdd58620bad0580 3f94a19be27fba1c 3fc7553638a472ec 3f7686346010161e 3f2a55b72aa2b656 3f810c8f158bd27a 3f5b13cf99415c4a 3f571b67e72d6e6f 3f91da03e230e0c6 3fc7c5b02b9e5dbe 3fe7fb38915c33e8 3f7725c4c48d9f9f 3f098eaa6bc61858 3f728476f15b69ce 3f4cf6bce371d610 3f4a1f59b10ff9a4 3f7ffec4de89f9f2 3fc0f1fffff011e6 3fe0f7223c2798a3 3f7710e336ce7f8b 3f11ffb8a5ab0f7b 3f48635f624e7b46 3f23175dc0938080 3f0f9270d613e5df 3f537aa4c1ccf22a 3f6550fc4b450b92 3f7c5c97e5aa8fef 3f68899b7367d50e 3f662828bf6282b2 775/0/5425/775/4650",
        ["prothero-robinson-fd"] = "4024000000000000 bfead9ac9356597d bfd620f62c4be78d 3feff5c341df4f89 3fdfffd4db2c9064 bfef9972dbe76538 bfd1bbc50a285b47 bfeecbaf7b3c6da5 bfd3beb9a28dbb4f 161/5/1474/166/996",
        ["woodbury"] = "40c3880000000000 3e716a4da6b37647 3fe1834ac8da7f00 3fe9c83b42182e97 sha256:A2B31EFD2FB7A5CD 3fe3697e83a0208d 3fefff38dd6027cb 3fefff361b66bc5d sha256:F070F31F2E86EFBB 3e8f40b3e88781a5 3feeaa1c4d271cb4 3fef77a04a2fa0ae sha256:62FDEE502A13C8DA 845/0/5070/845/5070",
        ["fixed-step"] = "4010000000000000 bfe6462f63bf1804 3feffe9c8cdf48ee 3fe8d03b14c57545 bfe6495d41124d32 14/0/112/14/84",
    };
}
