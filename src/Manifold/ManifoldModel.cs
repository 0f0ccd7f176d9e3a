using PhaseFlow.Foundation;

namespace PhaseFlow.Manifold;

/// <summary>The spiked model of docs/manifold.md with every constant named: student f_W(x) = α xᵀWWᵀx, teacher
/// y = (θ*ᵀx)² with ρ = ‖θ*‖², loss c_L E[(f − y)²], covariance Σ = σ_θ P_θ + σ_v P_v + σ_⊥ P_⊥ in dimension d.
/// Defaults are the spec's: α = c_L = ρ = σ_θ = σ_v = σ_⊥ = 1 (use <see cref="FromKappa"/> for σ_v = 1 + κ).
/// Every rule is checked in the init accessors too, so <c>with</c> cannot bypass it.</summary>
/// <param name="Dimension">d, an integer in [3, 10^15] (signal, spike and at least one bulk direction).</param>
public sealed record SpikedManifold(long Dimension)
{
    /// <summary>Largest dimension accepted (the reduced dynamics cost nothing in d; d − 2 must stay exact in a double).</summary>
    public const long MaxDimension = 1_000_000_000_000_000;

    /// <summary>d.</summary>
    public long Dimension { get; init => field = Check.InRange(value, 3, MaxDimension, "d"); } = Check.InRange(Dimension, 3, MaxDimension, "d");

    /// <summary>α, the fixed second-layer weight; finite and &gt; 0.</summary>
    public double Alpha { get; init => field = Check.Positive(value, "alpha"); } = 1;

    /// <summary>c_L, the loss scale; finite and &gt; 0.</summary>
    public double LossScale { get; init => field = Check.Positive(value, "lossScale"); } = 1;

    /// <summary>ρ = ‖θ*‖²; finite and &gt; 0.</summary>
    public double Rho { get; init => field = Check.Positive(value, "rho"); } = 1;

    /// <summary>σ_θ, the variance along the signal θ̂; finite and &gt; 0.</summary>
    public double SigmaSignal { get; init => field = Check.Positive(value, "sigmaSignal"); } = 1;

    /// <summary>σ_v, the variance along the spike v ⊥ θ̂; finite and &gt; 0.</summary>
    public double SigmaSpike { get; init => field = Check.Positive(value, "sigmaSpike"); } = 1;

    /// <summary>σ_⊥, the variance of the d − 2 bulk directions; finite and &gt; 0.</summary>
    public double SigmaBulk { get; init => field = Check.Positive(value, "sigmaBulk"); } = 1;

    /// <summary>The plain model Σ = I + κvvᵀ: σ_θ = σ_⊥ = 1, σ_v = 1 + κ, other constants at their defaults.</summary>
    /// <param name="kappa">κ, finite and &gt; −1.</param>
    /// <param name="dimension">d in [3, 10^15].</param>
    public static SpikedManifold FromKappa(double kappa, long dimension)
    {
        if (!(kappa > -1) || !double.IsFinite(kappa)) throw new InvalidParameterException("kappa", "finite and > -1", Check.F(kappa));
        return new SpikedManifold(dimension) { SigmaSpike = 1 + kappa };
    }

    /// <summary>GD's Stage II constant K = (8/3)(2d + 2)·c_L·α²·σ_⊥²: once the spike is gone and the signal sits where
    /// T + 2μ_θ = 0, the bulk obeys dc/dt = −(K/2)c³, so c^{−2} = Kt + C and c(t) ≈ (Kt)^{−1/2}
    /// (specgd-manifold.md §4; docs/manifold.md, "GD's bulk decays like t^{−1/2}").</summary>
    public double StageTwoBulkConstant => 8.0 / 3 * (2 * Dimension + 2) * LossScale * Alpha * Alpha * SigmaBulk * SigmaBulk;

