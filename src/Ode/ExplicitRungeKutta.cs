namespace PhaseFlow.Ode;

/// <summary>Adaptive explicit Runge–Kutta integrator for any embedded tableau (PI step control, dense output), or any
/// tableau at all with <see cref="OdeOptions.FixedStep"/>. Outputs, events, callbacks and statistics come from the shared driver.</summary>
/// <remarks>Immutable: one instance may serve concurrent solves, each with its own workspace.</remarks>
public sealed class ExplicitRungeKutta : IOdeSolver
{
    /// <summary>Creates the integrator. A tableau without an embedded error estimate runs only with
    /// <see cref="OdeOptions.FixedStep"/>.</summary>
    public ExplicitRungeKutta(ExplicitRungeKuttaTableau tableau)
    {
        ArgumentNullException.ThrowIfNull(tableau);
        Tableau = tableau;
    }

    /// <summary>Dormand–Prince 5(4) with its fourth-order dense output.</summary>
    public static ExplicitRungeKutta DormandPrince54() => new(ExplicitRungeKuttaTableau.DormandPrince54);

    /// <summary>Tsitouras 5(4) with its fourth-order dense output.</summary>
    public static ExplicitRungeKutta Tsitouras54() => new(ExplicitRungeKuttaTableau.Tsitouras54);

    /// <summary>Classical RK4; needs <see cref="OdeOptions.FixedStep"/>.</summary>
    public static ExplicitRungeKutta ClassicalRungeKutta4() => new(ExplicitRungeKuttaTableau.ClassicalRungeKutta4);

    /// <summary>Explicit Euler; needs <see cref="OdeOptions.FixedStep"/>.</summary>
    public static ExplicitRungeKutta Euler() => new(ExplicitRungeKuttaTableau.Euler);

    /// <summary>The method's tableau.</summary>
    public ExplicitRungeKuttaTableau Tableau { get; }

    /// <inheritdoc />
    public string Name => Tableau.Name;

    /// <inheritdoc />
    public OdeSolution Solve(OdeProblem problem, OdeOptions options, IProgress<OdeProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        OdeDriver.Validate(problem, options);
        if (Tableau.ErrorWeights is null && options.FixedStep is null)
            throw new ArgumentException($"{Tableau.Name} has no embedded error estimate: set OdeOptions.FixedStep.", nameof(options));
        return OdeDriver.Run(new ExplicitStepper(Tableau, problem, options), problem, options, progress, cancellationToken);
    }

    private sealed class ExplicitStepper : Stepper
    {
        private readonly ExplicitRungeKuttaTableau _tab;
        private readonly PiController _controller;
        private readonly int _stages;
        private readonly double[][] _k;
        private readonly double[] _aFlat;      // row i of A at offset i(i−1)/2; the tableau's own arrays, only read
        private readonly double[] _b, _c, _e;
        private readonly double[] _weights, _yStage, _err;

        public ExplicitStepper(ExplicitRungeKuttaTableau tab, OdeProblem problem, OdeOptions options) : base(problem, options)
        {
            _tab = tab;
            _stages = tab.Stages;
            _controller = new PiController(Math.Max(1, Math.Min(tab.Order, tab.EmbeddedOrder)) + 1);
            _k = new double[_stages][];
            for (int i = 0; i < _stages; i++) _k[i] = new double[N];
            _aFlat = tab.AFlat;
            _b = tab.BArray;
            _c = tab.CArray;
            _e = tab.ErrorWeightArray;
            _weights = new double[_stages];
            _yStage = new double[N];
            _err = new double[N];
        }

        public override string Name => _tab.Name;

        public override void Initialize(double t0)
        {
            Problem.Function(t0, Y, _k[0]);
            FunctionEvaluations++;
        }

