namespace PhaseFlow.Manifold;

/// <summary>The Filippov solution of SpecGF on the manifold, ẋ_i = −sign(g_i x_i), computed exactly piece by piece.
/// <para>Each group is in one of three modes. <em>Free</em>: ẋ_i = ±1, so x_i is linear in t. <em>Sliding</em> on its switching
/// surface h_i := T + 2μ_i = 0 (g_i = 4c_Lασ_i h_i): ẋ_i is the equivalent control keeping every sliding h_i at 0.
/// <em>Pinned</em> at x_i = 0. With p_j = μ̇_j = 2ασ_j x_j ẋ_j, the sliding conditions ḣ_i = Ṫ + 2p_i = 0 read
/// (1 n_Sᵀ + 2I) p_S = −R·1 with R = Σ_free n_j p_j: a rank-one system whose solution is p_i = q = −R/(2 + n_S) for every
/// sliding i (Sherman–Morrison), so u_i = ẋ_i = q/(2ασ_i x_i). Sliding is admissible while |u_i| ≤ 1.</para>
/// <para>Between events R is linear in t, every μ_j is a quadratic in t (free: (x + vτ)²; sliding: μ_0 + ∫q), and so are
/// h_j, T and the exit function φ_i = 4ασ_i(μ_i + σ_iρδ_ik) − q² (|u_i| ≤ 1 ⇔ φ_i ≥ 0). Every event time is therefore the
/// first positive root of a quadratic (or of x_j + vτ), computed in closed form: no time steps, no smoothing.</para>
/// <para>At an event: a free group whose h_j reaches 0 joins the sliding set; the active set is then reduced (the group of
/// largest |u| &gt; 1 leaves with ẋ = sign u, repeatedly) — a group that leaves at once has crossed the surface. A sliding group
/// whose |u| reaches 1 leaves tangentially with ẋ = sign u. A group reaching 0 is pinned there (at x_i = 0 the Filippov set
/// contains 0; the full-matrix polar factor drops the direction). Groups (other than the signal) with equal σ that start
/// equal stay equal and are merged, which also resolves their simultaneous events exactly.</para></summary>
internal sealed class FilippovSignFlow
{
    private enum Mode : byte { Free, Sliding, Pinned }

    private enum Boundary : byte { None, OnSurface, Tangential }

    public enum EventKind { None, Surface, Exit, Zero }

    private const double AdmissibleSlack = 1e-12;
    private readonly ManifoldModel _model;
    private readonly int[] _map;           // original group → merged group
    private readonly List<int>[] _members; // merged group → original groups
    private readonly int _g, _k;
    private readonly double[] _sigma, _n;
    private readonly double _alpha, _rho;
    private readonly double[] _x;
    private readonly Mode[] _mode;
    private readonly int[] _vel;
    private readonly int[] _sign;
    private readonly Boundary[] _boundary;
    private readonly double[] _m0, _m1, _m2;
    private double _r0, _r1, _d, _tc0, _tc1, _tc2, _scale0, _scale1;

    public FilippovSignFlow(ManifoldModel model, ReadOnlySpan<double> x0)
    {
        _model = model;
        int groups = model.GroupCount;
        _map = new int[groups];
        var members = new List<List<int>>();
        var sigma = new List<double>();
        var n = new List<double>();
        var x = new List<double>();
        var seen = new Dictionary<(double, double), int>();
        int k = -1;
        for (int i = 0; i < groups; i++)
        {
            double s = model.Sigma[i];
            if (i != model.SignalGroup && seen.TryGetValue((s, x0[i]), out int m))
            {
                _map[i] = m;
                members[m].Add(i);
                n[m] += model.Multiplicity[i];
                continue;
            }
            int idx = members.Count;
            if (i != model.SignalGroup) seen[(s, x0[i])] = idx;
            else k = idx;
            _map[i] = idx;
            members.Add([i]);
            sigma.Add(s);
            n.Add(model.Multiplicity[i]);
            x.Add(x0[i]);
        }
        _members = members.ToArray();
        _g = members.Count;
        _k = k;
        _sigma = sigma.ToArray();
        _n = n.ToArray();
        _x = x.ToArray();
        _alpha = model.Alpha;
        _rho = model.Rho;
        _mode = new Mode[_g];
        _vel = new int[_g];
        _sign = new int[_g];
        _boundary = new Boundary[_g];
        _m0 = new double[_g];
        _m1 = new double[_g];
        _m2 = new double[_g];
        Initialize();
    }

