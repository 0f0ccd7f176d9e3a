using System.Diagnostics;

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

    /// <summary>The linear algebra.</summary>
    public IJacobianSolver Jacobian { get; }

    /// <summary>Whether f is treated as autonomous.</summary>
    public bool Autonomous { get; }

    /// <inheritdoc />
    public string Name => Tableau.Name;

    /// <inheritdoc />
    public OdeSolution Solve(OdeProblem problem, OdeOptions options, IProgress<OdeProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(problem);
        if (Jacobian.Dimension != problem.Dimension)
            throw new ArgumentException($"The Jacobian solver is for dimension {Jacobian.Dimension}, the problem has {problem.Dimension}.", nameof(problem));
        return new Run(this, problem, options, progress, cancellationToken).Execute();
    }

    private sealed class Run : IDenseStep
    {
        private static readonly long ProgressInterval = Stopwatch.Frequency / 10;
        private const double Safety = 0.9, MaxShrink = 5, MaxGrowth = 6;

        private readonly Rosenbrock _method;
        private readonly RosenbrockTableau _tab;
        private readonly OdeProblem _problem;
        private readonly OdeOptions _options;
        private readonly IProgress<OdeProgress>? _progress;
        private readonly CancellationToken _ct;
        private readonly ErrorNorm _norm;
        private readonly int _n;
        private readonly double[][] _k;
        private double[] _y, _yNew;
        private readonly double[] _f0, _stage, _dy, _fx, _dense2, _dense3, _scratch;
        private bool _denseReady;
        private long _accepted, _rejected, _fev, _jev, _dec, _sol;
        private double _minStep = double.PositiveInfinity, _maxStep;

        public Run(Rosenbrock method, OdeProblem problem, OdeOptions options, IProgress<OdeProgress>? progress, CancellationToken ct)
        {
            _method = method;
            _tab = method.Tableau;
            _problem = problem;
            _options = options;
            _progress = progress;
            _ct = ct;
            _n = problem.Dimension;
            _norm = new ErrorNorm(options);
            _k = new double[6][];
            for (int i = 0; i < 6; i++) _k[i] = new double[_n];
            _y = problem.InitialState.ToArray();
            _yNew = new double[_n];
            _f0 = new double[_n];
            _stage = new double[_n];
            _dy = new double[_n];
            _fx = new double[_n];
            _dense2 = new double[_n];
            _dense3 = new double[_n];
            _scratch = new double[_n];
        }

        public double TStart { get; private set; }
        public double TEnd { get; private set; }
        public ReadOnlySpan<double> YStart => _y;
        public ReadOnlySpan<double> YEnd => _yNew;

        /// <summary>y(s) = (1 − s) y0 + s (y1 + (1 − s)(r2 + s r3)), s = (t − t0)/h (rodas.f CONTRO).</summary>
        public void Interpolate(double t, Span<double> y)
        {
            if (t == TEnd) { _yNew.CopyTo(y); return; }
            if (!_denseReady)
            {
                // Formed on demand: most steps of a long run are never interpolated.
                BlockedKernels.Combine(_dense2, default, _tab.Dense2, 1, _k, 5);
                BlockedKernels.Combine(_dense3, default, _tab.Dense3, 1, _k, 5);
                _denseReady = true;
            }
            double s = (t - TStart) / (TEnd - TStart), s1 = 1 - s;
            for (int i = 0; i < _n; i++) y[i] = s1 * _y[i] + s * (_yNew[i] + s1 * (_dense2[i] + s * _dense3[i]));
        }

        public OdeSolution Execute()
        {
            var f = _problem.Function;
            var jac = _method.Jacobian;
            double tEnd = _problem.TEnd, t = _problem.T0;
            double span = tEnd - t;
            double h = _options.FixedStep ?? _options.InitialStep ?? Math.Min(1e-6 * span, _options.MaxStep);
            h = Math.Min(h, _options.MaxStep);
            var outTimes = _options.OutputTimes;
            var storedTimes = new List<double>();
            var storedStates = new List<double[]>();
            int nextOut = 0;
            while (nextOut < outTimes.Count && outTimes[nextOut] <= t) Emit(outTimes[nextOut++], _y, storedTimes, storedStates);

            long lastReport = Stopwatch.GetTimestamp();
            bool reject = false, stopped = false, lastWasNonFinite = false, needJacobian = true;
            double hAcc = 0, errAcc = 0;
            while (t < tEnd)
            {
                _ct.ThrowIfCancellationRequested();
                if (_accepted + _rejected >= _options.MaxSteps)
                    throw new OdeIntegrationException(OdeFailure.MaxStepsExceeded, t, h,
                        $"{_tab.Name}: step limit of {_options.MaxSteps} reached at t = {t:G6} (step {h:G3}).");
                double hMin = 16 * double.Epsilon + 16 * Math.ScaleB(Math.Abs(t), -52);
                if (h < hMin)
                {
                    string why = lastWasNonFinite ? "values became NaN or infinite" : "step size too small";
                    throw new OdeIntegrationException(lastWasNonFinite ? OdeFailure.NonFiniteValues : OdeFailure.StepSizeTooSmall, t, h,
                        $"{_tab.Name}: {why} at t = {t:G6} (step {h:G3}).");
                }
                bool final = t + h >= tEnd || tEnd - (t + h) < hMin;
                if (final) h = tEnd - t;

                if (needJacobian)
                {
                    f(t, _y, _f0);
                    _fev++;
                    jac.Update(t, _y);
                    _jev++;
                    if (!_method.Autonomous)
                    {
                        double delta = Math.Sqrt(2.2e-16 * Math.Max(1e-5, Math.Abs(t)));
                        f(t + delta, _y, _fx);
                        _fev++;
                        for (int i = 0; i < _n; i++) _fx[i] = (_fx[i] - _f0[i]) / delta;
                    }
                    needJacobian = false;
                }
                _dec++;
                if (!jac.Factorize(1 / (h * _tab.Gamma)))
                {
                    _rejected++;
                    h *= 0.5;
                    reject = true;
                    continue;
                }
                double err = Step(f, jac, t, h);
                if (double.IsNaN(err))
                {
                    _rejected++;
                    lastWasNonFinite = true;
                    reject = true;
                    h /= MaxShrink;
                    continue;
                }
                lastWasNonFinite = false;
                if (_options.FixedStep is not null) err = 0;
                double fac = Math.Clamp(Math.Pow(err, 0.25) / Safety, 1 / MaxGrowth, MaxShrink);
                double hNew = h / fac;
                if (err <= 1)
                {
                    if (_accepted > 0 && _options.FixedStep is null)
                    {
                        // Gustafsson's predictive controller.
                        double facGus = hAcc / h * Math.Pow(err * err / errAcc, 0.25) / Safety;
                        fac = Math.Max(fac, Math.Clamp(facGus, 1 / MaxGrowth, MaxShrink));
                        hNew = h / fac;
                    }
                    hAcc = h;
                    errAcc = Math.Max(1e-2, err);
                    _accepted++;
                    _minStep = Math.Min(_minStep, h);
                    _maxStep = Math.Max(_maxStep, h);
                    TStart = t;
                    TEnd = final ? tEnd : t + h;
                    while (nextOut < outTimes.Count && outTimes[nextOut] <= TEnd)
                    {
                        double to = outTimes[nextOut++];
                        if (to == TEnd) Emit(to, _yNew, storedTimes, storedStates);
                        else
                        {
                            Interpolate(to, _scratch);
                            Emit(to, _scratch, storedTimes, storedStates);
                        }
                    }
                    if (_options.StepCallback is { } callback && !callback(this)) stopped = true;
                    (_y, _yNew) = (_yNew, _y);
                    t = TEnd;
                    needJacobian = true;
                    if (reject) hNew = Math.Min(hNew, h);
                    reject = false;
                    h = _options.FixedStep ?? Math.Min(hNew, _options.MaxStep);
                    if (_progress is not null && Stopwatch.GetTimestamp() - lastReport > ProgressInterval)
                    {
                        lastReport = Stopwatch.GetTimestamp();
                        _progress.Report(new OdeProgress(t, _problem.T0, tEnd, _accepted));
                    }
                    if (stopped) break;
                }
                else
                {
                    _rejected++;
                    h = _accepted == 0 && !reject ? h * 0.1 : hNew;
                    reject = true;
                }
            }
            _progress?.Report(new OdeProgress(t, _problem.T0, tEnd, _accepted));
            var stats = new OdeStatistics
            {
                AcceptedSteps = _accepted,
                RejectedSteps = _rejected,
                FunctionEvaluations = _fev + (jac is DenseJacobianSolver dense ? dense.FunctionEvaluations : 0),
                JacobianEvaluations = _jev,
                Factorizations = _dec,
                LinearSolves = _sol,
                MinStep = _accepted > 0 ? _minStep : 0,
                MaxStep = _maxStep,
            };
            return new OdeSolution(t, _y.ToArray(), storedTimes, storedStates, stats, stopped);
        }

        /// <summary>The six stages of rodas.f's ROCORE; returns the normalised error of the embedded solution (NaN if not finite).</summary>
        private double Step(OdeFunction f, IJacobianSolver jac, double t, double h)
        {
            var a = _tab.A;
            var cc = _tab.Cc;
            bool nonAutonomous = !_method.Autonomous;
            // Stage 1.
            _f0.CopyTo(_k[0], 0);
            if (nonAutonomous) BlockedKernels.Axpy(h * _tab.D[0], _fx, _k[0]);
            jac.Solve(_k[0]);
            _sol++;
            // Stages 2–5: Y = y + Σ a_ij k_j, k_s = (σI − J)⁻¹ (f(Y) + Σ (c_ij/h) k_j + h d_s f_t).
            for (int s = 1; s <= 4; s++)
            {
                BlockedKernels.Combine(_stage, _y, a[s], 1, _k, s);
                f(t + _tab.C[s] * h, _stage, _dy);
                _fev++;
                BlockedKernels.Combine(_k[s], _dy, cc[s], 1 / h, _k, s);
                if (nonAutonomous) BlockedKernels.Axpy(h * _tab.D[s], _fx, _k[s]);
                jac.Solve(_k[s]);
                _sol++;
            }
            // Embedded solution Y5 + k5 (Y5 is still in _stage), then the last stage: error estimate k6 and the new solution.
            _stage.CopyTo(_yNew, 0);
            BlockedKernels.Axpy(1, _k[4], _yNew);
            f(t + h, _yNew, _dy);
            _fev++;
            BlockedKernels.Combine(_k[5], _dy, cc[5], 1 / h, _k, 5);
            jac.Solve(_k[5]);
            _sol++;
            BlockedKernels.Axpy(1, _k[5], _yNew);
            _denseReady = false;
            return _norm.Norm(_k[5], _y, _yNew);
        }

        private void Emit(double t, double[] y, List<double> times, List<double[]> states)
        {
            if (_options.OutputHandler is { } handler) handler(t, y);
            else
            {
                times.Add(t);
                states.Add((double[])y.Clone());
            }
        }
    }
}
