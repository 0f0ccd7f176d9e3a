namespace PhaseFlow.Ode;

/// <summary>Coefficients of a stiffly accurate Rosenbrock method in Hairer and Wanner's W-transformed form (the form of
/// rodas.f and of OrdinaryDiffEq.jl's Rodas tableaus): with σ = 1/(hγ) and stages k_i,
/// (σI − J) k_i = f(t + c_i h, y + Σ_j a_ij k_j) + Σ_j (c_ij/h) k_j + h d_i ∂f/∂t,
/// the solution y1 = y + Σ b_i k_i and the embedded ŷ1 = y + Σ b̂_i k_i, whose difference k_s is the error estimate.
/// Stiffly accurate: b is the last row of A plus e_s, b̂ the last row of A. The dense output is
/// y(θ) = (1 − θ) y0 + θ (y1 + (1 − θ)(r_1 + θ (r_2 + θ (…)))), r_m = Σ_j h_mj k_j.
/// Immutable: coefficients are exposed as read-only views.</summary>
public sealed class RosenbrockTableau
{
    /// <summary>Creates and checks a tableau; the arrays are copied.</summary>
    /// <param name="name">Method name.</param>
    /// <param name="order">Order of the propagated solution (the embedded one is one lower), ≥ 2.</param>
    /// <param name="denseOrder">Order of the dense output, ≥ 1.</param>
    /// <param name="gamma">Diagonal coefficient γ &gt; 0.</param>
    /// <param name="c">Nodes c_i, s entries.</param>
    /// <param name="d">Coefficients d_i of h ∂f/∂t, s entries.</param>
    /// <param name="a">Transformed a_ij: row i has i entries. The last row must be the one before it followed by 1
    /// (stiffly accurate: the last stage adds the previous one to the previous argument).</param>
    /// <param name="cc">Transformed coupling c_ij: row i has i entries.</param>
    /// <param name="dense">Dense-output rows h_mj (at least one, each with at most s entries).</param>
    public RosenbrockTableau(string name, int order, int denseOrder, double gamma, double[] c, double[] d, double[][] a,
        double[][] cc, double[][] dense)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(cc);
        ArgumentNullException.ThrowIfNull(dense);
        if (order < 2) throw new ArgumentOutOfRangeException(nameof(order), order, "order must be >= 2.");
        if (denseOrder < 1) throw new ArgumentOutOfRangeException(nameof(denseOrder), denseOrder, "denseOrder must be >= 1.");
        if (!(gamma > 0 && double.IsFinite(gamma))) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be finite and > 0.");
        int s = c.Length;
        if (s < 3) throw new ArgumentException($"Tableau {name}: at least 3 stages are needed.", nameof(c));
        if (d.Length != s) throw new ArgumentException($"Tableau {name}: d must have {s} entries, as c.", nameof(d));
        if (a.Length != s) throw new ArgumentException($"Tableau {name}: A must have {s} rows, as c.", nameof(a));
        if (cc.Length != s) throw new ArgumentException($"Tableau {name}: C must have {s} rows, as c.", nameof(cc));
        for (int i = 0; i < s; i++)
        {
            if (a[i] is null || a[i].Length != i) throw new ArgumentException($"Tableau {name}: row {i} of A must have {i} entries.", nameof(a));
            if (cc[i] is null || cc[i].Length != i) throw new ArgumentException($"Tableau {name}: row {i} of C must have {i} entries.", nameof(cc));
        }
        // Stages whose argument is the previous argument plus the previous stage (a_ij = a_(i−1)j, a_i(i−1) = 1) are formed
        // by one vector addition instead of a full combination; the last stage must be one of them (stiff accuracy).
        int chainStart = s;
        while (chainStart > 1 && IsChained(a, chainStart - 1)) chainStart--;
        if (chainStart == s || chainStart < 2)
            throw new ArgumentException($"Tableau {name}: the last row of A must be the row before it followed by 1 (stiffly accurate).", nameof(a));
        for (int i = chainStart; i < s; i++)
        {
            if (c[i] != 1) throw new ArgumentException($"Tableau {name}: stage {i} adds the previous stage, so c[{i}] must be 1.", nameof(c));
            if (d[i] != 0) throw new ArgumentException($"Tableau {name}: stage {i} adds the previous stage, so d[{i}] must be 0.", nameof(d));
        }
        if (dense.Length == 0) throw new ArgumentException($"Tableau {name}: the dense output needs at least one row.", nameof(dense));
        foreach (var row in dense)
            if (row is null || row.Length > s) throw new ArgumentException($"Tableau {name}: a dense-output row has more than {s} entries.", nameof(dense));
        Name = name;
        Order = order;
        DenseOrder = denseOrder;
        Gamma = gamma;
        NodeArray = c.ToArray();
        DArray = d.ToArray();
        AArray = a.Select(r => r.ToArray()).ToArray();
        CcArray = cc.Select(r => r.ToArray()).ToArray();
        DenseArray = dense.Select(r => r.ToArray()).ToArray();
        ChainStart = chainStart;
        var bHat = new double[s];
        AArray[s - 1].CopyTo(bHat, 0);
        var b = bHat.ToArray();
        b[s - 1] = 1;
        C = Array.AsReadOnly(NodeArray);
        D = Array.AsReadOnly(DArray);
        A = Array.AsReadOnly(AArray.Select(r => (IReadOnlyList<double>)Array.AsReadOnly(r)).ToArray());
        Coupling = Array.AsReadOnly(CcArray.Select(r => (IReadOnlyList<double>)Array.AsReadOnly(r)).ToArray());
        Dense = Array.AsReadOnly(DenseArray.Select(r => (IReadOnlyList<double>)Array.AsReadOnly(r)).ToArray());
        B = Array.AsReadOnly(b);
        BHat = Array.AsReadOnly(bHat);
    }

    private static bool IsChained(double[][] a, int i)
    {
        if (i < 2 || a[i][i - 1] != 1) return false;
        for (int j = 0; j < i - 1; j++)
            if (a[i][j] != a[i - 1][j]) return false;
        return true;
    }

    /// <summary>Row i − 1 of A followed by 1: the argument of a stage that adds the previous stage to the previous argument.</summary>
    private static double[] Chain(double[] previous) => [.. previous, 1];

    /// <summary>Method name.</summary>
    public string Name { get; }

    /// <summary>Order of the propagated solution (the embedded one is one lower).</summary>
    public int Order { get; }

    /// <summary>Order of the embedded solution, <see cref="Order"/> − 1.</summary>
    public int EmbeddedOrder => Order - 1;

    /// <summary>Order of the dense output.</summary>
    public int DenseOrder { get; }

    /// <summary>Number of stages s (each one f evaluation and one linear solve).</summary>
    public int Stages => NodeArray.Length;

    /// <summary>Diagonal coefficient γ.</summary>
    public double Gamma { get; }

    /// <summary>Nodes c_i: stage i evaluates f at t + c_i h (read-only).</summary>
    public IReadOnlyList<double> C { get; }

    /// <summary>Coefficients d_i of the h ∂f/∂t term of each stage (read-only).</summary>
    public IReadOnlyList<double> D { get; }

    /// <summary>Transformed coefficients a_ij of the stage arguments, row i holding a_i0..a_i(i−1) (read-only).</summary>
    public IReadOnlyList<IReadOnlyList<double>> A { get; }

    /// <summary>Transformed coupling coefficients c_ij (applied as c_ij/h), row i holding c_i0..c_i(i−1) (read-only).</summary>
    public IReadOnlyList<IReadOnlyList<double>> Coupling { get; }

    /// <summary>Weights b_i (m_i) of the propagated solution (read-only).</summary>
    public IReadOnlyList<double> B { get; }

    /// <summary>Weights b̂_i of the embedded solution (read-only).</summary>
    public IReadOnlyList<double> BHat { get; }

    /// <summary>Dense-output coefficients h_mj, one row per r_m (read-only).</summary>
    public IReadOnlyList<IReadOnlyList<double>> Dense { get; }

    // The integrator's views: never written after construction, never handed out.
    internal double[] NodeArray { get; }
    internal double[] DArray { get; }
    internal double[][] AArray { get; }
    internal double[][] CcArray { get; }
    internal double[][] DenseArray { get; }

    /// <summary>First stage whose argument is the previous argument plus the previous stage.</summary>
    internal int ChainStart { get; }

    /// <summary>RODAS4 of Hairer and Wanner (<i>Solving ODEs II</i>, §VI.4): 6 stages, order 4(3), L-stable,
    /// stiffly accurate, coefficients of rodas.f (METH = 1), dense output of order 3.</summary>
    public static RosenbrockTableau Rodas4 { get; } = CreateRodas4();

    /// <summary>Rodas5P of Steinebach (<i>BIT Numer. Math.</i> 63, 2023), the default stiff method of
    /// DifferentialEquations.jl: 8 stages, order 5(4), L-stable, stiffly accurate, dense output of order 4.</summary>
    public static RosenbrockTableau Rodas5P { get; } = CreateRodas5P();

    private static RosenbrockTableau CreateRodas4()
    {
        double[] a5 = [1.221224509226641, 6.019134481288629, 12.53708332932087, -0.687886036105895];
        return new("Rodas4", 4, 3, 0.25,
            c: [0, 0.386, 0.21, 0.63, 1, 1],
            d: [0.25, -0.1043, 0.1035, -0.3620000000000023e-01, 0, 0],
            a:
            [
                [],
                [1.544],
                [0.9466785280815826, 0.2557011698983284],
                [3.314825187068521, 2.896124015972201, 0.9986419139977817],
                a5,
                Chain(a5),
            ],
            cc:
            [
                [],
                [-5.6688],
                [-2.430093356833875, -0.2063599157091915],
                [-0.1073529058151375, -9.594562251023355, -20.47028614809616],
                [7.496443313967647, -10.24680431464352, -33.99990352819905, 11.7089089320616],
                [8.083246795921522, -7.981132988064893, -31.52159432874371, 16.31930543123136, -6.058818238834054],
            ],
            dense:
            [
                [10.12623508344586, -7.487995877610167, -34.80091861555747, -7.992771707568823, 1.025137723295662],
                [-0.6762803392801253, 6.087714651680015, 16.43084320892478, 24.76722511418386, -6.594389125716872],
            ]);
    }

    /// <summary>Coefficients copied digit for digit from OrdinaryDiffEq.jl's Rodas5PTableau
    /// (lib/OrdinaryDiffEqRosenbrock/src/rosenbrock_tableaus.jl, SciML), which are Steinebach's.</summary>
    private static RosenbrockTableau CreateRodas5P()
    {
        double[] a6 = [-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256, 0.030198172008377946];
        double[] a7 = Chain(a6);
        return new("Rodas5P", 5, 4, 0.21193756319429014,
            c: [0, 0.6358126895828704, 0.4095798393397535, 0.9769306725060716, 0.4288403609558664, 1, 1, 1],
            d: [0.21193756319429014, -0.42387512638858027, -0.3384627126235924, 1.8046452872882734, 2.325825639765069, 0, 0, 0],
            a:
            [
                [],
                [3.0],
                [2.849394379747939, 0.45842242204463923],
                [-6.954028509809101, 2.489845061869568, -10.358996098473584],
                [2.8029986275628964, 0.5072464736228206, -0.3988312541770524, -0.04721187230404641],
                a6,
                a7,
                Chain(a7),
            ],
            cc:
            [
                [],
                [-14.155112264123755],
                [-17.97296035885952, -2.859693295451294],
                [147.12150275711716, -1.41221402718213, 71.68940251302358],
                [165.43517024871676, -0.4592823456491126, 42.90938336958603, -5.961986721573306],
                [24.854864614690072, -3.0009227002832186, 47.4931110020768, 5.5814197821558125, -0.6610691825249471],
                [30.91273214028599, -3.1208243349937974, 77.79954646070892, 34.28646028294783, -19.097331116725623, -28.087943162872662],
                [37.80277123390563, -3.2571969029072276, 112.26918849496327, 66.9347231244047, -40.06618937091002, -54.66780262877968, -9.48861652309627],
            ],
            dense:
            [
                [25.948786856663858, -2.5579724845846235, 10.433815404888879, -2.3679251022685204, 0.524948541321073, 1.1241088310450404, 0.4272876194431874, -0.17202221070155493],
                [-9.91568850695171, -0.9689944594115154, 3.0438037242978453, -24.495224566215796, 20.176138334709044, 15.98066361424651, -6.789040303419874, -6.710236069923372],
                [11.419903575922262, 2.8879645146136994, 72.92137995996029, 80.12511834622643, -52.072871366152654, -59.78993625266729, -0.15582684282751913, 4.883087185713722],
            ]);
    }
}

