using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Ode;

namespace PhaseFlow.Duhamel;

/// <summary>The node system in the error amplitudes, state (Θ, Ĥ_1..Ĥ_M): for mode i of node j,
/// w_i − σw*_i = z_j w_i(0) + w*_i(F_j − σ) = z_j w⊥_i + w*_i Ĥ_j with w⊥ = w(0) − r_j w* the part of w(0) orthogonal to
/// w* within the node (r_j = B_j/C_j) and Ĥ_j = F_j − σ + r_j z_j. Node j's share of ‖w − σw*‖² is then
/// C_j Ĥ_j² + k_j z_j² (k_j = ‖w⊥‖² = A_j − B_j r_j ≥ 0; k_j = A_j where C_j = 0, and then B_j = 0): small with Ĥ_j and
/// z_j, non-negative by construction, instead of a difference of O(1) numbers. As z_j' = 4λ_jΘ'z_j, Ĥ_j obeys F_j's law
/// shifted: Ĥ_j' = 4λ_j(Θ'Ĥ_j + G) with G = σΘ' + β/4 = γ/4 and Θ' = α/4, α and γ taken from <see cref="ErrorCoupling"/>
/// in the node error moments d = δᵀQw* = Σλ_j C_j Ĥ_j and e = δᵀQδ = Σλ_j(C_j Ĥ_j² + k_j z_j²): γ has no constant term,
/// so G keeps its relative accuracy as δ → 0 (from s and u it would be σ(s* − 3s) + 2u for phase retrieval, a difference of
/// O(1) numbers).</summary>
/// <remarks>Why Ĥ_j and not F_j − σ itself: near convergence z_j decays at the node's own rate 8λ_j s* (phase retrieval)
/// while the error along w* may decay faster, so F_j − σ ≈ −r_j z_j would carry it as a vanishing difference, and its
/// relative error control with it (measured: 10^5 steps for a spiked case that needs 10^3).</remarks>
internal sealed class NodeErrorSystem
{
    private readonly double[] _lambda, _c, _r, _k, _z;
    private readonly double _sStar;
    private readonly int _sigma;
    private readonly ErrorCoupling _coupling;
    private double _zTheta = double.NaN;

    public NodeErrorSystem(SpectralNodes nodes, ErrorCoupling coupling)
    {
        _lambda = nodes.Lambda.ToArray();
        var a = nodes.A;
        var b = nodes.B;
        _c = nodes.C.ToArray();
        _sStar = nodes.SStar;
        _coupling = coupling;
        _sigma = coupling.Sigma;
        int m = _lambda.Length;
        _r = new double[m];
        _k = new double[m];
        _z = new double[m];
        for (int j = 0; j < m; j++)
        {
            _r[j] = _c[j] > 0 ? b[j] / _c[j] : 0;
            _k[j] = _c[j] > 0 ? Math.Max(0, a[j] - b[j] * _r[j]) : a[j];
        }
    }

    /// <summary>z_j = e^{4λ_jΘ} where it has a weight (r_j or k_j ≠ 0; 0 elsewhere, as in <see cref="NodeSystem"/>),
    /// cached for the last Θ.</summary>
    private double[] Z(double theta)
    {
        if (!theta.Equals(_zTheta))
        {
            for (int j = 0; j < _lambda.Length; j++) _z[j] = _r[j] == 0 && _k[j] == 0 ? 0 : Math.Exp(4 * _lambda[j] * theta);
            _zTheta = theta;
        }
        return _z;
    }

    /// <summary>The state (Θ, Ĥ) of the first pass's (Θ, F) for sign <paramref name="sigma"/>.</summary>
    public double[] FromNodeState(ReadOnlySpan<double> y, int sigma)
    {
        var zs = Z(y[0]);
        var x = new double[y.Length];
        x[0] = y[0];
        for (int j = 0; j < _lambda.Length; j++) x[j + 1] = y[j + 1] - sigma + _r[j] * zs[j];
        return x;
    }

