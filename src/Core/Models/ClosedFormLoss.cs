using PhaseFlow.Foundation;
using PhaseFlow.Symbolic;

namespace PhaseFlow.Core;

/// <summary>The loss of a single-index model whose links are named links with closed-form Gaussian expectations:
/// every ordered pair of <see cref="LinkFunction.Linear"/> (z), <see cref="LinkFunction.Square"/> (z²),
/// <see cref="LinkFunction.Erf"/> and <see cref="LinkFunction.Relu"/>. P and its first and second derivatives are exact
/// (rounding only). Immutable and thread-safe.</summary>
/// <remarks>
/// Writing relu(z) = ½z + ½|z|, every link is a combination of z, erf (odd) and z², |z| (even); odd-by-even cross terms
/// vanish, and the rest are, with ρ = u/√(ss*), D = √(ss* − u²) and κ(t) = E[erf′(z)] = 2/√(π(1 + 2t)) for z ~ N(0, t):
/// E[z₁z₂] = u; E[z₁ erf(z₂)] = uκ(s*) and E[erf(z₁) z₂] = uκ(s) (Stein); E[erf(z₁)erf(z₂)] =
/// (2/π) arcsin(2u/√((1 + 2s)(1 + 2s*))); E[z₁²z₂²] = ss* + 2u²; E[|z₁|z₂²] = √(2/π)(u²/√s + s*√s) and its mirror;
/// E[|z₁||z₂|] = (2/π)(D + u arcsin ρ), which with E[z₁z₂] = u gives the arc-cosine kernel E[relu(z₁)relu(z₂)] =
/// (√(ss*)/2π)(sin θ + (π − θ)cos θ). The self terms are E[z²] = s, E[z⁴] = 3s², E[erf(z)²] = (2/π)arcsin(2s/(1 + 2s)),
/// E[relu(z)²] = s/2. The derivatives in s and u are written out in docs/models.md.
/// Where the true P is not twice differentiable the limits are returned: with a relu link, P_s, P_ss and P_uu are
/// infinite at s = 0 (and P_ss, P_su, P_uu at u² = ss* for relu/relu), which is the theory's answer, not an overflow.
/// </remarks>
public sealed class ClosedFormLoss : SingleIndexLoss
{
    private enum Basis { Z, Erf, Square, Abs }

    private readonly (double Coefficient, Basis Part)[] studentParts;
    private readonly (double Coefficient, Basis Part)[] teacherParts;

    /// <summary>The model f(xᵀw) learning g(xᵀw*) + ξ with f, g among the named links.</summary>
    /// <param name="student">f: <see cref="LinkFunction.Linear"/>, <see cref="LinkFunction.Square"/>,
    /// <see cref="LinkFunction.Erf"/> or <see cref="LinkFunction.Relu"/>.</param>
    /// <param name="teacher">g: one of the same four.</param>
    /// <param name="noise">The label noise's standard deviation σ ≥ 0.</param>
    /// <exception cref="InvalidParameterException">A link that is not one of the four.</exception>
    public ClosedFormLoss(LinkFunction student, LinkFunction teacher, double noise = 0) : base(student, teacher, noise)
    {
        studentParts = Parts(student, "student");
        teacherParts = Parts(teacher, "teacher");
    }

    /// <inheritdoc />
    public override string Method => "closed form";

    /// <summary>The links with closed forms; every ordered pair of them is supported.</summary>
    public static IReadOnlyList<LinkFunction> SupportedLinks { get; } =
        [LinkFunction.Linear, LinkFunction.Square, LinkFunction.Erf, LinkFunction.Relu];

    /// <summary>True when <paramref name="link"/> is one of <see cref="SupportedLinks"/>.</summary>
    /// <param name="link">A link.</param>
    public static bool Supports(LinkFunction link) => SupportedLinks.Contains(link);

    private static (double, Basis)[] Parts(LinkFunction link, string name) =>
        ReferenceEquals(link, LinkFunction.Linear) ? [(1, Basis.Z)]
        : ReferenceEquals(link, LinkFunction.Erf) ? [(1, Basis.Erf)]
        : ReferenceEquals(link, LinkFunction.Square) ? [(1, Basis.Square)]
        : ReferenceEquals(link, LinkFunction.Relu) ? [(0.5, Basis.Z), (0.5, Basis.Abs)]
        : throw new InvalidParameterException(name, "one of z, z^2, erf(z), relu(z) (the links with closed forms; use QuadratureLoss for other smooth links)", link.Text);