    public double Time { get; private set; }

    public List<SwitchingEvent> Events { get; } = [];

    /// <summary>No group moves: the solution has reached an equilibrium of the Filippov system.</summary>
    public bool Stationary { get; private set; }

    /// <summary>The current group values, in the model's (unmerged) layout.</summary>
    public void State(Span<double> x)
    {
        for (int i = 0; i < _map.Length; i++) x[i] = _x[_map[i]];
    }

    private double Mu0(int j) => _sigma[j] * (_alpha * _x[j] * _x[j] - (j == _k ? _rho : 0));

    private void Initialize()
    {
        double t = 0;
        for (int j = 0; j < _g; j++) t += _n[j] * Mu0(j);
        var candidates = new List<int>();
        double scale = 0;
        for (int j = 0; j < _g; j++) scale += _n[j] * Math.Abs(Mu0(j));
        scale += _sigma[_k] * _rho;
        for (int j = 0; j < _g; j++)
        {
            _sign[j] = Math.Sign(_x[j]);
            if (_x[j] == 0) { _mode[j] = Mode.Pinned; continue; }
            double h = t + 2 * Mu0(j);
            if (Math.Abs(h) <= 1e-14 * scale) { candidates.Add(j); continue; }
            _mode[j] = Mode.Free;
            _vel[j] = -Math.Sign(h) * _sign[j];
        }
        if (candidates.Count > 0) Select(candidates, record: true);
        BuildPiece();
    }

    /// <summary>Makes <paramref name="candidates"/> slide, then removes inadmissible sliders (largest |u| first) until every
    /// remaining equivalent control satisfies |u| ≤ 1.</summary>
    private void Select(List<int> candidates, bool record)
    {
        foreach (int c in candidates) _mode[c] = Mode.Sliding;
        var leavers = new List<(int Group, int Velocity)>();
        double q;
        while (true)
        {
            q = EquivalentRate();
            int worst = -1;
            double worstU = 1 + AdmissibleSlack, worstSigned = 0;
            for (int i = 0; i < _g; i++)
            {
                if (_mode[i] != Mode.Sliding) continue;
                double u = q / (2 * _alpha * _sigma[i] * _x[i]);
                if (Math.Abs(u) > worstU) { worst = i; worstU = Math.Abs(u); worstSigned = u; }
            }
            if (worst < 0) break;
            _mode[worst] = Mode.Free;
            _vel[worst] = Math.Sign(worstSigned);
            _boundary[worst] = Boundary.OnSurface;
            leavers.Add((worst, _vel[worst]));
        }
        if (!record) return;
        foreach (int c in candidates)
        {
            if (_mode[c] == Mode.Sliding) Record(c, SwitchingKind.SlidingStarts, q / (2 * _alpha * _sigma[c] * _x[c]));
        }
        foreach (var (group, velocity) in leavers)
            Record(group, candidates.Contains(group) ? SwitchingKind.Crossing : SwitchingKind.SlidingEnds, velocity);
    }

    /// <summary>q = −R/(2 + n_S): the common rate μ̇_i of every sliding group at the current state.</summary>
    private double EquivalentRate()
    {
        double r = 0, nS = 0;
        for (int j = 0; j < _g; j++)
        {
            if (_mode[j] == Mode.Free) r += _n[j] * 2 * _alpha * _sigma[j] * _x[j] * _vel[j];
            else if (_mode[j] == Mode.Sliding) nS += _n[j];
        }
        return -r / (2 + nS);
    }

    private void Record(int merged, SwitchingKind kind, double velocity)
    {
        foreach (int original in _members[merged]) Events.Add(new SwitchingEvent(Time, original, kind, velocity));
    }

