namespace PhaseFlow.Ode;

/// <summary>Coefficients of a stiffly accurate Rosenbrock method in Hairer and Wanner's W-transformed form
/// (stages solved with σI − J, σ = 1/(hγ)), with a third-order dense output.</summary>
public sealed class RosenbrockTableau
{
    internal RosenbrockTableau(string name, int order, double gamma, double[] c, double[] d, double[][] a, double[][] cc,
        double[] dense2, double[] dense3)
    {
        Name = name;
        Order = order;
        Gamma = gamma;
        C = c;
        D = d;
        A = a;
        Cc = cc;
        Dense2 = dense2;
        Dense3 = dense3;
    }

    /// <summary>Method name.</summary>
    public string Name { get; }

    /// <summary>Order of the propagated solution (the embedded one is one lower).</summary>
    public int Order { get; }

    /// <summary>Diagonal coefficient γ.</summary>
    public double Gamma { get; }

    internal double[] C { get; }
    internal double[] D { get; }
    internal double[][] A { get; }
    internal double[][] Cc { get; }
    internal double[] Dense2 { get; }
    internal double[] Dense3 { get; }

    /// <summary>RODAS4 of Hairer and Wanner (<i>Solving ODEs II</i>, §VI.4): 6 stages, order 4(3), L-stable,
    /// stiffly accurate, coefficients of rodas.f (METH = 1).</summary>
    public static RosenbrockTableau Rodas4 { get; } = new(
        "Rodas4", 4, 0.25,
        c: [0, 0.386, 0.21, 0.63, 1, 1],
        d: [0.25, -0.1043, 0.1035, -0.3620000000000023e-01, 0, 0],
        a:
        [
            [],
            [1.544],
            [0.9466785280815826, 0.2557011698983284],
            [3.314825187068521, 2.896124015972201, 0.9986419139977817],
            [1.221224509226641, 6.019134481288629, 12.53708332932087, -0.687886036105895],
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
        dense2: [10.12623508344586, -7.487995877610167, -34.80091861555747, -7.992771707568823, 1.025137723295662],
        dense3: [-0.6762803392801253, 6.087714651680015, 16.43084320892478, 24.76722511418386, -6.594389125716872]);
}

/// <summary>Adaptive Rosenbrock integrator (no Newton iterations: one Jacobian and one factorisation per step) with a
/// pluggable <see cref="IJacobianSolver"/>, Gustafsson's predictive step control, dense output, output times, step
/// callbacks, progress and cancellation. L-stable: the step is limited by accuracy, not by stiffness.</summary>
/// <remarks>Immutable: one instance (with its Jacobian solver) may serve concurrent solves; each solve builds its own
/// workspace, and a shared instance gives every solve bit for bit what a solve on its own gives.</remarks>
public sealed class Rosenbrock : IOdeSolver
{
    /// <summary>Creates the integrator.</summary>
    /// <param name="tableau">Method coefficients, e.g. <see cref="RosenbrockTableau.Rodas4"/>.</param>
    /// <param name="jacobian">Jacobian and linear solver for this problem's dimension.</param>
    /// <param name="autonomous">True when f does not depend on t explicitly; otherwise ∂f/∂t is formed by a difference
    /// quotient (one extra evaluation per step).</param>
    public Rosenbrock(RosenbrockTableau tableau, IJacobianSolver jacobian, bool autonomous = false)
    {
        Tableau = tableau ?? throw new ArgumentNullException(nameof(tableau));
        Jacobian = jacobian ?? throw new ArgumentNullException(nameof(jacobian));
        Autonomous = autonomous;
    }

    /// <summary>Rodas4 with the given Jacobian solver.</summary>
    public static Rosenbrock Rodas4(IJacobianSolver jacobian, bool autonomous = false) => new(RosenbrockTableau.Rodas4, jacobian, autonomous);

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
        private readonly double[] _f0, _stage, _dy, _fx, _dense2, _dense3;
        private bool _denseReady, _jacobianCurrent;
        private double _hAccepted, _errAccepted;
        private long _acceptedCount;