    /// <summary>P(s, u, s*) written with sqrt, asin and π in the symbols s, u, s_star (those of
    /// <see cref="PolynomialLoss"/>), built from the same expectations as <see cref="Derivatives"/> and differentiable
    /// symbolically; a second derivation the numeric one is tested against.</summary>
    public override Expr Expression
    {
        get
        {
            Expr s = PolynomialLoss.S, u = PolynomialLoss.U, sStar = PolynomialLoss.SStar;
            Expr cross = Expr.Zero;
            foreach (var (p, fp) in studentParts)
                foreach (var (q, gq) in teacherParts)
                    cross += Exact(p * q) * SymbolicCross(fp, gq, s, u, sStar);
            return SymbolicSelf(studentParts, s) - 2 * cross + SymbolicSelf(teacherParts, sStar);
        }
    }

    // The parts' coefficients are 1 and ½ (relu), so their products are 1, ½ or ¼: kept exact in the expression.
    private static Expr Exact(double k) => k == 1 ? Expr.One : k == 0.5 ? Expr.One / 2 : Expr.One / 4;

    // E[f(z)²], z ~ N(0, t), of a named link from its parts.
    private static Expr SymbolicSelf((double Coefficient, Basis Part)[] parts, Expr t) => parts switch
    {
        [(_, Basis.Z)] => t,
        [(_, Basis.Square)] => 3 * Expr.Pow(t, 2),
        [(_, Basis.Erf)] => 2 / Expr.Pi * Expr.Asin(2 * t / (1 + 2 * t)),
        _ => t / 2, // relu
    };

    private static Expr SymbolicCross(Basis f, Basis g, Expr s, Expr u, Expr sStar)
    {
        Expr Kappa(Expr t) => 2 / Expr.Sqrt(Expr.Pi * (1 + 2 * t));
        Expr root = Expr.Sqrt(2 / Expr.Pi);
        return (f, g) switch
        {
            (Basis.Z, Basis.Z) => u,
            (Basis.Z, Basis.Erf) => u * Kappa(sStar),
            (Basis.Erf, Basis.Z) => u * Kappa(s),
            (Basis.Erf, Basis.Erf) => 2 / Expr.Pi * Expr.Asin(2 * u / Expr.Sqrt((1 + 2 * s) * (1 + 2 * sStar))),
            (Basis.Square, Basis.Square) => s * sStar + 2 * Expr.Pow(u, 2),
            (Basis.Square, Basis.Abs) => root * (Expr.Pow(u, 2) / Expr.Sqrt(sStar) + s * Expr.Sqrt(sStar)),
            (Basis.Abs, Basis.Square) => root * (Expr.Pow(u, 2) / Expr.Sqrt(s) + sStar * Expr.Sqrt(s)),
            (Basis.Abs, Basis.Abs) => 2 / Expr.Pi * (Expr.Sqrt(s * sStar - Expr.Pow(u, 2)) + u * Expr.Asin(u / Expr.Sqrt(s * sStar))),
            _ => Expr.Zero, // an odd part against an even one
        };
    }

    /// <inheritdoc />
    public override double Value(double s, double u, double sStar) => Derivatives(s, u, sStar).Value;

    /// <inheritdoc />
    public override LossDerivatives Derivatives(double s, double u, double sStar)
    {
        CheckOverlaps(s, u, sStar);
        var (a, a1, a2) = SelfMoment(Student, s);
        double b = SelfMoment(Teacher, sStar).Value;
        double c = 0, cs = 0, cu = 0, css = 0, csu = 0, cuu = 0;
        foreach (var (p, fp) in studentParts)
            foreach (var (q, gq) in teacherParts)
            {
                var x = Cross(fp, gq, s, u, sStar);
                double k = p * q;
                c += k * x.Value; cs += k * x.Ps; cu += k * x.Pu; css += k * x.Pss; csu += k * x.Psu; cuu += k * x.Puu;
            }
        return new(a - 2 * c + b, a1 - 2 * cs, -2 * cu, a2 - 2 * css, -2 * csu, -2 * cuu);
    }

    /// <inheritdoc />
    public override string ToString() => base.ToString() + ", closed form";