    /// <summary>d, e, ‖w − σw*‖² and ‖w + σw*‖² (Ĥ_j + 2σ in place of Ĥ_j: an O(1) sum, needed only while it is the
    /// smaller).</summary>
    public (double D, double E, double Error, double OtherError) Moments(ReadOnlySpan<double> y)
    {
        double d = 0, e = 0, error = 0, other = 0;
        var zs = Z(y[0]);
        for (int j = 0; j < _lambda.Length; j++)
        {
            double l = _lambda[j], z = zs[j], h = y[j + 1], o = h + 2 * _sigma, kz = _k[j] * z * z;
            double ej = _c[j] * h * h + kz;
            d += l * _c[j] * h;
            e += l * ej;
            error += ej;
            other += _c[j] * o * o + kz;
        }
        return (d, e, error, other);
    }

    private (double D, double E) ErrorMoments(ReadOnlySpan<double> y)
    {
        double d = 0, e = 0;
        var zs = Z(y[0]);
        for (int j = 0; j < _lambda.Length; j++)
        {
            double l = _lambda[j], z = zs[j], h = y[j + 1];
            d += l * _c[j] * h;
            e += l * (_c[j] * h * h + _k[j] * z * z);
        }
        return (d, e);
    }

    public void Function(double t, ReadOnlySpan<double> y, Span<double> dy)
    {
        var (d, e) = ErrorMoments(y);
        var p = _coupling.Evaluate(d, e, _sStar);
        // Θ' = α/4; Ĥ_j' = 4λ_j(Θ'Ĥ_j + γ/4) = λ_j(αĤ_j + γ).
        dy[0] = 0.25 * p.Alpha;
        for (int j = 0; j < _lambda.Length; j++) dy[j + 1] = _lambda[j] * (p.Alpha * y[j + 1] + p.Gamma);
    }

    /// <summary>J = diag(0, λ_jα) + a (∇e)ᵀ + b (∇d)ᵀ with a = (α_e/4, λ_j(α_e Ĥ_j + γ_e)), b = (α_d/4, λ_j(α_d Ĥ_j + γ_d)),
    /// ∇e = (Σ8λ_j²k_j z_j², 2λ_jC_jĤ_j), ∇d = (0, λ_jC_j).</summary>
    public void Jacobian(double t, ReadOnlySpan<double> y, Span<double> diagonal, Span<double> u, Span<double> v)
    {
        int n = _lambda.Length + 1;
        double d = 0, e = 0, deTheta = 0;
        var zs = Z(y[0]);
        for (int j = 0; j < _lambda.Length; j++)
        {
            double l = _lambda[j], z = zs[j], h = y[j + 1], kz = _k[j] * z * z;
            d += l * _c[j] * h;
            e += l * (_c[j] * h * h + kz);
            // ∂z_j/∂Θ = 4λ_j z_j.
            deTheta += 8 * l * l * kz;
            v[j + 1] = 2 * l * _c[j] * h;
            v[n + j + 1] = l * _c[j];
        }
        var p = _coupling.Evaluate(d, e, _sStar);
        diagonal[0] = 0;
        u[0] = 0.25 * p.AlphaE;
        u[n] = 0.25 * p.AlphaD;
        v[0] = deTheta;
        v[n] = 0;
        for (int j = 0; j < _lambda.Length; j++)
        {
            double l = _lambda[j], h = y[j + 1];
            diagonal[j + 1] = l * p.Alpha;
            u[j + 1] = l * (p.AlphaE * h + p.GammaE);
            u[n + j + 1] = l * (p.AlphaD * h + p.GammaD);
        }
    }
}

/// <summary>The second pass of a spectral-node solve that gives the MSE near convergence (see
/// <see cref="SpectralNodeResult.ErrorAmplitudesFrom"/>).</summary>
internal static class NodeErrorPass
{
    private const double Epsilon = 2.220446049250313e-16;

