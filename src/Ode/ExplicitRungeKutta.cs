using System.Diagnostics;

namespace PhaseFlow.Ode;

/// <summary>Adaptive explicit Runge–Kutta integrator: one driver for every embedded tableau (step control with a
/// PI controller, dense output, output times, step callbacks, progress and cancellation).</summary>
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

    /// <summary>The method's tableau.</summary>
    public ExplicitRungeKuttaTableau Tableau { get; }

    /// <inheritdoc />
    public string Name => Tableau.Name;

    /// <inheritdoc />
    public OdeSolution Solve(OdeProblem problem, OdeOptions options, IProgress<OdeProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(problem);
        if (Tableau.ErrorWeights is null && options.FixedStep is null)
            throw new ArgumentException($"{Tableau.Name} has no embedded error estimate: set OdeOptions.FixedStep.", nameof(options));
        return new Run(Tableau, problem, options, progress, cancellationToken).Execute();
    }

    /// <summary>Workspace of one integration; also the dense-output view handed to step callbacks.</summary>
    private sealed class Run : IDenseStep
    {
        private static readonly long ProgressInterval = Stopwatch.Frequency / 10;

        private readonly ExplicitRungeKuttaTableau _tab;
        private readonly OdeProblem _problem;
        private readonly OdeOptions _options;
        private readonly IProgress<OdeProgress>? _progress;
        private readonly CancellationToken _ct;
        private readonly ErrorNorm _norm;
        private readonly PiController _controller;
        private readonly int _n, _stages;
        private readonly double[][] _k;
        private readonly double[] _aFlat;      // row i of A at offset i(i−1)/2
        private readonly double[] _b, _c, _e;
        private readonly double[] _weights;
        private double[] _y, _yNew;
        private readonly double[] _yStage, _err;
        private double _t, _h;
        private long _accepted, _rejected, _fev;
        private double _minStep = double.PositiveInfinity, _maxStep;

        public Run(ExplicitRungeKuttaTableau tab, OdeProblem problem, OdeOptions options, IProgress<OdeProgress>? progress,
            CancellationToken ct)
        {
            _tab = tab;
            _problem = problem;
            _options = options;
            _progress = progress;
            _ct = ct;
            _n = problem.Dimension;
            _stages = tab.Stages;
            _norm = new ErrorNorm(options);
            _controller = new PiController(Math.Min(tab.Order, tab.EmbeddedOrder) + 1);
            _k = new double[_stages][];
            for (int i = 0; i < _stages; i++) _k[i] = new double[_n];
            _aFlat = tab.A.SelectMany(r => r).ToArray();
            _b = tab.B.ToArray();
            _c = tab.C.ToArray();
            _e = tab.ErrorWeights?.ToArray() ?? [];
            _weights = new double[_stages];
            _y = problem.InitialState.ToArray();
            _yNew = new double[_n];
            _yStage = new double[_n];
            _err = new double[_n];
        }

        public double TStart { get; private set; }
        public double TEnd { get; private set; }
        public ReadOnlySpan<double> YStart => _y;
        public ReadOnlySpan<double> YEnd => _yNew;

        public void Interpolate(double t, Span<double> y)
        {
            double h = TEnd - TStart;
            if (t == TEnd) { _yNew.CopyTo(y); return; }
            double theta = (t - TStart) / h;
            if (_tab.DenseOutput is null)
            {
                // Cubic Hermite from end-point slopes (third order) for tableaus without their own interpolant.
                double t2 = theta * theta, t3 = t2 * theta;
                double h00 = 2 * t3 - 3 * t2 + 1, h10 = t3 - 2 * t2 + theta, h01 = -2 * t3 + 3 * t2, h11 = t3 - t2;
                double[] kEnd = _tab.FirstSameAsLast ? _k[_stages - 1] : throw new InvalidOperationException("No slope at the step end.");
                for (int i = 0; i < _n; i++)
                    y[i] = h00 * _y[i] + h * h10 * _k[0][i] + h01 * _yNew[i] + h * h11 * kEnd[i];
                return;
            }
            _tab.DenseOutput(theta, _weights);
            for (int i = 0; i < _n; i++)
            {
                double acc = 0;
                for (int j = 0; j < _stages; j++) acc += _weights[j] * _k[j][i];
                y[i] = _y[i] + h * acc;
            }
        }

        public OdeSolution Execute()
        {
            var f = _problem.Function;
            double tEnd = _problem.TEnd;
            _t = _problem.T0;
            f(_t, _y, _k[0]);
            _fev++;
            double? fixedStep = _options.FixedStep;
            _h = fixedStep ?? Math.Min(_options.InitialStep ?? InitialStep(), _options.MaxStep);

            var outTimes = _options.OutputTimes;
            var storedTimes = new List<double>();
            var storedStates = new List<double[]>();
            int nextOut = 0;
            while (nextOut < outTimes.Count && outTimes[nextOut] <= _t)
                Emit(outTimes[nextOut++], _y, storedTimes, storedStates);

            long lastReport = Stopwatch.GetTimestamp();
            bool rejectedLast = false, lastWasNonFinite = false, stopped = false;
            while (_t < tEnd)
            {
                _ct.ThrowIfCancellationRequested();
                if (_accepted + _rejected >= _options.MaxSteps)
                    throw new OdeIntegrationException(OdeFailure.MaxStepsExceeded, _t, _h,
                        $"{_tab.Name}: step limit of {_options.MaxSteps} reached at t = {_t:G6} (step {_h:G3}); the problem may be stiff.");
                double hMin = 16 * double.Epsilon + 16 * Math.ScaleB(Math.Abs(_t), -52);
                if (_h < hMin)
                {
                    var failure = lastWasNonFinite ? OdeFailure.NonFiniteValues : OdeFailure.StepSizeTooSmall;
                    string why = lastWasNonFinite ? "values became NaN or infinite" : "step size too small";
                    throw new OdeIntegrationException(failure, _t, _h, $"{_tab.Name}: {why} at t = {_t:G6} (step {_h:G3}).");
                }
                bool final = _t + _h >= tEnd || tEnd - (_t + _h) < hMin;
                if (final) _h = tEnd - _t;

                double err = TakeStep(f, _h, estimate: fixedStep is null);
                if (fixedStep is not null && !AllFinite(_yNew)) err = double.NaN;
                if (fixedStep is not null && double.IsNaN(err))
                    throw new OdeIntegrationException(OdeFailure.NonFiniteValues, _t, _h,
                        $"{_tab.Name}: values became NaN or infinite at t = {_t:G6} with fixed step {_h:G3}.");
                if (err <= 1)
                {
                    double factor = fixedStep is null ? _controller.Accept(err) : 1;
                    if (rejectedLast) factor = Math.Min(factor, 1);
                    TStart = _t;
                    TEnd = final ? tEnd : _t + _h;
                    _accepted++;
                    _minStep = Math.Min(_minStep, _h);
                    _maxStep = Math.Max(_maxStep, _h);

                    while (nextOut < outTimes.Count && outTimes[nextOut] <= TEnd)
                    {
                        double to = outTimes[nextOut++];
                        if (to == TEnd) Emit(to, _yNew, storedTimes, storedStates);
                        else
                        {
                            Interpolate(to, _yStage);
                            Emit(to, _yStage, storedTimes, storedStates);
                        }
                    }
                    if (_options.StepCallback is { } callback && !callback(this)) stopped = true;

                    (_y, _yNew) = (_yNew, _y);
                    _t = TEnd;
                    if (_tab.FirstSameAsLast) (_k[0], _k[_stages - 1]) = (_k[_stages - 1], _k[0]);
                    else { f(_t, _y, _k[0]); _fev++; }
                    _h = fixedStep ?? Math.Min(_h * factor, _options.MaxStep);
                    rejectedLast = false;
                    lastWasNonFinite = false;

                    if (_progress is not null && Stopwatch.GetTimestamp() - lastReport > ProgressInterval)
                    {
                        lastReport = Stopwatch.GetTimestamp();
                        _progress.Report(new OdeProgress(_t, _problem.T0, tEnd, _accepted));
                    }
                    if (stopped) break;
                }
                else
                {
                    _rejected++;
                    lastWasNonFinite = double.IsNaN(err);
                    rejectedLast = true;
                    _h *= _controller.Reject(err);
                }
            }
            _progress?.Report(new OdeProgress(_t, _problem.T0, tEnd, _accepted));
            var stats = new OdeStatistics
            {
                AcceptedSteps = _accepted,
                RejectedSteps = _rejected,
                FunctionEvaluations = _fev,
                MinStep = _accepted > 0 ? _minStep : 0,
                MaxStep = _maxStep,
            };
            return new OdeSolution(_t, _y.ToArray(), storedTimes, storedStates, stats, stopped);
        }

        /// <summary>One trial step from (_t, _y) with size h into _yNew; returns the normalised error (NaN if not finite).</summary>
        private double TakeStep(OdeFunction f, double h, bool estimate)
        {
            int last = _tab.FirstSameAsLast ? _stages - 1 : _stages;
            for (int s = 1; s < last; s++)
            {
                int offset = s * (s - 1) / 2;
                for (int i = 0; i < _n; i++)
                {
                    double acc = 0;
                    for (int j = 0; j < s; j++) acc += _aFlat[offset + j] * _k[j][i];
                    _yStage[i] = _y[i] + h * acc;
                }
                f(_t + _c[s] * h, _yStage, _k[s]);
                _fev++;
            }
            for (int i = 0; i < _n; i++)
            {
                double acc = 0;
                for (int j = 0; j < last; j++) acc += _b[j] * _k[j][i];
                _yNew[i] = _y[i] + h * acc;
            }
            if (_tab.FirstSameAsLast)
            {
                f(_t + h, _yNew, _k[_stages - 1]);
                _fev++;
            }
            if (!estimate) return 0;
            for (int i = 0; i < _n; i++)
            {
                double acc = 0;
                for (int j = 0; j < _stages; j++) acc += _e[j] * _k[j][i];
                _err[i] = h * acc;
            }
            return _norm.Norm(_err, _y, _yNew);
        }

        /// <summary>Hairer's starting step: balances the first two derivative estimates against the tolerance.</summary>
        private double InitialStep()
        {
            double span = _problem.TEnd - _problem.T0;
            double d0 = 0, d1 = 0;
            for (int i = 0; i < _n; i++)
            {
                double sk = _norm.Scale(i, _y[i], _y[i]);
                d0 += Sq(_y[i] / sk);
                d1 += Sq(_k[0][i] / sk);
            }
            d0 = Math.Sqrt(d0 / _n);
            d1 = Math.Sqrt(d1 / _n);
            double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
            h0 = Math.Min(Math.Min(h0, span), _options.MaxStep);
            if (!double.IsFinite(h0) || h0 <= 0) h0 = Math.Min(1e-6, span);
            for (int i = 0; i < _n; i++) _yStage[i] = _y[i] + h0 * _k[0][i];
            _problem.Function(_problem.T0 + h0, _yStage, _k[1]);
            _fev++;
            double d2 = 0;
            for (int i = 0; i < _n; i++)
            {
                double sk = _norm.Scale(i, _y[i], _y[i]);
                d2 += Sq((_k[1][i] - _k[0][i]) / sk);
            }
            d2 = Math.Sqrt(d2 / _n) / h0;
            double dMax = Math.Max(d1, d2);
            double h1 = dMax <= 1e-15 || !double.IsFinite(dMax)
                ? Math.Max(1e-6, h0 * 1e-3)
                : Math.Pow(0.01 / dMax, 1.0 / (_tab.Order + 1));
            return Math.Min(Math.Min(100 * h0, h1), span);
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

        private static double Sq(double x) => x * x;

        private static bool AllFinite(double[] y)
        {
            foreach (double v in y)
                if (!double.IsFinite(v)) return false;
            return true;
        }
    }
}