/// <summary>Adaptive Rosenbrock integrator (no Newton iterations: one Jacobian and one factorisation per step) with a
/// pluggable <see cref="IJacobianSolver"/>, Gustafsson's predictive step control, dense output, output times, step
/// callbacks, progress and cancellation. L-stable: the step is limited by accuracy, not by stiffness.</summary>
/// <remarks>Immutable: one instance (with its Jacobian solver) may serve concurrent solves; each solve builds its own
/// workspace, and a shared instance gives every solve bit for bit what a solve on its own gives.</remarks>
public sealed class Rosenbrock : IOdeSolver
{
    /// <summary>Creates the integrator.</summary>
    /// <param name="tableau">Method coefficients, e.g. <see cref="RosenbrockTableau.Rodas4"/> or <see cref="RosenbrockTableau.Rodas5P"/>.</param>
    /// <param name="jacobian">Jacobian and linear solver for this problem's dimension.</param>
    /// <param name="autonomous">Declare f(t, y) independent of t. False (the default) is always correct: each step then
    /// forms ∂f/∂t by a forward difference in t (one extra evaluation of f per step, plus one vector operation per stage).
    /// True skips that work; it is exact only when f does not depend on t, and for an f that does it silently loses the
    /// method's order.</param>
    public Rosenbrock(RosenbrockTableau tableau, IJacobianSolver jacobian, bool autonomous = false)
    {
        Tableau = tableau ?? throw new ArgumentNullException(nameof(tableau));
        Jacobian = jacobian ?? throw new ArgumentNullException(nameof(jacobian));
        Autonomous = autonomous;
    }