    /// <summary>GD's Stage I: while a, b, c ≪ 1 the map x_i ← (1 − η̃g_i)x_i is linear, with g_i = 4c_Lασ_i(T + 2μ_i) at its
    /// x → 0 limit: a ← (1 + 12η̃c_Lασ_θ²ρ)a, b ← (1 + 4η̃c_Lασ_vσ_θρ)b, c ← (1 + 4η̃c_Lασ_⊥σ_θρ)c (specgd-manifold.md §4), so
    /// b/a grows like (Spike/Signal)^k, and only when σ_v &gt; 3σ_θ.</summary>
    /// <param name="stepSize">η̃.</param>
    /// <returns>The three growth factors per step.</returns>
    public (double Signal, double Spike, double Bulk) GradientDescentStageOneFactors(double stepSize) =>
    (
        1 + 12 * stepSize * LossScale * Alpha * SigmaSignal * SigmaSignal * Rho,
        1 + 4 * stepSize * LossScale * Alpha * SigmaSpike * SigmaSignal * Rho,
        1 + 4 * stepSize * LossScale * Alpha * SigmaBulk * SigmaSignal * Rho
    );

    /// <summary>GD's spike saturation level b² = σ_θρ/(3ασ_v): the spike stops growing when g_v ∝ T + 2μ_v turns ≥ 0, and with
    /// the signal and the bulk still negligible T + 2μ_v = −σ_θρ + 3σ_vαb² (specgd-manifold.md §4). The signal and bulk
    /// terms lower the crossing by the fraction δ = (σ_θαa² + (d − 2)σ_⊥αc²)/(σ_θρ).</summary>
    public double GradientDescentSpikeSaturation => SigmaSignal * Rho / (3 * Alpha * SigmaSpike);

    /// <summary>Where SpecGD's Stage I ends: every coordinate moves along the uniform ray x = ε + kη until a group's
    /// T + 2μ_i turns ≥ 0, with T = σ_θ(αx² − ρ) + σ_vαx² + (d − 2)σ_⊥αx². The spike switches at
    /// x² = σ_θρ/(α(σ_θ + 3σ_v + (d − 2)σ_⊥)), the bulk at x² = σ_θρ/(α(σ_θ + σ_v + dσ_⊥)), whichever x is smaller (the spike
    /// when σ_v ≥ σ_⊥); the first switch is at step ⌈(x − ε)/η⌉.</summary>
    /// <returns>x at the first switch, and whether it is the spike's (otherwise the bulk's).</returns>
    public (double Coordinate, bool SpikeFirst) SpectralStageOneSwitch()
    {
        double d = Dimension, spike = SigmaSignal + 3 * SigmaSpike + (d - 2) * SigmaBulk, bulk = SigmaSignal + SigmaSpike + d * SigmaBulk;
        return (Math.Sqrt(SigmaSignal * Rho / (Alpha * Math.Max(spike, bulk))), spike >= bulk);
    }

    /// <summary>q = σ_θ/((d + 1)σ_⊥), the small parameter of SpecGF's finish (<see cref="SpectralFlowFinishTime"/>).</summary>
    public double SpectralFlowFinishParameter => SigmaSignal / ((Dimension + 1) * SigmaBulk);

    /// <summary>SpecGF's time to reach the solution from W_0 = ε Q_0, in units of R = √(ρ/α): t*/R ≈ 1 − ε/R + q/2 − q²/8, with
    /// q = <see cref="SpectralFlowFinishParameter"/> and an error of order q³. The signal grows at unit speed; with spike
    /// and bulk sliding (T + 2μ_v = T + 2μ_⊥ = 0), T = 2μ_θ/(d + 1) and the bulk slides on c² = σ_θ(ρ − αa²)/((d + 1)ασ_⊥). It
    /// leaves that surface when its speed |dc/da| reaches 1, at R − a = qR/2 − 3q²R/8 with c = qR − q²R/2, then falls to 0
    /// at unit speed while the signal waits at R (docs/manifold.md; the spec's t* ≈ √(ρ/α) is the limit d → ∞).</summary>
    /// <param name="epsilon">ε of W_0 = ε Q_0.</param>
    public double SpectralFlowFinishTime(double epsilon)
    {
        double root = Math.Sqrt(Rho / Alpha), q = SpectralFlowFinishParameter;
        return 1 - epsilon / root + q / 2 - q * q / 8;
    }

    /// <summary>The grouped form (signal, spike, bulk with multiplicities 1, 1, d − 2) the solvers run on.</summary>
    public ManifoldModel ToModel() => ManifoldModel.FromSpiked(this);
}