    /// <summary>The piece's polynomials μ_j(τ) = m0 + m1 τ + m2 τ², T(τ), R(τ) = R0 + R1 τ.</summary>
    private void BuildPiece()
    {
        _r0 = _r1 = 0;
        double nS = 0;
        bool moving = false;
        _scale0 = _sigma[_k] * _rho;
        _scale1 = 0;
        for (int j = 0; j < _g; j++)
        {
            _m0[j] = Mu0(j);
            _scale0 += _n[j] * Math.Abs(_m0[j]);
            if (_mode[j] == Mode.Free && _vel[j] != 0)
            {
                _m1[j] = 2 * _sigma[j] * _alpha * _x[j] * _vel[j];
                _m2[j] = _sigma[j] * _alpha;
                _r0 += _n[j] * _m1[j];
                _r1 += _n[j] * 2 * _m2[j];
                _scale1 += _n[j] * Math.Abs(_m1[j]);
                moving = true;
            }
            else
            {
                _m1[j] = _m2[j] = 0;
                if (_mode[j] == Mode.Sliding) nS += _n[j];
            }
        }
        _d = 2 + nS;
        for (int j = 0; j < _g; j++)
        {
            if (_mode[j] != Mode.Sliding) continue;
            _m1[j] = -_r0 / _d;
            _m2[j] = -_r1 / (2 * _d);
        }
        _tc0 = _tc1 = _tc2 = 0;
        for (int j = 0; j < _g; j++)
        {
            _tc0 += _n[j] * _m0[j];
            _tc1 += _n[j] * _m1[j];
            _tc2 += _n[j] * _m2[j];
        }
        Stationary = !moving;
    }

    /// <summary>The next event within <paramref name="maxTau"/> of the current time (τ = +∞ and kind None if there is none).</summary>
    public (double Tau, EventKind Kind, int Group) NextEvent(double maxTau)
    {
        double best = maxTau;
        var kind = EventKind.None;
        int who = -1;
        if (Stationary) return (double.PositiveInfinity, EventKind.None, -1);
        double tol0 = 1e-13 * _scale0, tol1 = 1e-13 * (_scale1 + _scale0);
        for (int j = 0; j < _g; j++)
        {
            if (_mode[j] == Mode.Free && _vel[j] != 0)
            {
                // h_j must keep the sign that makes ẋ_j = −sign(h_j x_j) = vel_j.
                double s = -_vel[j] * _sign[j];
                double c0 = s * (_tc0 + 2 * _m0[j]), c1 = s * (_tc1 + 2 * _m1[j]), c2 = s * (_tc2 + 2 * _m2[j]);
                double tau = FirstExit(c0, c1, c2, _boundary[j], tol0, tol1);
                if (tau < best) { best = tau; kind = EventKind.Surface; who = j; }
                if (_x[j] * _vel[j] < 0)
                {
                    double zero = Math.Abs(_x[j]);
                    if (zero < best) { best = zero; kind = EventKind.Zero; who = j; }
                }
            }
            else if (_mode[j] == Mode.Sliding)
            {
                double a = 4 * _alpha * _sigma[j], d2 = _d * _d;
                double shift = j == _k ? _sigma[j] * _rho : 0;
                double c0 = a * (_m0[j] + shift) - _r0 * _r0 / d2;
                double c1 = a * _m1[j] - 2 * _r0 * _r1 / d2;
                double c2 = a * _m2[j] - _r1 * _r1 / d2;
                double s0 = 1e-12 * (a * (Math.Abs(_m0[j]) + shift) + _r0 * _r0 / d2);
                double s1 = 1e-12 * (a * Math.Abs(_m1[j]) + 2 * Math.Abs(_r0 * _r1) / d2) + 1e-300;
                double tau = FirstExit(c0, c1, c2, Boundary.None, s0, s1);
                if (tau < best) { best = tau; kind = EventKind.Exit; who = j; }
            }
        }
        return kind == EventKind.None ? (double.PositiveInfinity, kind, -1) : (best, kind, who);
    }