    /// <summary>E[f(z)²] for z ~ N(0, t) and its first two derivatives in t.</summary>
    private static (double Value, double D1, double D2) SelfMoment(LinkFunction link, double t)
    {
        if (ReferenceEquals(link, LinkFunction.Linear)) return (t, 1, 0);
        if (ReferenceEquals(link, LinkFunction.Square)) return (3 * t * t, 6 * t, 6);
        if (ReferenceEquals(link, LinkFunction.Relu)) return (t / 2, 0.5, 0);
        double a = 1 + 2 * t, r = Math.Sqrt(1 + 4 * t);
        return (2 / Math.PI * Math.Asin(2 * t / a), 2 / Math.PI * 2 / (a * r), -2 / Math.PI * 4 / (a * r) * (1 / a + 1 / (1 + 4 * t)));
    }

    private static readonly double SqrtTwoOverPi = Math.Sqrt(2 / Math.PI);

    /// <summary>E[F(z₁)G(z₂)] of two basis links and its derivatives in s and u (as a <see cref="LossDerivatives"/>).</summary>
    private static LossDerivatives Cross(Basis f, Basis g, double s, double u, double sStar)
    {
        bool fOdd = f is Basis.Z or Basis.Erf, gOdd = g is Basis.Z or Basis.Erf;
        if (fOdd != gOdd) return default;
        switch (f, g)
        {
            case (Basis.Z, Basis.Z):
                return new(u, 0, 1, 0, 0, 0);
            case (Basis.Z, Basis.Erf):
            {
                double k = Kappa(sStar);
                return new(u * k, 0, k, 0, 0, 0);
            }
            case (Basis.Erf, Basis.Z):
            {
                // κ(s) = (2/√π)(1 + 2s)^{-1/2}, κ′ = −κ/(1 + 2s), κ″ = 3κ/(1 + 2s)².
                double k = Kappa(s), a = 1 + 2 * s, k1 = -k / a, k2 = 3 * k / (a * a);
                return new(u * k, u * k1, k, u * k2, k1, 0);
            }
            case (Basis.Erf, Basis.Erf):
            {
                // asin y, y = 2u/√(ab), a = 1 + 2s, b = 1 + 2s*; r = 1/√(1 − y²) (|y| < 1 always: 4ss* < ab).
                double a = 1 + 2 * s, b = 1 + 2 * sStar, sab = Math.Sqrt(a * b), y = 2 * u / sab;
                double r = 1 / Math.Sqrt(1 - y * y), r3 = r * r * r, k = 2 / Math.PI;
                return new(k * Math.Asin(y), -k * r * y / a, k * 2 * r / sab,
                    k * y / (a * a) * (r3 + 2 * r), -k * 2 * r3 / (a * sab), k * 4 * y * r3 / (a * b));
            }
            case (Basis.Square, Basis.Square):
                return new(s * sStar + 2 * u * u, sStar, 4 * u, 0, 0, 4);
            case (Basis.Square, Basis.Abs):
            {
                double q = Math.Sqrt(sStar), c = SqrtTwoOverPi;
                return new(c * (u * u / q + s * q), c * q, 2 * c * u / q, 0, 0, 2 * c / q);
            }
            case (Basis.Abs, Basis.Square):
            {
                if (s == 0) return new(0, double.PositiveInfinity, 0, double.NegativeInfinity, 0, double.PositiveInfinity);
                double q = Math.Sqrt(s), c = SqrtTwoOverPi, u2 = u * u;
                return new(c * (u2 / q + sStar * q), c * (-0.5 * u2 / (s * q) + 0.5 * sStar / q), 2 * c * u / q,
                    c * (0.75 * u2 / (s * s * q) - 0.25 * sStar / (s * q)), -c * u / (s * q), 2 * c / q);
            }
            default: // (Abs, Abs): (2/π)(D + u asin ρ)
            {
                if (s == 0) return new(0, double.PositiveInfinity, 0, double.NegativeInfinity, 0, double.PositiveInfinity);
                double d = Math.Sqrt(Math.Max(0, s * sStar - u * u)), rho = Correlation(s, u, sStar);
                return new(2 / Math.PI * (d + u * Math.Asin(rho)), d / (Math.PI * s), 2 / Math.PI * Math.Asin(rho),
                    (2 * u * u - s * sStar) / (2 * Math.PI * d * s * s), -u / (Math.PI * s * d), 2 / (Math.PI * d));
            }
        }
    }

    private static double Kappa(double t) => 2 / Math.Sqrt(Math.PI * (1 + 2 * t));
}
