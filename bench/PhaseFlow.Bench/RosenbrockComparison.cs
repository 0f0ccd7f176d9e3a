using System.Diagnostics;
using System.Globalization;
using PhaseFlow.Ode;
using static PhaseFlow.Ode.Tests.StiffProblems;

namespace PhaseFlow.Bench;

/// <summary><c>rosenbrock [REPEATS]</c>: Rodas4 against Rodas5P, back to back, on Robertson (to 1e11), Van der Pol μ = 1000
/// (to 3000) and HIRES, analytic Jacobians, at rtol 1e-6, 1e-8, 1e-10: steps (accepted + rejected), f evaluations,
/// LU factorisations, best time of REPEATS (default 5) and the error against a reference, as a Markdown table.</summary>
/// <remarks>The error is max_i |y_i − ref_i| / (|ref_i| + atol_i / rtol) at the end, i.e. relative, and absolute in units
/// of atol/rtol below that scale; "error/rtol" is what a tolerance-proportional method keeps near or below 1–10.</remarks>
public static class RosenbrockComparison
{
    private sealed record Case(string Name, OdeProblem Problem, DenseJacobian Jacobian, Func<double, double[]> Atol, double[] Reference, string ReferenceSource);

    public static void Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        int repeats = args.Length > 1 ? int.Parse(args[1], inv) : 5;
        // Warm-up: every solve once, so that no timed run executes tier-0 JIT code.
        foreach (var c in Cases())
            foreach (double rtol in new[] { 1e-6, 1e-8, 1e-10 })
                foreach (var (_, create) in Methods)
                    create(DenseJacobianSolver.Analytic(c.Problem.Dimension, c.Jacobian)).Solve(c.Problem, new OdeOptions { RelativeTolerance = rtol, AbsoluteTolerances = c.Atol(rtol) });
        Console.WriteLine("| problem | rtol | method | steps (rejected) | f evals | LUs | best time (ms) | error | error/rtol |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var c in Cases())
        {
            foreach (double rtol in new[] { 1e-6, 1e-8, 1e-10 })
            {
                var atol = c.Atol(rtol);
                var options = new OdeOptions { RelativeTolerance = rtol, AbsoluteTolerances = atol };
                foreach (var (name, create) in Methods)
                {
                    var solver = create(DenseJacobianSolver.Analytic(c.Problem.Dimension, c.Jacobian));
                    OdeSolution sol = solver.Solve(c.Problem, options);
                    double best = double.PositiveInfinity;
                    for (int r = 0; r < repeats; r++)
                    {
                        long start = Stopwatch.GetTimestamp();
                        sol = solver.Solve(c.Problem, options);
                        best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }
                    double error = sol.Y.Select((y, i) => Math.Abs(y - c.Reference[i]) / (Math.Abs(c.Reference[i]) + atol[i] / rtol)).Max();
                    var st = sol.Statistics;
                    Console.WriteLine(string.Create(inv,
                        $"| {c.Name} | {rtol:0e0} | {name} | {st.AcceptedSteps + st.RejectedSteps} ({st.RejectedSteps}) | {st.FunctionEvaluations} | {st.Factorizations} | {best:F2} | {error:E1} | {error / rtol:F2} |"));
                }
            }
        }
        foreach (var c in Cases()) Console.WriteLine($"reference, {c.Name}: {c.ReferenceSource}");
    }

    private static readonly (string Name, Func<IJacobianSolver, Rosenbrock> Create)[] Methods =
    [
        ("Rodas4", j => Rosenbrock.Rodas4(j, autonomous: true)),
        ("Rodas5P", j => Rosenbrock.Rodas5P(j, autonomous: true)),
    ];

    private static IEnumerable<Case> Cases()
    {
        // y2 peaks at 3.6e-5 and ends near 1e-13 while y1, y3 are O(1): the absolute tolerances say so.
        yield return new Case("Robertson", new OdeProblem(Robertson, 0, [1.0, 0, 0], 1e11), RobertsonJacobian,
            rtol => [1e-6 * rtol, 1e-10 * rtol, 1e-6 * rtol],
            [0.2083340149701255e-07, 0.8333360770334713e-13, 0.9999999791665050], "IVP test set (Mazzia and Magherini)");
        var vdp = new OdeProblem(VanDerPol, 0, [2.0, 0], 3000);
        yield return new Case("Van der Pol μ = 1000", vdp, VanDerPolJacobian, rtol => [rtol, rtol], VanDerPolReference.Value,
            "Rodas5P at rtol = atol = 1e-13 (Rodas4 at 1e-13 agrees to " +
            $"{VanDerPolReferenceCheck.Value:E1} relative)");
        yield return new Case("HIRES", new OdeProblem(Hires, 0, HiresStart, HiresEnd), HiresJacobian,
            rtol => Enumerable.Repeat(1e-3 * rtol, 8).ToArray(),
            [
                0.7371312573325668e-3, 0.1442485726316185e-3, 0.5888729740967575e-4, 0.1175651343283149e-2,
                0.2386356198831331e-2, 0.6238968252742796e-2, 0.2849998395185769e-2, 0.2850001604814231e-2,
            ], "IVP test set (Mazzia and Magherini)");
    }

    private static double[] VanDerPolAt(Func<IJacobianSolver, Rosenbrock> create) =>
        create(DenseJacobianSolver.Analytic(2, VanDerPolJacobian))
            .Solve(new OdeProblem(VanDerPol, 0, [2.0, 0], 3000), new OdeOptions { RelativeTolerance = 1e-13, AbsoluteTolerance = 1e-13 }).Y.ToArray();

    private static readonly Lazy<double[]> VanDerPolReference = new(() => VanDerPolAt(Methods[1].Create));

    private static readonly Lazy<double> VanDerPolReferenceCheck = new(() =>
    {
        var other = VanDerPolAt(Methods[0].Create);
        return other.Select((y, i) => Math.Abs(y - VanDerPolReference.Value[i]) / Math.Abs(VanDerPolReference.Value[i])).Max();
    });
}