    /// <summary>Rodas4 (order 4(3), dense output of order 3) with the given Jacobian solver.</summary>
    /// <param name="jacobian">Jacobian and linear solver for this problem's dimension.</param>
    /// <param name="autonomous">Declare f(t, y) independent of t. False (the default) is always correct: each step then
    /// forms ∂f/∂t by a forward difference in t (one extra evaluation of f per step). True skips that work; it is exact only
    /// when f does not depend on t, and for an f that does it silently loses the method's order.</param>
    public static Rosenbrock Rodas4(IJacobianSolver jacobian, bool autonomous = false) => new(RosenbrockTableau.Rodas4, jacobian, autonomous);

    /// <summary>Rodas5P (order 5(4), dense output of order 4; Steinebach 2023) with the given Jacobian solver: eight
    /// stages per step against Rodas4's six, and fewer steps at tight tolerances.</summary>
    /// <param name="jacobian">Jacobian and linear solver for this problem's dimension.</param>
    /// <param name="autonomous">Declare f(t, y) independent of t. False (the default) is always correct: each step then
    /// forms ∂f/∂t by a forward difference in t (one extra evaluation of f per step). True skips that work; it is exact only
    /// when f does not depend on t, and for an f that does it silently loses the method's order.</param>
    public static Rosenbrock Rodas5P(IJacobianSolver jacobian, bool autonomous = false) => new(RosenbrockTableau.Rodas5P, jacobian, autonomous);

