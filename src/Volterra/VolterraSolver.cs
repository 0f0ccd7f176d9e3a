using System.Globalization;
using PhaseFlow.Foundation;

namespace PhaseFlow.Volterra;

/// <summary>Solves u(t) = f(t) + ∫_0^t k(t, τ, u(τ)) dτ on a uniform grid t_n = n h by
/// u_n = f(t_n) + h Σ_{j≤n} w_{n,j} k(t_n, t_j, u_j), each step implicit in u_n through w_{n,n} and solved by Newton.</summary>
public static class VolterraSolver
{
    private const int DefaultInitialSteps = 32;

    /// <summary>Solves the problem.
    /// <para>Fixed mode (<see cref="VolterraOptions.Steps"/> = N, no tolerance): the grid of N steps. With
    /// <see cref="VolterraOptions.EstimateError"/> the grid is also solved with 2N steps; the returned values at the N + 1
    /// coarse points are the 2N-step values, and <see cref="VolterraSolution.ErrorEstimate"/> is their Richardson
    /// estimate |u_{2N} − u_N|/(2^p − 1).</para>
    /// <para>Tolerance mode (<see cref="VolterraOptions.Tolerance"/> = tol): starting at N = Steps (default 32), grids N
    /// and 2N are solved and accepted when max_i [ErrorEstimate_i / max(1, ‖u(t_i)‖_∞)] ≤ tol, i.e. each point's
    /// estimated error (max over components) is at most tol times max(1, its largest component). Otherwise N grows by
    /// at least 2 to the size the order p predicts for half the tolerance; past <see cref="VolterraOptions.MaxSteps"/>
    /// a <see cref="VolterraSolverException"/> (ToleranceNotReached) reports the best estimate.</para></summary>
    /// <exception cref="InvalidParameterException">Invalid options (the parameter is named, e.g. options.Steps).</exception>
    /// <exception cref="VolterraSolverException">Newton failure, non-finite values, or tolerance not reached.</exception>
    public static VolterraSolution Solve(VolterraProblem problem, VolterraOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        options ??= new VolterraOptions();
        Validate(problem, options);
        var rule = options.Method == VolterraMethod.Trapezoidal ? QuadratureRule.Trapezoidal : QuadratureRule.Gregory4;
        var history = options.History == HistoryAlgorithm.Auto
            ? problem.Kernel is GeneralKernel ? HistoryAlgorithm.Direct : HistoryAlgorithm.Fast
            : options.History;
        var run = new Run(problem, options, rule, history);
        if (options.Tolerance is double tolerance) return run.ToTolerance(tolerance);
        int steps = options.Steps!.Value;
        var coarse = run.Grid(steps);
        if (!options.EstimateError) return run.Solution(steps, coarse, null);
        var fine = run.Grid(2 * steps);
        var (values, estimate) = Richardson(coarse, fine, steps, problem.Kernel.Dimension, rule.Order);
        return run.Solution(steps, values, estimate);
    }

    private static void Validate(VolterraProblem problem, VolterraOptions options)
    {
        var inv = CultureInfo.InvariantCulture;
        if (options.MaxSteps < 1)
            throw new InvalidParameterException("options.MaxSteps", ">= 1", options.MaxSteps.ToString(inv));
        if (options.Steps is int steps && (steps < 1 || steps > options.MaxSteps))
            throw new InvalidParameterException("options.Steps", $"an integer in [1, {options.MaxSteps}] (options.MaxSteps)", steps.ToString(inv));
        if (options.Tolerance is double tol && !(tol > 0 && double.IsFinite(tol)))
            throw new InvalidParameterException("options.Tolerance", "finite and > 0", tol.ToString("R", inv));
        if (options.Steps is null && options.Tolerance is null)
            throw new InvalidParameterException("options.Steps", "set when options.Tolerance is not", "null");
        if (!(options.NewtonTolerance > 0 && double.IsFinite(options.NewtonTolerance)))
            throw new InvalidParameterException("options.NewtonTolerance", "finite and > 0", options.NewtonTolerance.ToString("R", inv));
        if (options.MaxNewtonIterations < 1)
            throw new InvalidParameterException("options.MaxNewtonIterations", ">= 1", options.MaxNewtonIterations.ToString(inv));
        if (!Enum.IsDefined(options.Method))
            throw new InvalidParameterException("options.Method", "Trapezoidal or Gregory4", options.Method.ToString());
        if (!Enum.IsDefined(options.History))
            throw new InvalidParameterException("options.History", "Auto, Direct or Fast", options.History.ToString());
        if (options.History == HistoryAlgorithm.Fast && problem.Kernel is GeneralKernel)
            throw new InvalidParameterException("options.History", "Auto or Direct for a GeneralKernel (fast history needs a convolution or exponential-sum kernel)", "Fast");
    }

