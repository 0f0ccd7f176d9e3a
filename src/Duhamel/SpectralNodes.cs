using System.Globalization;
using PhaseFlow.Core;
using PhaseFlow.Foundation;

namespace PhaseFlow.Duhamel;

/// <summary>The spectrum and the initial condition of a single-index gradient flow, aggregated into spectral nodes
/// j with eigenvalue λ_j and weights A_j = Σ w_i(0)², B_j = Σ w*_i w_i(0), C_j = Σ (w*_i)² over the modes i of the node
/// (spec §4). Exact when every node is one distinct eigenvalue; otherwise a compression: each mode's weights are split
/// between the two nodes that bracket its eigenvalue, linearly in λ, so Σ λ_j W_j (s*, s(0), u(0)) and Σ W_j are kept
/// exactly and the error of any smooth function of λ is second order in the node spacing. The nodes carry the model's
/// population loss P(s, u, s*) (spec single-index §4: the reduction needs only α = −2P_s and β = −P_u).</summary>
public sealed class SpectralNodes
{
    private readonly double[] _lambda, _a, _b, _c;
    private readonly Func<SpectralNodes>? _coarser;

    private SpectralNodes(double[] lambda, double[] a, double[] b, double[] c, double dimension, bool isExact, string description,
        Func<SpectralNodes>? coarser, SingleIndexLoss? loss = null)
    {
        Loss = loss ?? PhaseRetrievalLossInstance;
        _lambda = lambda;
        _a = a;
        _b = b;
        _c = c;
        Dimension = dimension;
        IsExact = isExact;
        Description = description;
        _coarser = coarser;
        for (int j = 0; j < lambda.Length; j++)
        {
            SStar += lambda[j] * c[j];
            InitialS += lambda[j] * a[j];
            InitialU += lambda[j] * b[j];
        }
        TeacherNormSquared = double.IsFinite(dimension) ? c.Sum() : double.PositiveInfinity;
    }

    private static readonly SingleIndexLoss PhaseRetrievalLossInstance = new PhaseRetrievalLoss();

    /// <summary>The model's population loss P(s, u, s*) (phase retrieval unless the nodes were made from a problem of another
    /// model or given one through <see cref="WithLoss"/>).</summary>
    public SingleIndexLoss Loss { get; }

    /// <summary>The same nodes for another model's loss (the spectrum and the initial weights are the model-independent
    /// part).</summary>
    public SpectralNodes WithLoss(SingleIndexLoss loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return new SpectralNodes(_lambda, _a, _b, _c, Dimension, IsExact, Description, _coarser is null ? null : () => _coarser().WithLoss(loss), loss);
    }

    /// <summary>Node eigenvalues λ_j, descending.</summary>
    public ReadOnlySpan<double> Lambda => _lambda;

    /// <summary>A_j = Σ_{i∈j} w_i(0)².</summary>
    public ReadOnlySpan<double> A => _a;

    /// <summary>B_j = Σ_{i∈j} w*_i w_i(0).</summary>
    public ReadOnlySpan<double> B => _b;

    /// <summary>C_j = Σ_{i∈j} (w*_i)².</summary>
    public ReadOnlySpan<double> C => _c;

    /// <summary>Number of nodes M.</summary>
    public int Count => _lambda.Length;

    /// <summary>The dimension d of the represented model; +∞ for the d → ∞ limit (then the MSE is not defined).</summary>
    public double Dimension { get; }

    /// <summary>True when every node is one distinct eigenvalue (the reduction is then exact).</summary>
    public bool IsExact { get; }

    /// <summary>What the nodes represent.</summary>
    public string Description { get; }

    /// <summary>s* = Σ λ_j C_j.</summary>
    public double SStar { get; }

    /// <summary>s(0) = Σ λ_j A_j.</summary>
    public double InitialS { get; }

    /// <summary>u(0) = Σ λ_j B_j.</summary>
    public double InitialU { get; }

    /// <summary>‖w*‖² = Σ C_j (+∞ in the d → ∞ limit).</summary>
    public double TeacherNormSquared { get; }

    /// <summary>True when a coarser compression of the same source exists (for the node-error estimate).</summary>
    public bool CanCoarsen => _coarser is not null;