/// <summary>The reduced model on the invariant manifold, in its general (diagonal) form: Σ diagonal with θ* = √ρ e_k an
/// eigenvector; coordinates with equal variance that start equal stay equal, so they are kept as one <em>group</em> with a
/// multiplicity. With group values x_i, variances σ_i and multiplicities n_i:
/// μ_i = σ_i(α x_i² − ρ δ_ik), T = Σ n_i μ_i, g_i = 4 c_L α σ_i (T + 2μ_i), L = c_L [T² + 2 Σ n_i μ_i²].
/// The spiked model is three groups (signal, spike, bulk) with multiplicities 1, 1, d − 2. Immutable and thread-safe.</summary>
public sealed class ManifoldModel
{
    private readonly double[] _sigma;
    private readonly double[] _multiplicity;
    private readonly IReadOnlyList<string> _names; // a read-only wrapper: not castable back to an array

    private ManifoldModel(double[] sigma, double[] multiplicity, int signal, int spike, string[] names, double alpha, double lossScale,
        double rho, SpikedManifold? spiked)
    {
        _sigma = sigma;
        _multiplicity = multiplicity;
        _names = Array.AsReadOnly(names);
        SignalGroup = signal;
        SpikeGroup = spike;
        Alpha = alpha;
        LossScale = lossScale;
        Rho = rho;
        Spiked = spiked;
        double d = 0;
        foreach (double n in multiplicity) d += n;
        Dimension = d;
    }

    /// <summary>The spiked model: groups signal (a), spike (b) and bulk (c).</summary>
    public static ManifoldModel FromSpiked(SpikedManifold parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var p = parameters;
        return new ManifoldModel([p.SigmaSignal, p.SigmaSpike, p.SigmaBulk], [1, 1, p.Dimension - 2], 0, 1, ["a", "b", "c"],
            p.Alpha, p.LossScale, p.Rho, p);
    }

