namespace PhaseFlow.Ode;

/// <summary>Dormand–Prince 8(5,3) (Hairer's DOP853): twelve stages, order 8, the error estimate combining the fifth- and
/// third-order embedded solutions, and a seventh-order dense output built on demand from three extra stages.
/// For smooth, non-stiff problems at tight tolerances.</summary>
/// <remarks>Stateless: one instance may serve concurrent solves, each with its own workspace.</remarks>
public sealed class DormandPrince853 : IOdeSolver
{
    /// <inheritdoc />
    public string Name => "Dormand–Prince 8(5,3)";

    /// <inheritdoc />
    public OdeSolution Solve(OdeProblem problem, OdeOptions options, IProgress<OdeProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        OdeDriver.Validate(problem, options);
        return OdeDriver.Run(new Stepper853(problem, options, Name), problem, options, progress, cancellationToken);
    }

    // Coefficients of dop853.f (Hairer), stage i at index i − 1; stage 13 is f(t + h, y1), stages 14–16 serve the dense output.
    private static readonly double[] C =
    [
        0, 0.526001519587677318785587544488e-01, 0.789002279381515978178381316732e-01, 0.118350341907227396726757197510,
        0.281649658092772603273242802490, 0.333333333333333333333333333333, 0.25, 0.307692307692307692307692307692,
        0.651282051282051282051282051282, 0.6, 0.857142857142857142857142857142, 1, 1, 0.1, 0.2, 0.777777777777777777777777777778,
    ];

    private static readonly double[][] A =
    [
        [],
        [5.26001519587677318785587544488e-02],
        [1.97250569845378994544595329183e-02, 5.91751709536136983633785987549e-02],
        [2.95875854768068491816892993775e-02, 0, 8.87627564304205475450678981324e-02],
        [2.41365134159266685502369798665e-01, 0, -8.84549479328286085344864962717e-01, 9.24834003261792003115737966543e-01],
        [3.7037037037037037037037037037e-02, 0, 0, 1.70828608729473871279604482173e-01, 1.25467687566822425016691814123e-01],
        [3.7109375e-02, 0, 0, 1.70252211019544039314978060272e-01, 6.02165389804559606850219397283e-02, -1.7578125e-02],
        [3.70920001185047927108779319836e-02, 0, 0, 1.70383925712239993810214054705e-01, 1.07262030446373284651809199168e-01,
            -1.53194377486244017527936158236e-02, 8.27378916381402288758473766002e-03],
        [6.24110958716075717114429577812e-01, 0, 0, -3.36089262944694129406857109825, -8.68219346841726006818189891453e-01,
            2.75920996994467083049415600797e+01, 2.01540675504778934086186788979e+01, -4.34898841810699588477366255144e+01],
        [4.77662536438264365890433908527e-01, 0, 0, -2.48811461997166764192642586468, -5.90290826836842996371446475743e-01,
            2.12300514481811942347288949897e+01, 1.52792336328824235832596922938e+01, -3.32882109689848629194453265587e+01,
            -2.03312017085086261358222928593e-02],
        [-9.3714243008598732571704021658e-01, 0, 0, 5.18637242884406370830023853209, 1.09143734899672957818500254654,
            -8.14978701074692612513997267357, -1.85200656599969598641566180701e+01, 2.27394870993505042818970056734e+01,
            2.49360555267965238987089396762, -3.0467644718982195003823669022],
        [2.27331014751653820792359768449, 0, 0, -1.05344954667372501984066689879e+01, -2.00087205822486249909675718444,
            -1.79589318631187989172765950534e+01, 2.79488845294199600508499808837e+01, -2.85899827713502369474065508674,
            -8.87285693353062954433549289258, 1.23605671757943030647266201528e+01, 6.43392746015763530355970484046e-01],
        [], // stage 13: f(t + h, y1)
        [5.61675022830479523392909219681e-02, 0, 0, 0, 0, 0, 2.53500210216624811088794765333e-01, -2.46239037470802489917441475441e-01,
            -1.24191423263816360469010140626e-01, 1.5329179827876569731206322685e-01, 8.20105229563468988491666602057e-03,
            7.56789766054569976138603589584e-03, -8.298e-03],
        [3.18346481635021405060768473261e-02, 0, 0, 0, 0, 2.83009096723667755288322961402e-02, 5.35419883074385676223797384372e-02,
            -5.49237485713909884646569340306e-02, 0, 0, -1.08347328697249322858509316994e-04, 3.82571090835658412954920192323e-04,
            -3.40465008687404560802977114492e-04, 1.41312443674632500278074618366e-01],
        [-4.28896301583791923408573538692e-01, 0, 0, 0, 0, -4.69762141536116384314449447206, 7.68342119606259904184240953878,
            4.06898981839711007970213554331, 3.56727187455281109270669543021e-01, 0, 0, 0, -1.39902416515901462129418009734e-03,
            2.9475147891527723389556272149, -9.15095847217987001081870187138],
    ];