    /// <summary>First τ &gt; 0 at which p(τ) = c0 + c1 τ + c2 τ², required to stay positive, reaches 0; 0 when it is
    /// violated at once; +∞ when it stays positive.</summary>
    internal static double FirstExit(double c0, double c1, double c2, int boundary, double tol0, double tol1) =>
        FirstExit(c0, c1, c2, (Boundary)boundary, tol0, tol1);

    private static double FirstExit(double c0, double c1, double c2, Boundary boundary, double tol0, double tol1)
    {
        if (boundary == Boundary.Tangential) return c2 < 0 ? 0 : double.PositiveInfinity;
        if (boundary == Boundary.OnSurface || Math.Abs(c0) <= tol0)
        {
            // On the boundary: p = τ (c1 + c2 τ).
            if (c1 > tol1) return c2 < 0 ? -c1 / c2 : double.PositiveInfinity;
            if (c1 < -tol1) return 0;
            return c2 < 0 ? 0 : double.PositiveInfinity;
        }
        if (c0 < 0) return 0;
        if (c2 == 0) return c1 < 0 ? -c0 / c1 : double.PositiveInfinity;
        double disc = c1 * c1 - 4 * c2 * c0;
        if (disc < 0) return double.PositiveInfinity;
        double q = -0.5 * (c1 + Math.CopySign(Math.Sqrt(disc), c1));
        double best = double.PositiveInfinity;
        if (q != 0)
        {
            double r1 = q / c2, r2 = c0 / q;
            if (r1 > 0) best = r1;
            if (r2 > 0 && r2 < best) best = r2;
        }
        return best;
    }

    /// <summary>The state τ after the current time, within the current piece, in the model's layout.</summary>
    public void StateAt(double tau, Span<double> x)
    {
        for (int i = 0; i < _map.Length; i++) x[i] = Value(_map[i], tau);
    }

    private double Value(int j, double tau) => _mode[j] switch
    {
        Mode.Free => _x[j] + _vel[j] * tau,
        Mode.Sliding => _sign[j] * Math.Sqrt(Math.Max(0, ((_m0[j] + tau * (_m1[j] + tau * _m2[j])) / _sigma[j] + (j == _k ? _rho : 0)) / _alpha)),
        _ => _x[j],
    };

    /// <summary>Moves to the event τ later and applies it (kind None: just moves).</summary>
    public void Advance(double tau, EventKind kind, int group)
    {
        if (tau > 0)
        {
            for (int j = 0; j < _g; j++) _x[j] = Value(j, tau);
            Time += tau;
            Array.Clear(_boundary);
        }
        switch (kind)
        {
            case EventKind.Zero:
                _x[group] = 0;
                _mode[group] = Mode.Pinned;
                _vel[group] = 0;
                Record(group, SwitchingKind.ReachesZero, 0);
                Select([], record: true);
                break;
            case EventKind.Exit:
            {
                double u = EquivalentRate() / (2 * _alpha * _sigma[group] * _x[group]);
                _mode[group] = Mode.Free;
                _vel[group] = u >= 0 ? 1 : -1;
                _boundary[group] = Boundary.Tangential;
                Record(group, SwitchingKind.SlidingEnds, _vel[group]);
                Select([], record: true);
                break;
            }
            case EventKind.Surface:
                Select([group], record: true);
                break;
        }
        BuildPiece();
    }

    /// <summary>The current mode of an original group: 0 free, 1 sliding, 2 pinned.</summary>
    public int ModeOf(int group) => (int)_mode[_map[group]];

    /// <summary>ẋ of an original group now (the equivalent control for sliding groups).</summary>
    public double VelocityOf(int group)
    {
        int j = _map[group];
        return _mode[j] switch
        {
            Mode.Free => _vel[j],
            Mode.Sliding => EquivalentRate() / (2 * _alpha * _sigma[j] * _x[j]),
            _ => 0,
        };
    }

    internal ManifoldModel Model => _model;
}
