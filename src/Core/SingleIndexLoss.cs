using PhaseFlow.Foundation;

namespace PhaseFlow.Core;

/// <summary>P(s, u, s*) and its first and second derivatives at one point: everything the population dynamics, the
/// Jacobian's 2×2 block and the reductions read of a single-index model (spec single-index.md §1–2).</summary>
/// <param name="Value">P(s, u, s*), without the label noise σ².</param>
/// <param name="Ps">∂P/∂s.</param>
/// <param name="Pu">∂P/∂u.</param>
/// <param name="Pss">∂²P/∂s².</param>
/// <param name="Psu">∂²P/∂s∂u.</param>
/// <param name="Puu">∂²P/∂u².</param>
public readonly record struct LossDerivatives(double Value, double Ps, double Pu, double Pss, double Psu, double Puu);

/// <summary>A link function of a single-index model: the student's prediction f(xᵀw) or the teacher's label g(xᵀw*),
/// with the derivatives online SGD (f′) and the escape theory (f″(0)) need.</summary>
public sealed partial class LinkFunction
{
    /// <summary>Creates a link from its value and first two derivatives.</summary>
    /// <param name="text">How it is written, e.g. "z^2" or "erf(z)"; used in reports and errors.</param>
    /// <param name="value">f(z).</param>
    /// <param name="derivative">f′(z).</param>
    /// <param name="secondDerivative">f″(z).</param>
    /// <param name="isEven">f(−z) = f(z) for every z (then w and −w predict alike).</param>
    public LinkFunction(string text, Func<double, double> value, Func<double, double> derivative, Func<double, double> secondDerivative, bool isEven)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(derivative);
        ArgumentNullException.ThrowIfNull(secondDerivative);
        Text = text;
        Value = value;
        Derivative = derivative;
        SecondDerivative = secondDerivative;
        IsEven = isEven;
    }

    /// <summary>The link as written.</summary>
    public string Text { get; }

    /// <summary>f(z).</summary>
    public Func<double, double> Value { get; }

    /// <summary>f′(z).</summary>
    public Func<double, double> Derivative { get; }

    /// <summary>f″(z).</summary>
    public Func<double, double> SecondDerivative { get; }

    /// <summary>True when f is even.</summary>
    public bool IsEven { get; }

    /// <summary>z², the link of phase retrieval.</summary>
    public static LinkFunction Square { get; } = new("z^2", z => z * z, z => 2 * z, _ => 2, _ => 0, _ => 0, isEven: true);

    /// <inheritdoc />
    public override string ToString() => Text;
}

/// <summary>The population loss of a single-index model y = g(xᵀw*) + ξ, ξ ~ N(0, σ²), learnt by f(xᵀw) from x ~ N(0, Q):
/// L(w) = E[(f(xᵀw) − y)²] = P(s, u, s*) + σ², a function of the overlaps s = wᵀQw, u = wᵀQw*, s* = w*ᵀQw*
/// (spec single-index.md §1). Implementations are immutable and thread-safe.</summary>
public abstract partial class SingleIndexLoss
{
    /// <summary>Sets the links and the label noise.</summary>
    /// <param name="student">f.</param>
    /// <param name="teacher">g.</param>
    /// <param name="noise">The label noise's standard deviation σ ≥ 0.</param>
    protected SingleIndexLoss(LinkFunction student, LinkFunction teacher, double noise)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        Guard.NonNegative(noise, "noise");
        Student = student;
        Teacher = teacher;
        Noise = noise;
    }

    /// <summary>The student's link f.</summary>
    public LinkFunction Student { get; }

    /// <summary>The teacher's link g.</summary>
    public LinkFunction Teacher { get; }

    /// <summary>The label noise's standard deviation σ.</summary>
    public double Noise { get; }

    /// <summary>P(s, u, s*), without σ².</summary>
    public abstract double Value(double s, double u, double sStar);

    /// <summary>P and its first and second derivatives at (s, u, s*).</summary>
    public abstract LossDerivatives Derivatives(double s, double u, double sStar);

    /// <summary>The population loss P(s, u, s*) + σ².</summary>
    public double Loss(double s, double u, double sStar) => Value(s, u, sStar) + Noise * Noise;

    /// <summary>True when w and −w are equivalent (f even): the parameter MSE is then min ‖w ∓ w*‖²/d.</summary>
    public bool SignInvariant => Student.IsEven;

    /// <summary>P_u(0, 0, s*) = −2 f′(0) E[g′(z₂)]: zero when a small start has an escape phase (spec §5).</summary>
    public double EscapeDrive(double sStar) => Derivatives(0, 0, sStar).Pu;

    /// <summary>c = −P_uu(0, 0, s*): the coupling of the linear escape phase when <see cref="EscapeDrive"/> vanishes.</summary>
    public double EscapeCoupling(double sStar) => -Derivatives(0, 0, sStar).Puu;

    /// <summary>The links, the noise and how P is computed, for reports.</summary>
    public override string ToString() => $"f = {Student}, g = {Teacher}, σ = {Noise.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>Phase retrieval, f = g = z²: P = 3s² − 2ss* + 3s*² − 4u², written out by hand. It is the test oracle the
/// generic paths are held to, and the shorthand problem files call "phaseRetrieval".</summary>
public sealed class PhaseRetrievalLoss : SingleIndexLoss
{
    /// <summary>Phase retrieval with label noise σ.</summary>
    public PhaseRetrievalLoss(double noise = 0) : base(LinkFunction.Square, LinkFunction.Square, noise) { }

    /// <inheritdoc />
    public override double Value(double s, double u, double sStar) => 3 * s * s + 3 * sStar * sStar - 4 * u * u - 2 * sStar * s;

    /// <inheritdoc />
    public override LossDerivatives Derivatives(double s, double u, double sStar) =>
        new(Value(s, u, sStar), 6 * s - 2 * sStar, -8 * u, 6, 0, -8);

    /// <inheritdoc />
    public override string Method => "hand-written";
}