    /// <summary>The 2N values at the coarse points and |u_2N − u_N|/(2^p − 1), max over components.</summary>
    private static (double[] Values, double[] Estimate) Richardson(double[] coarse, double[] fine, int steps, int n, int order)
    {
        var values = new double[(steps + 1) * n];
        var estimate = new double[steps + 1];
        double scale = 1.0 / ((1 << order) - 1);
        for (int i = 0; i <= steps; i++)
        {
            double e = 0;
            for (int c = 0; c < n; c++)
            {
                double v = fine[2 * i * n + c];
                values[i * n + c] = v;
                e = Math.Max(e, Math.Abs(v - coarse[i * n + c]) * scale);
            }
            estimate[i] = e;
        }
        return (values, estimate);
    }

    /// <summary>One call's state: problem, settings and the counters summed over its grids.</summary>
    private sealed class Run(VolterraProblem problem, VolterraOptions options, QuadratureRule rule, HistoryAlgorithm history)
    {
        private readonly int _n = problem.Kernel.Dimension;
        private long _totalSteps, _kernelEvaluations, _newtonIterations, _ffts;
        private int _solves;

        public VolterraSolution ToTolerance(double tolerance)
        {
            int steps = options.Steps ?? Math.Min(DefaultInitialSteps, Math.Max(1, options.MaxSteps / 2));
            double best = double.PositiveInfinity;
            int bestSteps = 0;
            double[]? coarse = null;
            while (true)
            {
                if (2L * steps > options.MaxSteps)
                {
                    var inv = CultureInfo.InvariantCulture;
                    string detail = bestSteps == 0
                        ? string.Create(inv, $"options.MaxSteps = {options.MaxSteps} leaves no room for grids of {steps} and {2L * steps} steps")
                        : string.Create(inv, $"best scaled error estimate {best:G3} with {bestSteps} steps within options.MaxSteps = {options.MaxSteps}");
                    throw new VolterraSolverException(VolterraFailureReason.ToleranceNotReached, problem.TEnd,
                        string.Create(inv, $"tolerance {tolerance:G3} not reached: {detail}"));
                }
                coarse ??= Grid(steps);
                var fine = Grid(2 * steps);
                var (values, estimate) = Richardson(coarse, fine, steps, _n, rule.Order);
                double ratio = 0;
                for (int i = 0; i <= steps; i++)
                {
                    double size = 1;
                    for (int c = 0; c < _n; c++) size = Math.Max(size, Math.Abs(values[i * _n + c]));
                    ratio = Math.Max(ratio, estimate[i] / size);
                }
                if (ratio <= tolerance) return Solution(steps, values, estimate);
                (best, bestSteps) = (ratio, 2 * steps);
                // Fine error ≈ ratio (2N / 2N')^p: aim at half the tolerance.
                double predicted = steps * Math.Pow(2 * ratio / tolerance, 1.0 / rule.Order);
                int next = predicted >= options.MaxSteps ? options.MaxSteps : (int)Math.Ceiling(predicted);
                if (next <= 2 * steps)
                {
                    coarse = fine;
                    steps *= 2;
                }
                else
                {
                    // Aim past the cap: try the largest grid allowed once before giving up.
                    next = Math.Min(next, options.MaxSteps / 2);
                    if (next <= steps) next = 2 * steps;
                    coarse = null;
                    steps = next;
                }
            }
        }

        public VolterraSolution Solution(int steps, double[] values, double[]? estimate)
        {
            var times = new double[steps + 1];
            double h = problem.TEnd / steps;
            for (int i = 0; i <= steps; i++) times[i] = i * h;
            times[steps] = problem.TEnd;
            return new VolterraSolution(times, _n, values, estimate, new VolterraStatistics
            {
                Steps = steps,
                TotalSteps = _totalSteps,
                Solves = _solves,
                KernelEvaluations = _kernelEvaluations,
                NewtonIterations = _newtonIterations,
                FftCount = _ffts,
                Method = options.Method,
                History = history,
                Order = rule.Order,
            });
        }

        /// <summary>The values of a grid of <paramref name="steps"/> steps, (N + 1)·n row-major.</summary>
        public double[] Grid(int steps)
        {
            _solves++;
            int n = _n;
            double h = problem.TEnd / steps;
            var values = new double[(steps + 1) * n];
            var u0 = values.AsSpan(0, n);
            problem.Forcing(0, u0);
            CheckFinite(u0, 0, "f(0)");
            var engine = problem.Kernel.CreateEngine(history, rule, steps, h);
            engine.Accept(0, u0);
            int first = Math.Min(rule.FirstStep, steps + 1);
            if (first > 1)
            {
                StartingValues(first - 1, h, values);
                for (int i = 1; i < first; i++) engine.Accept(i, values.AsSpan(i * n, n));
            }
            March(engine, first, values, reportProgress: true);
            _kernelEvaluations += engine.KernelEvaluations;
            _ffts += engine.FftCount;
            return values;
        }