    /// <summary>Integrates (Θ, Ĥ) for sign <paramref name="sigma"/> from <paramref name="from"/> (seeded from the node state
    /// <paramref name="seed"/> of the first pass) to <paramref name="to"/> and replaces the MSE of the samples after
    /// <paramref name="from"/>. Returns its statistics, or null (samples untouched) when the model has no error coupling or
    /// the pass fails.</summary>
    public static SimulationStatistics? Run(SpectralNodes nodes, SpectralNodeOptions options, double thetaAtol, string method,
        int sigma, double from, double[] seed, double to, List<TrajectorySample> samples, CancellationToken cancellationToken)
    {
        if (ErrorCoupling.TryCreate(nodes.Loss, sigma) is not { } coupling) return null;
        int first = samples.FindIndex(x => x.T > from);
        if (first < 0) return null;
        var times = samples.Skip(first).Select(x => x.T).Where(t => t <= to).ToArray();
        if (times.Length == 0) return null;
        int n = nodes.Count + 1;
        // Ĥ_j = F_j − σ + r_j z_j: at the seed the MSE has just fallen to a quarter of its plateau, so this loses a factor
        // ~4 of the relative accuracy F has, no more.
        var system = new NodeErrorSystem(nodes, coupling);
        var y0 = system.FromNodeState(seed, sigma);
        bool signInvariant = nodes.Loss.SignInvariant;
        double dimension = nodes.Dimension;
        var mse = new List<double>(times.Length);
        var solver = Rosenbrock.Rodas4(new DiagonalLowRankJacobianSolver(n, 2, system.Jacobian), autonomous: true);
        double rtol = options.RelativeTolerance, teacherNorm = Math.Sqrt(nodes.TeacherNormSquared);
        long steps = 0, rejected = 0, evaluations = 0, jacobians = 0, solves = 0;
        var atols = new double[n];
        double t0 = from;
        var y = y0;
        // Segments, each ending where ‖δ‖ has fallen tenfold: the error in ‖δ‖² = Σ C_j Ĥ_j² + k_j z_j² from absolute
        // errors a in Ĥ is at most 2a‖w*‖‖δ‖ (Cauchy–Schwarz), so a = rtol·‖δ‖/(20‖w*‖) at a segment's start keeps a
        // step's contribution within rtol·‖δ‖²/10 at the start and 10·rtol·‖δ‖² at the end, while components far below ‖δ‖
        // (converged head nodes of a power law, Ĥ_j crossing 0) do not cost steps of their own. Measured (rtol 1e-10,
        // power law a = 2, d = 1000, exact nodes, t to 1e6): 949 steps against the first pass's 1791, where a = rtol·ε
        // throughout took 6670; MSE within 0.35·rtol of a pass at rtol 1e-12 without segments (4.2·rtol with t to 1e9),
        // down to MSE 1e-20 (docs/volterra.md).
        // Never below rtol·ε: w*_i Ĥ_j is mode i's error along w*, which not even the direct flow resolves below ε|w*_i|.
        // Θ as in the first pass.
        while (true)
        {
            double norm = Math.Sqrt(system.Moments(y).Error);
            Array.Fill(atols, Math.Max(rtol * Epsilon, rtol * norm / (20 * teacherNorm)));
            atols[0] = thetaAtol;
            double stopBelow = norm / 10;
            if (options.MaxSteps - steps - rejected < 1) return null;
            var odeOptions = new OdeOptions
            {
                RelativeTolerance = rtol,
                AbsoluteTolerances = atols,
                // One budget for all segments, rejected steps included as in the driver.
                MaxSteps = options.MaxSteps - steps - rejected,
                OutputTimes = times.Where(x => x > t0).ToArray(),
                OutputHandler = (_, state) =>
                {
                    var m = system.Moments(state);
                    // Both forms are non-negative by construction; the other sign only where w and −w are equivalent.
                    mse.Add((signInvariant ? Math.Min(m.Error, m.OtherError) : m.Error) / dimension);
                },
                StepCallback = step => Math.Sqrt(system.Moments(step.YEnd).Error) >= stopBelow,
            };
            OdeSolution solution;
            try
            {
                solution = solver.Solve(new OdeProblem(system.Function, t0, y, to), odeOptions, null, cancellationToken);
            }
            catch (OdeIntegrationException)
            {
                // The first pass stands, its MSE from the node sums.
                return null;
            }
            var st = solution.Statistics;
            (steps, rejected, evaluations) = (steps + st.AcceptedSteps, rejected + st.RejectedSteps, evaluations + st.FunctionEvaluations);
            (jacobians, solves) = (jacobians + st.JacobianEvaluations, solves + st.LinearSolves);
            if (!solution.StoppedByCallback || solution.T >= to) break;
            t0 = solution.T;
            y = solution.Y.ToArray();
        }
        for (int i = 0; i < mse.Count; i++) samples[first + i] = samples[first + i] with { Mse = mse[i] };
        return new SimulationStatistics($"{method}, error amplitudes", steps, rejected, evaluations)
        {
            JacobianEvaluations = jacobians,
            LinearSolves = solves,
        };
    }
}