        public RosenbrockStepper(Rosenbrock method, OdeProblem problem, OdeOptions options) : base(problem, options)
        {
            _method = method;
            _tab = method.Tableau;
            _jac = method.Jacobian.CreateWorkspace(problem, options);
            _k = new double[6][];
            for (int i = 0; i < 6; i++) _k[i] = new double[N];
            _f0 = new double[N];
            _stage = new double[N];
            _dy = new double[N];
            _fx = new double[N];
            _dense2 = new double[N];
            _dense3 = new double[N];
        }

        public override string Name => _tab.Name;

        public override void Initialize(double t0) { }

        public override double AutomaticInitialStep(double t0) => Math.Min(1e-6 * (Problem.TEnd - Problem.T0), Options.MaxStep);

        /// <summary>rodas.f's ROCORE: Jacobian (reused after a rejection), factorisation, six stages; the last stage is the
        /// error estimate of the embedded solution.</summary>
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

            var a = _tab.A;
            var cc = _tab.Cc;
            bool nonAutonomous = !_method.Autonomous;
            _f0.CopyTo(_k[0], 0);
            if (nonAutonomous) BlockedKernels.Axpy(h * _tab.D[0], _fx, _k[0]);
            _jac.Solve(_k[0]);
            LinearSolves++;
            // Stages 2–5: Y = y + Σ a_ij k_j, k_s = (σI − J)⁻¹ (f(Y) + Σ (c_ij/h) k_j + h d_s f_t).
            for (int s = 1; s <= 4; s++)
            {
                BlockedKernels.Combine(_stage, Y, a[s], 1, _k, s);
                f(t + _tab.C[s] * h, _stage, _dy);
                FunctionEvaluations++;
                BlockedKernels.Combine(_k[s], _dy, cc[s], 1 / h, _k, s);
                if (nonAutonomous) BlockedKernels.Axpy(h * _tab.D[s], _fx, _k[s]);
                _jac.Solve(_k[s]);
                LinearSolves++;
            }
            // Embedded solution Y5 + k5 (Y5 is still in _stage), then the last stage: error estimate k6 and the new solution.
            _stage.CopyTo(YNew, 0);
            BlockedKernels.Axpy(1, _k[4], YNew);
            f(t + h, YNew, _dy);
            FunctionEvaluations++;
            BlockedKernels.Combine(_k[5], _dy, cc[5], 1 / h, _k, 5);
            _jac.Solve(_k[5]);
            LinearSolves++;
            BlockedKernels.Axpy(1, _k[5], YNew);
            _denseReady = false;
            return estimateError ? Norm.Norm(_k[5], Y, YNew) : 0;
        }

        /// <summary>Hairer's factor with Gustafsson's predictive correction (rodas.f, PRED = true).</summary>
        public override double AcceptFactor(double err, double h)
        {
            double fac = Math.Clamp(Math.Pow(err, 0.25) / Safety, 1 / MaxGrowth, MaxShrink);
            if (_acceptedCount > 0)
            {
                double facGus = _hAccepted / h * Math.Pow(err * err / _errAccepted, 0.25) / Safety;
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
            return firstStep ? 0.1 : 1 / Math.Clamp(Math.Pow(err, 0.25) / Safety, 1 / MaxGrowth, MaxShrink);
        }

        public override void Advance(double tNew)
        {
            base.Advance(tNew);
            _jacobianCurrent = false;
        }

        /// <summary>y(s) = (1 − s) y0 + s (y1 + (1 − s)(r2 + s r3)), s = (t − t0)/h (rodas.f CONTRO).</summary>
        public override void Interpolate(double t, Span<double> y)
        {
            if (t == TEnd) { YNew.CopyTo(y); return; }
            if (!_denseReady)
            {
                // Formed on demand: most steps of a long run are never interpolated.
                BlockedKernels.Combine(_dense2, default, _tab.Dense2, 1, _k, 5);
                BlockedKernels.Combine(_dense3, default, _tab.Dense3, 1, _k, 5);
                _denseReady = true;
            }
            double s = (t - TStart) / (TEnd - TStart), s1 = 1 - s;
            for (int i = 0; i < N; i++) y[i] = s1 * Y[i] + s * (YNew[i] + s1 * (_dense2[i] + s * _dense3[i]));
        }
    }
}