    private static readonly double[] B =
    [
        5.42937341165687622380535766363e-02, 0, 0, 0, 0, 4.45031289275240888144113950566, 1.89151789931450038304281599044,
        -5.8012039600105847814672114227, 3.1116436695781989440891606237e-01, -1.52160949662516078556178806805e-01,
        2.01365400804030348374776537501e-01, 4.47106157277725905176885569043e-02,
    ];

    private static readonly double[] Er =
    [
        0.1312004499419488073250102996e-01, 0, 0, 0, 0, -0.1225156446376204440720569753e+01, -0.4957589496572501915214079952,
        0.1664377182454986536961530415e+01, -0.3503288487499736816886487290, 0.3341791187130174790297318841,
        0.8192320648511571246570742613e-01, -0.2235530786388629525884427845e-01,
    ];

    private const double Bhh1 = 0.244094488188976377952755905512, Bhh2 = 0.733846688281611857341361741547,
        Bhh3 = 0.220588235294117647058823529412e-01;

    private static readonly double[][] D =
    [
        [-0.84289382761090128651353491142e+01, 0, 0, 0, 0, 0.56671495351937776962531783590, -0.30689499459498916912797304727e+01,
            0.23846676565120698287728149680e+01, 0.21170345824450282767155149946e+01, -0.87139158377797299206789907490,
            0.22404374302607882758541771650e+01, 0.63157877876946881815570249290, -0.88990336451333310820698117400e-01,
            0.18148505520854727256656404962e+02, -0.91946323924783554000451984436e+01, -0.44360363875948939664310572000e+01],
        [0.10427508642579134603413151009e+02, 0, 0, 0, 0, 0.24228349177525818288430175319e+03, 0.16520045171727028198505394887e+03,
            -0.37454675472269020279518312152e+03, -0.22113666853125306036270938578e+02, 0.77334326684722638389603898808e+01,
            -0.30674084731089398182061213626e+02, -0.93321305264302278729567221706e+01, 0.15697238121770843886131091075e+02,
            -0.31139403219565177677282850411e+02, -0.93529243588444783865713862664e+01, 0.35816841486394083752465898540e+02],
        [0.19985053242002433820987653617e+02, 0, 0, 0, 0, -0.38703730874935176555105901742e+03, -0.18917813819516756882830838328e+03,
            0.52780815920542364900561016686e+03, -0.11573902539959630126141871134e+02, 0.68812326946963000169666922661e+01,
            -0.10006050966910838403183860980e+01, 0.77771377980534432092869265740, -0.27782057523535084065932004339e+01,
            -0.60196695231264120758267380846e+02, 0.84320405506677161018159903784e+02, 0.11992291136182789328035130030e+02],
        [-0.25693933462703749003312586129e+02, 0, 0, 0, 0, -0.15418974869023643374053993627e+03, -0.23152937917604549567536039109e+03,
            0.35763911791061412378285349910e+03, 0.93405324183624310003907691704e+02, -0.37458323136451633156875139351e+02,
            0.10409964950896230045147246184e+03, 0.29840293426660503123344363579e+02, -0.43533456590011143754432175058e+02,
            0.96324553959188282948394950600e+02, -0.39177261675615439165231486172e+02, -0.14972683625798562581422125276e+03],
    ];

    /// <summary>Checks that each row of A sums to its node (used by the tests).</summary>
    internal static double MaxRowSumDefect() => A.Select((row, i) => row.Length == 0 ? 0 : Math.Abs(row.Sum() - C[i])).Max();

    private sealed class Stepper853 : Stepper
    {
        private readonly string _name;
        private readonly double[][] _k = new double[16][];
        private readonly double[] _stage, _err5, _err3;
        private readonly double[][] _dense = new double[4][];
        private readonly PiController _controller = new(8, beta: 0);
        private bool _endSlopeReady, _denseReady;

        public Stepper853(OdeProblem problem, OdeOptions options, string name) : base(problem, options)
        {
            _name = name;
            for (int i = 0; i < 16; i++) _k[i] = new double[N];
            for (int i = 0; i < 4; i++) _dense[i] = new double[N];
            _stage = new double[N];
            _err5 = new double[N];
            _err3 = new double[N];
        }

        public override string Name => _name;

        public override void Initialize(double t0)
        {
            Problem.Function(t0, Y, _k[0]);
            FunctionEvaluations++;
        }