    /// <summary>The coefficients.</summary>
    public RosenbrockTableau Tableau { get; }

    /// <summary>The linear algebra (an immutable configuration: each solve creates its own workspace from it).</summary>
    public IJacobianSolver Jacobian { get; }

    /// <summary>Whether f is treated as autonomous.</summary>
    public bool Autonomous { get; }

    /// <inheritdoc />
    public string Name => Tableau.Name;

    /// <inheritdoc />
    public OdeSolution Solve(OdeProblem problem, OdeOptions options, IProgress<OdeProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        OdeDriver.Validate(problem, options);
        if (Jacobian.Dimension != problem.Dimension)
            throw new ArgumentException($"The Jacobian solver is for dimension {Jacobian.Dimension}, the problem has {problem.Dimension}.", nameof(problem));
        return OdeDriver.Run(new RosenbrockStepper(this, problem, options), problem, options, progress, cancellationToken);
    }

    private sealed class RosenbrockStepper : Stepper
    {
        private const double Safety = 0.9, MaxShrink = 5, MaxGrowth = 6;

        private readonly Rosenbrock _method;
        private readonly RosenbrockTableau _tab;
        private readonly IJacobianWorkspace _jac;
        private readonly double[][] _k;
        private readonly double[] _f0, _stage, _dy, _fx;
        private readonly double[][] _dense;
        private readonly double _exponent;
        private bool _denseReady, _jacobianCurrent;
        private double _hAccepted, _errAccepted;
        private long _acceptedCount;