    /// <summary>The diagonal generalisation: Σ = diag(σ_1..σ_d), θ* = √ρ e_k; one group per coordinate, named w1..wd.
    /// The "spike" (for the signal-vs-spike alignment and the spike saturation time) is the other coordinate of largest
    /// variance.</summary>
    /// <param name="sigma">σ_i, each finite and &gt; 0; 1 ≤ d ≤ 2^20.</param>
    /// <param name="signalIndex">k, the coordinate of the teacher, in [0, d).</param>
    /// <param name="alpha">α &gt; 0.</param>
    /// <param name="lossScale">c_L &gt; 0.</param>
    /// <param name="rho">ρ &gt; 0.</param>
    public static ManifoldModel Diagonal(ReadOnlySpan<double> sigma, int signalIndex, double alpha = 1, double lossScale = 1, double rho = 1)
    {
        Check.InRange(sigma.Length, 1, 1 << 20, "sigma.length");
        var ones = new double[sigma.Length];
        Array.Fill(ones, 1.0);
        var names = Enumerable.Range(1, sigma.Length).Select(i => "w" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return Grouped(sigma, ones, signalIndex, names, alpha, lossScale, rho);
    }

    /// <summary>The diagonal generalisation with a trace-normalised power law σ_i = i^{−a}/H_{d,a} (PhaseFlow.Foundation's
    /// <see cref="Spectrum.PowerLaw"/>) and the teacher on coordinate <paramref name="signalIndex"/>.</summary>
    public static ManifoldModel PowerLaw(int d, double exponent, int signalIndex = 0, double alpha = 1, double lossScale = 1, double rho = 1) =>
        Diagonal(Spectrum.PowerLaw(d, exponent).Eigenvalues, signalIndex, alpha, lossScale, rho);

    /// <summary>Groups of coordinates: group i has variance σ_i and n_i ≥ 1 coordinates; the teacher is the single
    /// coordinate of group <paramref name="signalGroup"/> (whose multiplicity must be 1).</summary>
    /// <param name="sigma">σ_i, finite and &gt; 0.</param>
    /// <param name="multiplicity">n_i, whole numbers ≥ 1 (doubles, so that d may be huge); Σ n_i ≤ 10^15.</param>
    /// <param name="signalGroup">k.</param>
    /// <param name="names">Column names of the groups (default x1, x2, …).</param>
    /// <param name="alpha">α &gt; 0.</param>
    /// <param name="lossScale">c_L &gt; 0.</param>
    /// <param name="rho">ρ &gt; 0.</param>
    public static ManifoldModel Grouped(ReadOnlySpan<double> sigma, ReadOnlySpan<double> multiplicity, int signalGroup,
        IReadOnlyList<string>? names = null, double alpha = 1, double lossScale = 1, double rho = 1)
    {
        int g = sigma.Length;
        Check.InRange(g, 1, 1 << 20, "sigma.length");
        if (multiplicity.Length != g)
            throw new InvalidParameterException("multiplicity", $"of length {g} (one per group)", $"length {multiplicity.Length}");
        Check.InRange(signalGroup, 0, g - 1, "signalIndex");
        double total = 0;
        for (int i = 0; i < g; i++)
        {
            Check.Positive(sigma[i], $"sigma[{i}]");
            if (!(multiplicity[i] >= 1) || multiplicity[i] != Math.Floor(multiplicity[i]) || multiplicity[i] > SpikedManifold.MaxDimension)
                throw new InvalidParameterException($"multiplicity[{i}]", "a whole number in [1, 10^15]", Check.F(multiplicity[i]));
            total += multiplicity[i];
        }
        if (total > SpikedManifold.MaxDimension) throw new InvalidParameterException("multiplicity", "summing to at most 10^15", Check.F(total));
        if (multiplicity[signalGroup] != 1)
            throw new InvalidParameterException($"multiplicity[{signalGroup}]", "1 (the signal group is the teacher's single direction)", Check.F(multiplicity[signalGroup]));
        if (names is not null && names.Count != g) throw new InvalidParameterException("names", $"{g} names (one per group)", $"{names.Count}");
        var nameArray = names?.ToArray() ?? Enumerable.Range(1, g).Select(i => "x" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        int spike = -1;
        for (int i = 0; i < g; i++)
            if (i != signalGroup && (spike < 0 || sigma[i] > sigma[spike])) spike = i;
        return new ManifoldModel(sigma.ToArray(), multiplicity.ToArray(), signalGroup, spike, nameArray,
            Check.Positive(alpha, "alpha"), Check.Positive(lossScale, "lossScale"), Check.Positive(rho, "rho"), null);
    }

    /// <summary>Number of groups (3 for the spiked model).</summary>
    public int GroupCount => _sigma.Length;

    /// <summary>σ_i per group.</summary>
    public ReadOnlySpan<double> Sigma => _sigma;

    /// <summary>n_i per group.</summary>
    public ReadOnlySpan<double> Multiplicity => _multiplicity;

    /// <summary>Column names of the groups (a, b, c for the spiked model).</summary>
    public IReadOnlyList<string> GroupNames => _names;

    /// <summary>k, the teacher's group.</summary>
    public int SignalGroup { get; }

    /// <summary>The spike: the non-signal group of largest variance (−1 when there is only the signal).</summary>
    public int SpikeGroup { get; }

    /// <summary>α.</summary>
    public double Alpha { get; }

    /// <summary>c_L.</summary>
    public double LossScale { get; }

    /// <summary>ρ.</summary>
    public double Rho { get; }

    /// <summary>d = Σ n_i.</summary>
    public double Dimension { get; }

    /// <summary>The parameters this model was built from, when it is the spiked model.</summary>
    public SpikedManifold? Spiked { get; }

    /// <summary>The signal at the solution, √(ρ/α) (all other groups 0).</summary>
    public double SolutionSignal => Math.Sqrt(Rho / Alpha);

    internal double[] SigmaArray => _sigma;
    internal double[] MultiplicityArray => _multiplicity;

    /// <summary>Every group at <paramref name="epsilon"/>: the coordinates of W_0 = ε Q_0.</summary>
    public double[] Uniform(double epsilon)
    {
        Check.Finite(epsilon, "epsilon");
        var x = new double[GroupCount];
        Array.Fill(x, epsilon);
        return x;
    }

    /// <summary>Writes μ_i into <paramref name="mu"/> and returns T = Σ n_i μ_i.</summary>
    public double Mu(ReadOnlySpan<double> x, Span<double> mu)
    {
        CheckLength(x, "x");
        CheckLength(mu, "mu");
        double t = 0;
        for (int i = 0; i < _sigma.Length; i++)
        {
            mu[i] = _sigma[i] * (Alpha * x[i] * x[i] - (i == SignalGroup ? Rho : 0));
            t += _multiplicity[i] * mu[i];
        }
        return t;
    }

    /// <summary>T = tr(ΣM) = Σ n_i μ_i.</summary>
    public double Trace(ReadOnlySpan<double> x)
    {
        CheckLength(x, "x");
        double t = 0;
        for (int i = 0; i < _sigma.Length; i++) t += _multiplicity[i] * _sigma[i] * (Alpha * x[i] * x[i] - (i == SignalGroup ? Rho : 0));
        return t;
    }

    /// <summary>Population loss L = c_L [T² + 2 Σ n_i μ_i²].</summary>
    public double Loss(ReadOnlySpan<double> x)
    {
        CheckLength(x, "x");
        double t = 0, q = 0;
        for (int i = 0; i < _sigma.Length; i++)
        {
            double mu = _sigma[i] * (Alpha * x[i] * x[i] - (i == SignalGroup ? Rho : 0));
            t += _multiplicity[i] * mu;
            q += _multiplicity[i] * mu * mu;
        }
        return LossScale * (t * t + 2 * q);
    }

    /// <summary>The rates g_i = 4 c_L α σ_i (T + 2μ_i): the matrix gradient on the manifold is Σ g_i x_i P_i Q_0.</summary>
    public void Rates(ReadOnlySpan<double> x, Span<double> g)
    {
        CheckLength(g, "g");
        double t = Trace(x);
        double c = 4 * LossScale * Alpha;
        for (int i = 0; i < _sigma.Length; i++)
        {
            double mu = _sigma[i] * (Alpha * x[i] * x[i] - (i == SignalGroup ? Rho : 0));
            g[i] = c * _sigma[i] * (t + 2 * mu);
        }
    }

    /// <summary>The three alignments of the spec (see <see cref="Alignments"/>) at group values <paramref name="x"/>.</summary>
    public Alignments Alignment(ReadOnlySpan<double> x)
    {
        CheckLength(x, "x");
        double total = 0, fourth = 0;
        for (int i = 0; i < _sigma.Length; i++)
        {
            double x2 = x[i] * x[i];
            total += _multiplicity[i] * x2;
            fourth += _multiplicity[i] * x2 * x2;
        }
        double a2 = x[SignalGroup] * x[SignalGroup];
        double b2 = SpikeGroup >= 0 ? x[SpikeGroup] * x[SpikeGroup] : 0;
        return new Alignments(a2 / total, a2 / Math.Sqrt(fourth), a2 / (a2 + b2));
    }

    internal void CheckLength(ReadOnlySpan<double> v, string name)
    {
        if (v.Length != _sigma.Length)
            throw new InvalidParameterException(name, $"of length {_sigma.Length} (one value per group)", $"length {v.Length}");
    }
}

/// <summary>The alignments of the spec, named. NaN where undefined (e.g. W = 0).</summary>
/// <param name="SignalMass">a²/(a² + b² + (d − 2)c²) = θ̂ᵀWWᵀθ̂ / ‖W‖_F²: the share of the weights' mass on the signal.</param>
/// <param name="MatrixCosine">a²/√(a⁴ + b⁴ + (d − 2)c⁴) = ⟨WWᵀ, θ̂θ̂ᵀ⟩ / ‖WWᵀ‖_F: the cosine of WWᵀ with θ̂θ̂ᵀ.</param>
/// <param name="SignalVsSpike">a²/(a² + b²): the signal against the spike alone.</param>
public readonly record struct Alignments(double SignalMass, double MatrixCosine, double SignalVsSpike)
{
    /// <summary>CSV column names, in order.</summary>
    public static IReadOnlyList<string> ColumnNames { get; } = ["signal_mass", "matrix_cosine", "signal_vs_spike"];
}