        /// <summary>u_1 … u_m (m ≤ 4) of order 4: trapezoidal solves on [0, m h] with steps h/8 and h/16, combined as
        /// (4 u_{h/16} − u_{h/8})/3, which cancels the h² term of the trapezoidal error expansion (even powers of h
        /// for smooth problems). The kernel is evaluated only at τ ≤ t ≤ m h. Their O(h⁴) error enters later steps
        /// only through h·w_j·k(t, t_j, u_j), i.e. as O(h⁵).</summary>
        private void StartingValues(int count, double h, double[] values)
        {
            int n = _n;
            double[]? coarse = null;
            foreach (int refine in (ReadOnlySpan<int>)[8, 16])
            {
                int steps = refine * count;
                var grid = new double[(steps + 1) * n];
                problem.Forcing(0, grid.AsSpan(0, n));
                var engine = new DirectHistoryEngine(problem.Kernel.CreateEvaluator(), QuadratureRule.Trapezoidal, steps, h / refine);
                engine.Accept(0, grid.AsSpan(0, n));
                March(engine, 1, grid, reportProgress: false);
                _kernelEvaluations += engine.KernelEvaluations;
                if (coarse is null)
                {
                    coarse = new double[(count + 1) * n];
                    for (int i = 1; i <= count; i++) grid.AsSpan(i * refine * n, n).CopyTo(coarse.AsSpan(i * n, n));
                    continue;
                }
                for (int i = 1; i <= count; i++)
                    for (int c = 0; c < n; c++)
                        values[i * n + c] = (4 * grid[i * refine * n + c] - coarse[i * n + c]) / 3;
            }
        }

        /// <summary>Steps <paramref name="first"/> … N of one grid.</summary>
        private void March(HistoryEngine engine, int first, double[] values, bool reportProgress)
        {
            int n = _n, steps = engine.Steps;
            double h = engine.H, hw = h * engine.Rule.Implicit;
            var rhs = new double[n];
            var sum = new double[n];
            var k = new double[n];
            var delta = new double[n];
            var matrix = new double[n * n];
            var jacobian = new double[n * n];
            var pivots = new int[n];
            bool factored = false, linear = engine.IsLinear, constant = engine.JacobianIsConstant;
            double newtonTolerance = options.NewtonTolerance;
            int maxIterations = options.MaxNewtonIterations;
            int progressEvery = Math.Max(1, steps / 100);
            var token = options.CancellationToken;
            for (int step = first; step <= steps; step++)
            {
                if ((step & 255) == 0) token.ThrowIfCancellationRequested();
                double t = engine.Time(step);
                problem.Forcing(t, rhs);
                CheckFinite(rhs, t, "f(t)");
                engine.History(step, sum);
                CheckFinite(sum, t, "the history sum Σ_j w_j k(t, t_j, u_j)");
                for (int i = 0; i < n; i++) rhs[i] += h * sum[i];
                var u = values.AsSpan(step * n, n);
                values.AsSpan((step - 1) * n, n).CopyTo(u);
                for (int iteration = 1; ; iteration++)
                {
                    engine.Implicit(step, u, k);
                    // A kernel infinite at τ = t (weakly singular) is NonFinite, not a Newton failure of the matrix it poisons.
                    CheckFinite(k, t, "k(t, t, u)");
                    for (int i = 0; i < n; i++) delta[i] = u[i] - hw * k[i] - rhs[i];
                    if (!(constant && factored))
                    {
                        engine.ImplicitJacobian(step, u, jacobian);
                        CheckFinite(jacobian, t, "∂k/∂u(t, t, u)");
                        for (int i = 0; i < n * n; i++) matrix[i] = -hw * jacobian[i];
                        for (int i = 0; i < n; i++) matrix[i * n + i] += 1;
                        if (!DenseLinearAlgebra.Factor(matrix, pivots, n))
                            throw new VolterraSolverException(VolterraFailureReason.NewtonDidNotConverge, t,
                                string.Create(CultureInfo.InvariantCulture, $"Newton matrix I − h·w·∂k/∂u is singular or not finite at t = {t:G6}"));
                        factored = true;
                    }
                    DenseLinearAlgebra.Solve(matrix, pivots, delta, n);
                    double du = 0, size = 1;
                    for (int i = 0; i < n; i++)
                    {
                        u[i] -= delta[i];
                        du = Math.Max(du, Math.Abs(delta[i]));
                        size = Math.Max(size, Math.Abs(u[i]));
                    }
                    _newtonIterations++;
                    CheckFinite(u, t, "u");
                    if (linear || du <= newtonTolerance * size) break;
                    if (iteration >= maxIterations)
                        throw new VolterraSolverException(VolterraFailureReason.NewtonDidNotConverge, t, string.Create(CultureInfo.InvariantCulture,
                            $"Newton did not converge at t = {t:G6} in {maxIterations} iterations (last update {du:G3})"));
                }
                engine.Accept(step, u);
                if (reportProgress && options.Progress is { } progress && (step % progressEvery == 0 || step == steps)) progress.Report((double)step / steps);
            }
            _totalSteps += steps;
        }

        private static void CheckFinite(ReadOnlySpan<double> values, double t, string what)
        {
            for (int i = 0; i < values.Length; i++)
                if (!double.IsFinite(values[i]))
                    throw new VolterraSolverException(VolterraFailureReason.NonFinite, t, string.Create(CultureInfo.InvariantCulture,
                        $"{what}[{i}] = {values[i]} is not finite at t = {t:G6}"));
        }
    }
}
