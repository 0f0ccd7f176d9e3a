using PhaseFlow.Foundation;

namespace PhaseFlow.Core;

/// <summary>The loss of a single-index model with any smooth links, by two-dimensional Gauss–Hermite quadrature in the
/// Cholesky coordinates z₁ = √s·ζ₁, z₂ = (u/√s)ζ₁ + √(s* − u²/s)·ζ₂ (spec single-index.md §1). The derivatives are
/// Gaussian expectations of derivatives (Price's theorem, Stein's lemma), each taken by the same rule, never by
/// differencing the quadrature:
/// P = E[f(z₁)²] − 2E[f(z₁)g(z₂)] + E[g(z₂)²];
/// ∂ₛE[f²] = E[f′² + ff″], ∂ₛ²E[f²] = ½E[ff⁗ + 4f′f‴ + 3f″²];
/// ∂ₛC = ½E[f″g], ∂ᵤC = E[f′g′], ∂ₛ²C = ¼E[f⁗g], ∂ₛ∂ᵤC = ½E[f‴g′], ∂ᵤ²C = E[f″g″] for C = E[f(z₁)g(z₂)].
/// So the student must carry f to f⁗ (<see cref="LinkFunction.IsSmooth"/>), the teacher g to g″ (it must be smooth too).
/// At s = 0 the Cholesky factor is singular and z₁ = 0 exactly (u = 0 there); at u² = ss* the second coordinate's
/// scale √(s* − u²/s) is 0 (clamped from rounding below 0) and z₂ = (u/√s)ζ₁: both are handled by the same sums.
/// Accuracy: the rule converges geometrically for smooth links, at a rate set by how many of the link's unit scales
/// √s·ζ sweeps (erf/erf's error is roughly exp(−n/(3 max(s, s*))) in the worst of P and its derivatives). The target is
/// 1e-10 absolute in P and all five derivatives for unit-scale links like erf and tanh: <see cref="DefaultOrder"/> reaches
/// it for s, s* ≤ 2, <see cref="OrderFor"/> gives the order for a larger range (measured against the closed forms in the
/// tests; the table is in docs/models.md). Polynomial links of degree ≤ n − 2 are exact up to rounding. Immutable and
/// thread-safe.</summary>
public sealed class QuadratureLoss : SingleIndexLoss
{
    /// <summary>The default number of nodes per axis: 1e-10 for unit-scale links at s, s* ≤ 2 (one
    /// <see cref="Derivatives"/> costs 3n² teacher-link evaluations, about 1 ms).</summary>
    public const int DefaultOrder = 128;

    /// <summary>The order that reaches the 1e-10 target for unit-scale links (erf, tanh) when s and s* stay ≤
    /// <paramref name="maxOverlap"/>: 72·max(1, maxOverlap) nodes (measured: erf/erf at s, s* ≤ 1, 2, 4 needs 72, 128, 288).</summary>
    /// <param name="maxOverlap">The largest s or s* the model will be evaluated at, in (0, 4.1).</param>
    public static int OrderFor(double maxOverlap)
    {
        Guard.Between(maxOverlap, 0, 4.1, "maxOverlap", "(0, 4.1) (beyond it the order passes GaussHermiteRule.MaxOrder = 300)");
        return (int)Math.Ceiling(72 * Math.Max(1, maxOverlap));
    }

    private readonly GaussHermiteRule rule;
    private readonly Func<double, double> f3, f4;

    /// <summary>The model f(xᵀw) learning g(xᵀw*) + ξ, by quadrature.</summary>
    /// <param name="student">f, smooth (carrying f‴ and f⁗).</param>
    /// <param name="teacher">g, smooth.</param>
    /// <param name="noise">The label noise's standard deviation σ ≥ 0.</param>
    /// <param name="order">Nodes per axis, in [2, <see cref="GaussHermiteRule.MaxOrder"/>].</param>
    /// <exception cref="InvalidParameterException">A link that is not smooth, or a bad order.</exception>
    public QuadratureLoss(LinkFunction student, LinkFunction teacher, double noise = 0, int order = DefaultOrder)
        : base(student, teacher, noise)
    {
        RequireSmooth(student, "student");
        RequireSmooth(teacher, "teacher");
        Guard.InRange(order, 2, GaussHermiteRule.MaxOrder, "order");
        rule = GaussHermiteRule.Create(order);
        f3 = student.ThirdDerivative!;
        f4 = student.FourthDerivative!;
    }

    /// <summary>Nodes per axis.</summary>
    public int Order => rule.Order;

    /// <inheritdoc />
    public override string Method => $"Gauss–Hermite quadrature, {Order}×{Order} nodes";

    private static void RequireSmooth(LinkFunction link, string name)
    {
        if (!link.IsSmooth)
            throw new InvalidParameterException(name, "a smooth link carrying its third and fourth derivatives (relu is not: use ClosedFormLoss)", link.Text);
    }

    /// <inheritdoc />
    public override double Value(double s, double u, double sStar) => Evaluate(s, u, sStar, derivatives: false).Value;

    /// <inheritdoc />
    public override LossDerivatives Derivatives(double s, double u, double sStar) => Evaluate(s, u, sStar, derivatives: true);

    /// <inheritdoc />
    public override string ToString() => base.ToString() + $", Gauss-Hermite {Order}x{Order}";

    private LossDerivatives Evaluate(double s, double u, double sStar, bool derivatives)
    {
        CheckOverlaps(s, u, sStar);
        var x = rule.Nodes;
        var w = rule.Weights;
        int n = x.Length;
        var f = Student;
        var g = Teacher;
        double rootS = Math.Sqrt(s), slope = s == 0 ? 0 : u / rootS, scale = Math.Sqrt(Math.Max(0, sStar - slope * slope));
        double rootSStar = Math.Sqrt(sStar);
        double a = 0, a1 = 0, a2 = 0, b = 0, c = 0, cs = 0, cu = 0, css = 0, csu = 0, cuu = 0;
        for (int i = 0; i < n; i++)
        {
            double z1 = rootS * x[i], fv = f.Value(z1);
            double gs = g.Value(rootSStar * x[i]);
            b += w[i] * gs * gs;
            a += w[i] * fv * fv;
            double g0 = 0, g1 = 0, g2 = 0, mean = slope * x[i];
            for (int j = 0; j < n; j++)
            {
                double z2 = mean + scale * x[j];
                g0 += w[j] * g.Value(z2);
                if (!derivatives) continue;
                g1 += w[j] * g.Derivative(z2);
                g2 += w[j] * g.SecondDerivative(z2);
            }
            c += w[i] * fv * g0;
            if (!derivatives) continue;
            double d1 = f.Derivative(z1), d2 = f.SecondDerivative(z1), d3 = f3(z1), d4 = f4(z1);
            a1 += w[i] * (d1 * d1 + fv * d2);
            a2 += w[i] * 0.5 * (fv * d4 + 4 * d1 * d3 + 3 * d2 * d2);
            cs += w[i] * 0.5 * d2 * g0;
            css += w[i] * 0.25 * d4 * g0;
            cu += w[i] * d1 * g1;
            csu += w[i] * 0.5 * d3 * g1;
            cuu += w[i] * d2 * g2;
        }
        return new(a - 2 * c + b, a1 - 2 * cs, -2 * cu, a2 - 2 * css, -2 * csu, -2 * cuu);
    }
}