    /// <summary>s*^(k) = Σ λ_j^k C_j.</summary>
    public double SStarMoment(int k)
    {
        double sum = 0;
        for (int j = 0; j < _lambda.Length; j++) sum += Math.Pow(_lambda[j], k) * _c[j];
        return sum;
    }

    /// <summary>The same source compressed with half as many log-spaced nodes (the exact top nodes kept).</summary>
    /// <exception cref="InvalidOperationException">The nodes are exact or user-given.</exception>
    public SpectralNodes Coarsen() =>
        _coarser?.Invoke() ?? throw new InvalidOperationException("only compressed nodes can be coarsened");

    /// <summary>One node per distinct eigenvalue of the problem's model (eigenvalues within a relative
    /// <paramref name="groupingTolerance"/> are one node): the reduction is then exact.</summary>
    public static SpectralNodes Exact(PhaseRetrievalProblem problem, double groupingTolerance = 1e-12)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var modes = Modes.FromProblem(problem, groupingTolerance);
        return new SpectralNodes(modes.Lambda, modes.A, modes.B, modes.C, problem.Model.Dimension, true,
            $"{problem.Model.Spectrum.Description}: {modes.Count} exact nodes", null, problem.Model.PopulationLoss);
    }

    /// <summary>The problem's modes compressed to at most <paramref name="nodes"/> nodes: the top
    /// <paramref name="exactTop"/> distinct eigenvalues (default min(16, nodes/4)) as their own nodes, the rest on
    /// log-spaced nodes down to the smallest eigenvalue. Exact grouping when there are no more distinct eigenvalues than
    /// nodes.</summary>
    /// <exception cref="InvalidParameterException"><paramref name="nodes"/> below 4, or <paramref name="exactTop"/> out of
    /// [1, nodes − 2].</exception>
    public static SpectralNodes Compressed(PhaseRetrievalProblem problem, int nodes, int? exactTop = null, double groupingTolerance = 1e-12)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var modes = Modes.FromProblem(problem, groupingTolerance);
        var compressed = Compress(modes, nodes, exactTop, problem.Model.Dimension, problem.Model.Spectrum.Description);
        return problem.Model.IsPhaseRetrieval ? compressed : compressed.WithLoss(problem.Model.PopulationLoss);
    }

    /// <summary>Per-mode eigenvalues and weights (any order), grouped exactly when <paramref name="nodes"/> is null,
    /// compressed otherwise (see <see cref="Compressed"/>).</summary>
    public static SpectralNodes FromModes(ReadOnlySpan<double> lambda, ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c,
        int? nodes = null, int? exactTop = null)
    {
        var modes = Modes.FromArrays(lambda, a, b, c, 1e-12);
        return nodes is { } m
            ? Compress(modes, m, exactTop, lambda.Length, $"{lambda.Length} modes")
            : new SpectralNodes(modes.Lambda, modes.A, modes.B, modes.C, lambda.Length, true, $"{lambda.Length} modes: {modes.Count} exact nodes", null);
    }

    /// <summary>Nodes given directly (a quadrature of the spectral measure chosen by the caller). Not marked exact.</summary>
    /// <param name="lambda">Node eigenvalues, finite and &gt; 0.</param>
    /// <param name="a">A_j ≥ 0.</param>
    /// <param name="b">B_j.</param>
    /// <param name="c">C_j ≥ 0.</param>
    /// <param name="dimension">d of the model represented (+∞ allowed).</param>
    public static SpectralNodes FromNodes(ReadOnlySpan<double> lambda, ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c, double dimension)
    {
        Check(lambda, a, b, c);
        if (!(dimension >= 1)) throw new InvalidParameterException("dimension", ">= 1 (or +∞)", F(dimension));
        var values = lambda.ToArray();
        var order = Enumerable.Range(0, values.Length).OrderByDescending(i => values[i]).ToArray();
        double[] Pick(ReadOnlySpan<double> x) { var copy = x.ToArray(); return order.Select(i => copy[i]).ToArray(); }
        return new SpectralNodes(Pick(lambda), Pick(a), Pick(b), Pick(c), dimension, false, $"{lambda.Length} given nodes", null);
    }

    /// <summary>The trace-normalised power law λ_i = i^{-a}/H_{d,a} with expected weights, for any d up to 10^18 or the
    /// limit d → ∞, without storing d numbers: C_i = s*, and w(0) = α w* + ξ with ξ isotropic of norm
    /// <paramref name="initialRadius"/>, so A_i = α² s* + r²/d and B_i = α s*, where α = u(0)/s*. The top eigenvalues are
    /// exact nodes, the rest log-spaced down to λ_d; for d = ∞ down to λ = 10^-3/(16·horizon), below which modes do not move
    /// before the horizon.</summary>
    /// <param name="exponent">a; &gt; 1 when d = ∞.</param>
    /// <param name="dimension">d ≥ 1, integral, or +∞.</param>
    /// <param name="nodes">Node budget M ≥ 4.</param>
    /// <param name="horizon">Horizon of the run (sets the smallest node for d = ∞).</param>
    /// <param name="initialOverlap">u(0) &gt; 0; default (finite d only) the root-mean-square overlap of a random start,
    /// r·(s*·Σλ_i²/d)^{1/2}.</param>
    /// <param name="initialRadius">‖w(0)‖ of the isotropic part. Default 1.</param>
    /// <param name="sStar">s*. Default 1.</param>
    /// <param name="exactTop">Top eigenvalues kept as nodes; default min(16, M/4).</param>
    public static SpectralNodes PowerLaw(double exponent, double dimension, int nodes, double horizon, double? initialOverlap = null,
        double initialRadius = 1, double sStar = 1, int? exactTop = null)
    {
        bool infinite = double.IsPositiveInfinity(dimension);
        if (!(exponent > 0) || !double.IsFinite(exponent) || (infinite && !(exponent > 1)))
            throw new InvalidParameterException("a", infinite ? "finite and > 1 for d = ∞" : "finite and > 0", F(exponent));
        if (!infinite && !(dimension >= 1 && dimension <= 1e18 && Math.Floor(dimension) == dimension))
            throw new InvalidParameterException("d", "an integer in [1, 10^18], or +∞", F(dimension));
        Guard.Positive(horizon, "horizon");
        if (initialOverlap is { } u0 && (!(u0 > 0) || !double.IsFinite(u0)))
            throw new InvalidParameterException("initialOverlap", "finite and > 0", F(u0));
        if (infinite && initialOverlap is null)
            throw new InvalidParameterException("initialOverlap", "given for d = ∞ (a random start's overlap vanishes there)", "nothing");
        if (!(initialRadius >= 0) || !double.IsFinite(initialRadius)) throw new InvalidParameterException("initialRadius", "finite and >= 0", F(initialRadius));
        if (!(sStar > 0) || !double.IsFinite(sStar)) throw new InvalidParameterException("sStar", "finite and > 0", F(sStar));
        long d = infinite ? long.MaxValue : (long)dimension;
        var law = new PowerLawSource(exponent, d, infinite ? 1e-3 / (16 * horizon) : 0);
        double u = initialOverlap ?? initialRadius * Math.Sqrt(sStar * law.SumOfSquares / dimension);
        double alpha = u / sStar, perModeNoise = infinite ? 0 : initialRadius * initialRadius / dimension;
        var weights = new ModeWeights(alpha * alpha * sStar + perModeNoise, alpha * sStar, sStar);
        string description = $"power law a = {F(exponent)}, d = {(infinite ? "∞" : d.ToString(CultureInfo.InvariantCulture))}, expected weights, u(0) = {u:G4}";
        if (d <= nodes && !infinite)
        {
            var lambda = Enumerable.Range(1, (int)d).Select(law.Eigenvalue).ToArray();
            return new SpectralNodes(lambda, lambda.Select(_ => weights.A).ToArray(), lambda.Select(_ => weights.B).ToArray(),
                lambda.Select(_ => weights.C).ToArray(), dimension, true, description + $": {d} exact nodes", null);
        }
        CheckNodeBudget(nodes);
        // Flat to 1e-12 (1 − d^{−a}, e.g. a = 1e-20 at d = 1e9): the log-spaced nodes coincide and the hats would divide 0
        // by 0. One node holding all d modes at λ = 1/d is exact to that spread.
        if (!infinite && -double.ExpM1(-exponent * Math.Log(dimension)) < 1e-12)
            return new SpectralNodes([1 / dimension], [dimension * weights.A], [dimension * weights.B], [dimension * weights.C], dimension, true,
                description + ": flat to 1e-12, one node holding every mode", null);
        int top = TopCount(nodes, exactTop, infinite ? nodes : (int)Math.Min(d, int.MaxValue));
        return CompressPowerLaw(law, weights, nodes, top, dimension, description);
    }

    private static SpectralNodes CompressPowerLaw(PowerLawSource law, ModeWeights weights, int nodes, int top, double dimension, string description)
    {
        var positions = law.NodePositions(top, nodes - top);
        var builder = new HatBuilder(positions);
        for (int k = 0; k < top; k++) builder.AddAt(k, 1, weights);
        // Each interval between consecutive nodes holds the modes (I_k, I_{k+1}].
        for (int k = top - 1; k < positions.Length - 1; k++)
        {
            long from = law.CountAtLeast(positions[k]) + 1, to = law.CountAtLeast(positions[k + 1]);
            if (k + 1 == positions.Length - 1 && !law.IsInfinite) to = law.Dimension;
            if (to >= from) builder.AddInterval(k, to - from + 1, law.LambdaSum(from, to), weights);
        }
        if (law.IsInfinite)
        {
            // Below the last node: the hat towards λ = 0 gives the last node Σ λ_i W / ν_L; the rest sits at λ = 0 and
            // touches neither u nor s.
            long from = law.CountAtLeast(positions[^1]) + 1;
            builder.AddTail(law.LambdaSum(from, long.MaxValue), weights);
        }
        int log = nodes - top;
        Func<SpectralNodes>? coarser = log >= 4 ? () => CompressPowerLaw(law, weights, top + log / 2, top, dimension, description) : null;
        return builder.Build(dimension, $"{description}: {top} exact + {positions.Length - top} log-spaced nodes", coarser);
    }

    private static SpectralNodes Compress(Modes modes, int nodes, int? exactTop, double dimension, string source)
    {
        CheckNodeBudget(nodes);
        if (modes.Count <= nodes)
            return new SpectralNodes(modes.Lambda, modes.A, modes.B, modes.C, dimension, true, $"{source}: {modes.Count} exact nodes", null);
        int top = TopCount(nodes, exactTop, modes.Count);
        return CompressModes(modes, nodes, top, dimension, source);
    }

    private static SpectralNodes CompressModes(Modes modes, int nodes, int top, double dimension, string source)
    {
        int log = nodes - top;
        var positions = new double[nodes];
        for (int k = 0; k < top; k++) positions[k] = modes.Lambda[k];
        double high = modes.Lambda[top - 1], low = modes.Lambda[^1];
        for (int j = 1; j <= log; j++) positions[top - 1 + j] = j == log ? low : high * Math.Pow(low / high, (double)j / log);
        var builder = new HatBuilder(positions);
        for (int i = 0; i < modes.Count; i++)
            builder.AddMode(modes.Lambda[i], new ModeWeights(modes.A[i], modes.B[i], modes.C[i]));
        Func<SpectralNodes>? coarser = log >= 4 ? () => CompressModes(modes, top + log / 2, top, dimension, source) : null;
        return builder.Build(dimension, $"{source}: {top} exact + {log} log-spaced nodes (from {modes.Count} distinct eigenvalues)", coarser);
    }

    private static void CheckNodeBudget(int nodes)
    {
        if (nodes < 4) throw new InvalidParameterException("nodes", "an integer >= 4", nodes.ToString(CultureInfo.InvariantCulture));
    }

    private static int TopCount(int nodes, int? exactTop, int available)
    {
        int top = exactTop ?? Math.Min(16, nodes / 4);
        if (top < 1 || top > nodes - 2)
            throw new InvalidParameterException("exactTop", $"an integer in [1, nodes - 2 = {nodes - 2}]", top.ToString(CultureInfo.InvariantCulture));
        return Math.Min(top, available);
    }

    private static void Check(ReadOnlySpan<double> lambda, ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c)
    {
        if (lambda.Length == 0) throw new InvalidParameterException("lambda", "non-empty", "an empty array");
        foreach (var (name, x) in new[] { ("a", a.Length), ("b", b.Length), ("c", c.Length) })
            if (x != lambda.Length) throw new InvalidParameterException(name, $"of the length of lambda ({lambda.Length})", $"length {x}");
        for (int i = 0; i < lambda.Length; i++)
        {
            if (!(lambda[i] > 0) || !double.IsFinite(lambda[i])) throw new InvalidParameterException($"lambda[{i}]", "finite and > 0", F(lambda[i]));
            if (!(a[i] >= 0) || !double.IsFinite(a[i])) throw new InvalidParameterException($"a[{i}]", "finite and >= 0", F(a[i]));
            if (!double.IsFinite(b[i])) throw new InvalidParameterException($"b[{i}]", "finite", F(b[i]));
            if (!(c[i] >= 0) || !double.IsFinite(c[i])) throw new InvalidParameterException($"c[{i}]", "finite and >= 0", F(c[i]));
            // Cauchy–Schwarz of the node's (w(0), w*): no real weights have |B| > √(AC). The slack covers the rounding of sums.
            if (b[i] * b[i] > a[i] * c[i] * (1 + 1e-12))
                throw new InvalidParameterException($"b[{i}]", $"at most √(a[{i}]·c[{i}]) = {F(Math.Sqrt(a[i] * c[i]))} in absolute value (Cauchy–Schwarz)", F(b[i]));
        }
    }

    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    private readonly record struct ModeWeights(double A, double B, double C);

    /// <summary>Distinct eigenvalues, descending, with the weights of their modes summed.</summary>
    private sealed class Modes
    {
        public required double[] Lambda, A, B, C;

        public int Count => Lambda.Length;

        public static Modes FromProblem(PhaseRetrievalProblem problem, double tolerance)
        {
            var w = problem.InitialWeights;
            var teacher = problem.Model.Teacher;
            int d = w.Length;
            var a = new double[d];
            var b = new double[d];
            var c = new double[d];
            for (int i = 0; i < d; i++)
            {
                a[i] = w[i] * w[i];
                b[i] = teacher[i] * w[i];
                c[i] = teacher[i] * teacher[i];
            }
            return FromArrays(problem.Model.Lambda, a, b, c, tolerance);
        }

        public static Modes FromArrays(ReadOnlySpan<double> lambda, ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> c, double tolerance)
        {
            Check(lambda, a, b, c);
            if (!(tolerance >= 0 && tolerance < 1)) throw new InvalidParameterException("groupingTolerance", "in [0, 1)", F(tolerance));
            var l = lambda.ToArray();
            var order = Enumerable.Range(0, l.Length).OrderByDescending(i => l[i]).ToArray();
            var (gl, ga, gb, gc) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
            double head = double.NaN;
            foreach (int i in order)
            {
                // A group starts at its largest eigenvalue; later ones within the tolerance of it join.
                if (gl.Count == 0 || l[i] < head * (1 - tolerance))
                {
                    head = l[i];
                    gl.Add(l[i]);
                    ga.Add(0);
                    gb.Add(0);
                    gc.Add(0);
                }
                ga[^1] += a[i];
                gb[^1] += b[i];
                gc[^1] += c[i];
            }
            return new Modes { Lambda = gl.ToArray(), A = ga.ToArray(), B = gb.ToArray(), C = gc.ToArray() };
        }
    }

    /// <summary>Accumulates hat-function shares of modes onto nodes at fixed positions (descending).</summary>
    private sealed class HatBuilder(double[] positions)
    {
        private readonly double[] _a = new double[positions.Length], _b = new double[positions.Length], _c = new double[positions.Length];
        private int _cursor;

        public void AddAt(int node, double count, ModeWeights w)
        {
            _a[node] += count * w.A;
            _b[node] += count * w.B;
            _c[node] += count * w.C;
        }

        /// <summary>One mode at <paramref name="lambda"/>; modes must come in descending order.</summary>
        public void AddMode(double lambda, ModeWeights w)
        {
            while (_cursor < positions.Length - 1 && lambda < positions[_cursor + 1]) _cursor++;
            if (_cursor == positions.Length - 1 || lambda >= positions[_cursor])
            {
                AddAt(_cursor, 1, w);
                return;
            }
            double theta = (lambda - positions[_cursor + 1]) / (positions[_cursor] - positions[_cursor + 1]);
            AddAt(_cursor, theta, w);
            AddAt(_cursor + 1, 1 - theta, w);
        }

        /// <summary><paramref name="count"/> modes with eigenvalue sum <paramref name="lambdaSum"/>, all between nodes k and k + 1.</summary>
        public void AddInterval(int k, double count, double lambdaSum, ModeWeights w)
        {
            double upper = Math.Clamp((lambdaSum - positions[k + 1] * count) / (positions[k] - positions[k + 1]), 0, count);
            AddAt(k, upper, w);
            AddAt(k + 1, count - upper, w);
        }

        /// <summary>Modes between the last node and λ = 0: only the last node's share is kept.</summary>
        public void AddTail(double lambdaSum, ModeWeights w) => AddAt(positions.Length - 1, lambdaSum / positions[^1], w);

        public SpectralNodes Build(double dimension, string description, Func<SpectralNodes>? coarser) =>
            new(positions, _a, _b, _c, dimension, false, description, coarser);
    }

    /// <summary>λ_i = i^{-a}/H_{d,a}, i = 1..d (d = long.MaxValue for ∞), known through partial sums only.</summary>
    private sealed class PowerLawSource
    {
        private readonly double _a, _h, _cut;

        public PowerLawSource(double a, long d, double cut)
        {
            _a = a;
            Dimension = d;
            _cut = cut;
            _h = PowerSums.Sum(1, d, a);
            SumOfSquares = PowerSums.Sum(1, d, 2 * a) / (_h * _h);
        }

        public long Dimension { get; }

        public bool IsInfinite => Dimension == long.MaxValue;

        public double SumOfSquares { get; }

        public double Eigenvalue(int i) => Math.Pow(i, -_a) / _h;

        public double LambdaSum(long from, long to) => PowerSums.Sum(from, to, _a) / _h;

        /// <summary>Number of modes with λ_i ≥ ν.</summary>
        public long CountAtLeast(double nu)
        {
            double x = Math.Pow(nu * _h, -1 / _a);
            if (!(x < 9e18)) return Dimension;
            long i = Math.Min(Math.Max(0, (long)Math.Floor(x)), Dimension);
            // The estimate x is exact up to rounding for moderate a; for tiny a (nearly flat spectra) it is 0 or ∞ and a
            // search one mode at a time ran to d (never ending at d = 1e9). Gallop from the estimate, then bisect: the
            // first probes are the old loops' (same result for moderate a), the cost O(log d) for any a.
            bool AtLeast(long k) => k == 0 || Math.Pow(k, -_a) / _h >= nu;
            long lo, hi; // AtLeast(lo) holds, AtLeast(hi) fails
            if (AtLeast(i))
            {
                lo = i;
                long step = 1;
                while (true)
                {
                    if (lo == Dimension) return Dimension;
                    hi = step > Dimension - lo ? Dimension : lo + step;
                    if (!AtLeast(hi)) break;
                    lo = hi;
                    step = step > long.MaxValue / 4 ? step : 2 * step;
                }
            }
            else
            {
                hi = i;
                long step = 1;
                while (true)
                {
                    lo = Math.Max(0, hi - step);
                    if (AtLeast(lo)) break;
                    hi = lo;
                    step = step > long.MaxValue / 4 ? step : 2 * step;
                }
            }
            while (hi - lo > 1)
            {
                long mid = lo + (hi - lo) / 2;
                if (AtLeast(mid)) lo = mid; else hi = mid;
            }
            return lo;
        }

        /// <summary>The top eigenvalues, then log-spaced nodes down to λ_d (or the cut for d = ∞).</summary>
        public double[] NodePositions(int top, int log)
        {
            var positions = new double[top + log];
            for (int k = 0; k < top; k++) positions[k] = Eigenvalue(k + 1);
            double high = positions[top - 1], low = IsInfinite ? Math.Min(_cut, high / 2) : Math.Pow(Dimension, -_a) / _h;
            for (int j = 1; j <= log; j++) positions[top - 1 + j] = j == log ? low : high * Math.Pow(low / high, (double)j / log);
            return positions;
        }
    }
}