        public RosenbrockStepper(Rosenbrock method, OdeProblem problem, OdeOptions options) : base(problem, options)
        {
            _method = method;
            _tab = method.Tableau;
            _jac = method.Jacobian.CreateWorkspace(problem, options);
            _k = new double[_tab.Stages][];
            for (int i = 0; i < _k.Length; i++) _k[i] = new double[N];
            _f0 = new double[N];
            _stage = new double[N];
            _dy = new double[N];
            _fx = new double[N];
            _dense = new double[_tab.DenseArray.Length][];
            for (int m = 0; m < _dense.Length; m++) _dense[m] = new double[N];
            // The error estimate is O(h^order): 1/4 for Rodas4 (exactly 0.25, as rodas.f), 1/5 for Rodas5P.
            _exponent = 1.0 / _tab.Order;
        }

        public override string Name => _tab.Name;

        public override void Initialize(double t0) { }

        public override double AutomaticInitialStep(double t0) => Math.Min(1e-6 * (Problem.TEnd - Problem.T0), Options.MaxStep);

        /// <summary>rodas.f's ROCORE for any stiffly accurate tableau: Jacobian (reused after a rejection), factorisation,
        /// the stages; the last stage is the error estimate of the embedded solution.</summary>
        /// <remarks>The sums are formed in rodas.f's order, so Rodas4 gives the numbers it gave when it was hand-written
        /// (pinned by Rodas4BitIdentityTests).</remarks>
        public override double Attempt(double t, double h, bool estimateError)
        {
            var f = Problem.Function;
            if (!_jacobianCurrent)
            {
                f(t, Y, _f0);
                FunctionEvaluations++;
                long before = _jac.FunctionEvaluations;
                _jac.Update(t, Y, _f0);
                JacobianEvaluations++;
                long spent = _jac.FunctionEvaluations - before;
                FunctionEvaluations += spent;
                JacobianFunctionEvaluations += spent;
                if (!_method.Autonomous)
                {
                    double delta = Math.Sqrt(2.2e-16 * Math.Max(1e-5, Math.Abs(t)));
                    f(t + delta, Y, _fx);
                    FunctionEvaluations++;
                    for (int i = 0; i < N; i++) _fx[i] = (_fx[i] - _f0[i]) / delta;
                }
                _jacobianCurrent = true;
            }
            Factorizations++;
            if (!_jac.Factorize(1 / (h * _tab.Gamma))) return double.PositiveInfinity;

            var a = _tab.AArray;
            var cc = _tab.CcArray;
            var d = _tab.DArray;
            int stages = _tab.Stages, chainStart = _tab.ChainStart;
            bool nonAutonomous = !_method.Autonomous;
            _f0.CopyTo(_k[0], 0);
            if (nonAutonomous) BlockedKernels.Axpy(h * d[0], _fx, _k[0]);
            _jac.Solve(_k[0]);
            LinearSolves++;
            // Y_s = y + Σ a_sj k_j, k_s = (σI − J)⁻¹ (f(Y_s) + Σ (c_sj/h) k_j + h d_s f_t). The h d_s f_t term is added on
            // every such stage, even where d_s = 0 (Rodas4's fifth): adding 0·f_t turns −0 into +0, and Rodas4's bits keep it.
            for (int s = 1; s < chainStart; s++)
            {
                BlockedKernels.Combine(_stage, Y, a[s], 1, _k, s);
                f(t + _tab.NodeArray[s] * h, _stage, _dy);
                FunctionEvaluations++;
                BlockedKernels.Combine(_k[s], _dy, cc[s], 1 / h, _k, s);
                if (nonAutonomous) BlockedKernels.Axpy(h * d[s], _fx, _k[s]);
                _jac.Solve(_k[s]);
                LinearSolves++;
            }
            // Chained stages at t + h: each argument is the previous one plus the previous stage (YNew carries it); the last
            // argument is the embedded solution, the last stage its error, and their sum the new solution.
            _stage.CopyTo(YNew, 0);
            for (int s = chainStart; s < stages; s++)
            {
                BlockedKernels.Axpy(1, _k[s - 1], YNew);
                f(t + h, YNew, _dy);
                FunctionEvaluations++;
                BlockedKernels.Combine(_k[s], _dy, cc[s], 1 / h, _k, s);
                _jac.Solve(_k[s]);
                LinearSolves++;
            }
            BlockedKernels.Axpy(1, _k[stages - 1], YNew);
            _denseReady = false;
            return estimateError ? Norm.Norm(_k[stages - 1], Y, YNew) : 0;
        }