        public override double Attempt(double t, double h, bool estimateError)
        {
            var f = Problem.Function;
            int last = _tab.FirstSameAsLast ? _stages - 1 : _stages;
            for (int s = 1; s < last; s++)
            {
                int offset = s * (s - 1) / 2;
                BlockedKernels.Combine(_yStage, Y, _aFlat.AsSpan(offset, s), h, _k, s);
                f(t + _c[s] * h, _yStage, _k[s]);
                FunctionEvaluations++;
            }
            BlockedKernels.Combine(YNew, Y, _b, h, _k, last);
            if (_tab.FirstSameAsLast)
            {
                f(t + h, YNew, _k[_stages - 1]);
                FunctionEvaluations++;
            }
            if (!estimateError) return 0;
            BlockedKernels.Combine(_err, default, _e, h, _k, _stages);
            return Norm.Norm(_err, Y, YNew);
        }

        public override double AcceptFactor(double err, double h) => _controller.Accept(err);

        public override double RejectFactor(double err, bool firstStep) => _controller.Reject(err);

        public override void Advance(double tNew)
        {
            base.Advance(tNew);
            if (_tab.FirstSameAsLast && tNew == TEnd) (_k[0], _k[_stages - 1]) = (_k[_stages - 1], _k[0]);
            else
            {
                Problem.Function(tNew, Y, _k[0]);
                FunctionEvaluations++;
            }
        }

        public override void Interpolate(double t, Span<double> y)
        {
            double h = TEnd - TStart;
            if (t == TEnd) { YNew.CopyTo(y); return; }
            double theta = (t - TStart) / h;
            if (_tab.DenseOutput is null)
            {
                // Cubic Hermite from the end-point slopes (third order) for tableaus without their own interpolant.
                double t2 = theta * theta, t3 = t2 * theta;
                double h00 = 2 * t3 - 3 * t2 + 1, h10 = t3 - 2 * t2 + theta, h01 = -2 * t3 + 3 * t2, h11 = t3 - t2;
                if (!_tab.FirstSameAsLast) throw new InvalidOperationException($"{_tab.Name} has no dense output.");
                double[] kEnd = _k[_stages - 1];
                for (int i = 0; i < N; i++) y[i] = h00 * Y[i] + h * h10 * _k[0][i] + h01 * YNew[i] + h * h11 * kEnd[i];
                return;
            }
            _tab.DenseOutput(theta, _weights);
            BlockedKernels.Combine(y, Y, _weights, h, _k, _stages);
        }

        /// <summary>Hairer's starting step: balances the first two derivative estimates against the tolerance.</summary>
        public override double AutomaticInitialStep(double t0)
        {
            double span = Problem.TEnd - Problem.T0;
            double d0 = 0, d1 = 0;
            for (int i = 0; i < N; i++)
            {
                double sk = Norm.Scale(i, Y[i], Y[i]);
                d0 += Sq(Y[i] / sk);
                d1 += Sq(_k[0][i] / sk);
            }
            d0 = Math.Sqrt(d0 / N);
            d1 = Math.Sqrt(d1 / N);
            double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
            h0 = Math.Min(Math.Min(h0, span), Options.MaxStep);
            if (!double.IsFinite(h0) || h0 <= 0) h0 = Math.Min(1e-6, span);
            for (int i = 0; i < N; i++) _yStage[i] = Y[i] + h0 * _k[0][i];
            var f1 = _k[_stages - 1];
            Problem.Function(t0 + h0, _yStage, f1);
            FunctionEvaluations++;
            double d2 = 0;
            for (int i = 0; i < N; i++)
            {
                double sk = Norm.Scale(i, Y[i], Y[i]);
                d2 += Sq((f1[i] - _k[0][i]) / sk);
            }
            d2 = Math.Sqrt(d2 / N) / h0;
            double dMax = Math.Max(d1, d2);
            double h1 = dMax <= 1e-15 || !double.IsFinite(dMax)
                ? Math.Max(1e-6, h0 * 1e-3)
                : Math.Pow(0.01 / dMax, 1.0 / (_tab.Order + 1));
            return Math.Min(Math.Min(100 * h0, h1), span);
        }

        private static double Sq(double x) => x * x;
    }
}