        public override double AutomaticInitialStep(double t0)
        {
            // Hairer's HINIT with the order 8 exponent.
            double span = Problem.TEnd - Problem.T0, d0 = 0, d1 = 0;
            for (int i = 0; i < N; i++)
            {
                double sk = Norm.Scale(i, Y[i], Y[i]);
                d0 += Y[i] / sk * (Y[i] / sk);
                d1 += _k[0][i] / sk * (_k[0][i] / sk);
            }
            d0 = Math.Sqrt(d0 / N);
            d1 = Math.Sqrt(d1 / N);
            double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
            h0 = Math.Min(Math.Min(h0, span), Options.MaxStep);
            for (int i = 0; i < N; i++) _stage[i] = Y[i] + h0 * _k[0][i];
            Problem.Function(t0 + h0, _stage, _k[1]);
            FunctionEvaluations++;
            double d2 = 0;
            for (int i = 0; i < N; i++)
            {
                double sk = Norm.Scale(i, Y[i], Y[i]), r = (_k[1][i] - _k[0][i]) / sk;
                d2 += r * r;
            }
            d2 = Math.Sqrt(d2 / N) / h0;
            double dMax = Math.Max(d1, d2);
            double h1 = dMax <= 1e-15 || !double.IsFinite(dMax) ? Math.Max(1e-6, h0 * 1e-3) : Math.Pow(0.01 / dMax, 1.0 / 8);
            return Math.Min(Math.Min(100 * h0, h1), span);
        }

        public override double Attempt(double t, double h, bool estimateError)
        {
            var f = Problem.Function;
            for (int s = 1; s < 12; s++)
            {
                BlockedKernels.Combine(_stage, Y, A[s], h, _k, s);
                f(t + C[s] * h, _stage, _k[s]);
                FunctionEvaluations++;
            }
            BlockedKernels.Combine(YNew, Y, B, h, _k, 12);
            _endSlopeReady = _denseReady = false;
            if (!estimateError) return 0;
            // err5 = Σ ER k, err3 = Σ b k − (BHH1 k1 + BHH2 k9 + BHH3 k12); ERR = |h| E5² / sqrt(N (E5² + 0.01 E3²)).
            BlockedKernels.Combine(_err5, default, Er, 1, _k, 12);
            BlockedKernels.Combine(_err3, default, B, 1, _k, 12);
            BlockedKernels.Axpy(-Bhh1, _k[0], _err3);
            BlockedKernels.Axpy(-Bhh2, _k[8], _err3);
            BlockedKernels.Axpy(-Bhh3, _k[11], _err3);
            double e5 = 0, e3 = 0;
            for (int i = 0; i < N; i++)
            {
                double sk = Norm.Scale(i, Y[i], YNew[i]);
                double a = _err5[i] / sk, b = _err3[i] / sk;
                e5 += a * a;
                e3 += b * b;
            }
            double deno = e5 + 0.01 * e3;
            if (deno <= 0) deno = 1;
            double err = h * e5 / Math.Sqrt(N * deno);
            return double.IsFinite(err) ? err : double.NaN;
        }

        public override double AcceptFactor(double err, double h) => _controller.Accept(err);

        public override double RejectFactor(double err, bool firstStep) => _controller.Reject(err);

        private void EnsureEndSlope()
        {
            if (_endSlopeReady) return;
            Problem.Function(TEnd, YNew, _k[12]);
            FunctionEvaluations++;
            _endSlopeReady = true;
        }

        public override void Advance(double tNew)
        {
            bool reuse = tNew == TEnd;
            if (reuse) EnsureEndSlope();
            base.Advance(tNew);
            if (reuse) (_k[0], _k[12]) = (_k[12], _k[0]);
            else
            {
                Problem.Function(tNew, Y, _k[0]);
                FunctionEvaluations++;
            }
        }

        public override void Interpolate(double t, Span<double> y)
        {
            if (t == TEnd) { YNew.CopyTo(y); return; }
            double h = TEnd - TStart;
            if (!_denseReady)
            {
                EnsureEndSlope();
                var f = Problem.Function;
                for (int s = 13; s < 16; s++)
                {
                    BlockedKernels.Combine(_stage, Y, A[s], h, _k, s);
                    f(TStart + C[s] * h, _stage, _k[s]);
                    FunctionEvaluations++;
                }
                for (int r = 0; r < 4; r++) BlockedKernels.Combine(_dense[r], default, D[r], h, _k, 16);
                _denseReady = true;
            }
            double theta = (t - TStart) / h, theta1 = 1 - theta;
            for (int i = 0; i < N; i++)
            {
                double ydiff = YNew[i] - Y[i], bspl = h * _k[0][i] - ydiff, r4 = ydiff - h * _k[12][i] - bspl;
                double tail = _dense[0][i] + theta * (_dense[1][i] + theta1 * (_dense[2][i] + theta * _dense[3][i]));
                y[i] = Y[i] + theta * (ydiff + theta1 * (bspl + theta * (r4 + theta1 * tail)));
            }
        }
    }
}