        /// <summary>Hairer's factor with Gustafsson's predictive correction (rodas.f, PRED = true).</summary>
        public override double AcceptFactor(double err, double h)
        {
            double fac = Math.Clamp(Math.Pow(err, _exponent) / Safety, 1 / MaxGrowth, MaxShrink);
            if (_acceptedCount > 0)
            {
                double facGus = _hAccepted / h * Math.Pow(err * err / _errAccepted, _exponent) / Safety;
                fac = Math.Max(fac, Math.Clamp(facGus, 1 / MaxGrowth, MaxShrink));
            }
            _acceptedCount++;
            _hAccepted = h;
            _errAccepted = Math.Max(1e-2, err);
            return 1 / fac;
        }

        public override double RejectFactor(double err, bool firstStep)
        {
            if (double.IsNaN(err) || double.IsPositiveInfinity(err)) return 1 / MaxShrink;
            return firstStep ? 0.1 : 1 / Math.Clamp(Math.Pow(err, _exponent) / Safety, 1 / MaxGrowth, MaxShrink);
        }

        public override void Advance(double tNew)
        {
            base.Advance(tNew);
            _jacobianCurrent = false;
        }

        /// <summary>y(s) = (1 − s) y0 + s (y1 + (1 − s)(r1 + s (r2 + s (…)))), s = (t − t0)/h (rodas.f CONTRO, extended by
        /// Horner's rule to the rows of the tableau's dense output).</summary>
        public override void Interpolate(double t, Span<double> y)
        {
            if (t == TEnd) { YNew.CopyTo(y); return; }
            if (!_denseReady)
            {
                // Formed on demand: most steps of a long run are never interpolated.
                var rows = _tab.DenseArray;
                for (int m = 0; m < rows.Length; m++) BlockedKernels.Combine(_dense[m], default, rows[m], 1, _k, rows[m].Length);
                _denseReady = true;
            }
            double s = (t - TStart) / (TEnd - TStart), s1 = 1 - s;
            int last = _dense.Length - 1;
            var top = _dense[last];
            for (int i = 0; i < N; i++)
            {
                double r = top[i];
                for (int m = last - 1; m >= 0; m--) r = _dense[m][i] + s * r;
                y[i] = s1 * Y[i] + s * (YNew[i] + s1 * r);
            }
        }
    }
}
