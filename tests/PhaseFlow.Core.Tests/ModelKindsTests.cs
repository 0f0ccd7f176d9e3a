using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PhaseFlow.Foundation;
using Xunit.Abstractions;

namespace PhaseFlow.Core.Tests;

/// <summary>The model kinds of issue 15 (closed forms, quadrature) against Monte Carlo, central differences, each other,
/// phase retrieval's hand-written oracle and the spec's escape formulas.</summary>
public class ModelKindsTests(ITestOutputHelper output)
{
    /// <summary>z·e^{−z²/4}, the example of a smooth link with no closed form; h = e^{−z²/4}.</summary>
    internal static readonly LinkFunction GaussianBump = new("z*exp(-z^2/4)",
        z => z * H(z),
        z => H(z) * (1 - z * z / 2),
        z => H(z) * (-1.5 * z + z * z * z / 4),
        z => H(z) * (-1.5 + 1.5 * z * z - Math.Pow(z, 4) / 8),
        z => H(z) * (3.75 * z - 1.25 * z * z * z + Math.Pow(z, 5) / 16),
        isEven: false);

    private static double H(double z) => Math.Exp(-z * z / 4);

    private static readonly LinkFunction[] Named = [LinkFunction.Linear, LinkFunction.Square, LinkFunction.Erf, LinkFunction.Relu];
    private static readonly LinkFunction[] Smooth = [LinkFunction.Erf, LinkFunction.Tanh, GaussianBump, LinkFunction.Linear, LinkFunction.Square];

    /// <summary>Every kind the tests cover: the 16 closed-form pairs, quadrature pairs of smooth links and polynomial links
    /// derived through Wick.</summary>
    public static IEnumerable<object[]> Kinds()
    {
        foreach (var f in Named)
            foreach (var g in Named)
                yield return [new ClosedFormLoss(f, g, 0.1)];
        foreach (var (f, g) in new[] { (LinkFunction.Erf, LinkFunction.Erf), (LinkFunction.Tanh, LinkFunction.Tanh), (LinkFunction.Tanh, LinkFunction.Erf),
                     (GaussianBump, GaussianBump), (LinkFunction.Linear, LinkFunction.Tanh), (GaussianBump, LinkFunction.Square) })
            yield return [new QuadratureLoss(f, g, 0.1)];
        foreach (var (f, g) in new[] { ("z^3 - 3*z", "z^3 - 3*z"), ("z + z^2/2", "z + z^2/2"), ("z^2", "z^3 - 3*z") })
            yield return [new PolynomialLoss(f, g, 0.1)];
    }

    /// <summary>Valid overlaps away from the boundary (s, s* in [0.3, 2], |ρ| ≤ 0.7), where the score-function Monte
    /// Carlo has bounded variance.</summary>
    private static (double S, double U, double SStar)[] Points(int seed, int count)
    {
        var random = SeededRandom.Create(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            double s = 0.3 + 1.7 * random.NextDouble(), sStar = 0.3 + 1.7 * random.NextDouble(), rho = -0.7 + 1.4 * random.NextDouble();
            return (s, rho * Math.Sqrt(s * sStar), sStar);
        }).ToArray();
    }

    /// <summary>P and its five derivatives by Monte Carlo with the score function of the Gaussian density (valid for
    /// non-smooth links too, and independent of Price/Stein): ∂θP = E[h ℓθ], ∂θ∂φP = E[h(ℓθℓφ + ℓθφ)], h = (f(z₁) −
    /// g(z₂))², ℓ = log p; with M = Σ⁻¹, y = Mz: ℓs = ½(y₁² − M₁₁), ℓu = y₁y₂ − M₁₂, ℓss = ½M₁₁² − M₁₁y₁²,
    /// ℓsu = M₁₁M₁₂ − M₁₂y₁² − M₁₁y₁y₂, ℓuu = M₁₂² + M₁₁M₂₂ − (M₂₂y₁² + 2M₁₂y₁y₂ + M₁₁y₂²). Returns the six means and
    /// their standard errors, from the same samples.</summary>
    internal static (double[] Mean, double[] Se) MonteCarlo(SingleIndexLoss loss, double s, double u, double sStar, int n, int seed)
    {
        var random = SeededRandom.Create(seed);
        double det = s * sStar - u * u, m11 = sStar / det, m12 = -u / det, m22 = s / det;
        double a = Math.Sqrt(s), b = u / a, c = Math.Sqrt(sStar - b * b);
        var sum = new double[6];
        var sq = new double[6];
        var z = new double[2 * n];
        SeededRandom.FillStandardNormal(random, z);
        var v = new double[6];
        for (int k = 0; k < n; k++)
        {
            double z1 = a * z[2 * k], z2 = b * z[2 * k] + c * z[2 * k + 1];
            double diff = loss.Student.Value(z1) - loss.Teacher.Value(z2), h = diff * diff;
            double y1 = m11 * z1 + m12 * z2, y2 = m12 * z1 + m22 * z2;
            double ls = 0.5 * (y1 * y1 - m11), lu = y1 * y2 - m12;
            double lss = 0.5 * m11 * m11 - m11 * y1 * y1;
            double lsu = m11 * m12 - m12 * y1 * y1 - m11 * y1 * y2;
            double luu = m12 * m12 + m11 * m22 - (m22 * y1 * y1 + 2 * m12 * y1 * y2 + m11 * y2 * y2);
            v[0] = h; v[1] = h * ls; v[2] = h * lu; v[3] = h * (ls * ls + lss); v[4] = h * (ls * lu + lsu); v[5] = h * (lu * lu + luu);
            for (int i = 0; i < 6; i++) { sum[i] += v[i]; sq[i] += v[i] * v[i]; }
        }
        var mean = sum.Select(x => x / n).ToArray();
        var se = Enumerable.Range(0, 6).Select(i => Math.Sqrt(Math.Max(0, sq[i] / n - mean[i] * mean[i]) / (n - 1))).ToArray();
        return (mean, se);
    }

    private static double[] Six(LossDerivatives d) => [d.Value, d.Ps, d.Pu, d.Pss, d.Psu, d.Puu];
    private static readonly string[] Names = ["P", "Ps", "Pu", "Pss", "Psu", "Puu"];

    /// <summary>Each of P, Ps, Pu, Pss, Psu, Puu within 4 standard errors of its Monte Carlo estimate at three random
    /// points (deterministic seeds; the chance of a false alarm is ~6e-5 per comparison).</summary>
    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryKindMatchesMonteCarlo(SingleIndexLoss loss)
    {
        int seed = loss.ToString().Aggregate(17, (h, ch) => unchecked(h * 31 + ch)) & 0xFFFF;
        foreach (var (s, u, sStar) in Points(seed, 3))
        {
            var exact = Six(loss.Derivatives(s, u, sStar));
            var (mean, se) = MonteCarlo(loss, s, u, sStar, 200_000, seed + 1);
            for (int i = 0; i < 6; i++)
                Assert.True(Math.Abs(mean[i] - exact[i]) <= 4 * se[i],
                    $"{loss} at ({s}, {u}, {sStar}): {Names[i]} = {exact[i]}, Monte Carlo {mean[i]} ± {se[i]}");
            Assert.Equal(loss.Value(s, u, sStar), exact[0], 1e-14 * (1 + Math.Abs(exact[0])));
            Assert.Equal(exact[0] + 0.01, loss.Loss(s, u, sStar), 1e-14 * (1 + Math.Abs(exact[0])));
        }
    }

    /// <summary>The central difference (F(x + h) − F(x − h))/2h of F against its claimed derivative dF. Its error is
    /// h²/6·F‴(ξ) for some ξ in [x − h, x + h] plus the rounding (or quadrature) error e of F divided by h. F‴ is taken
    /// from the claimed derivative's second difference (dF(x + h) − 2dF(x) + dF(x − h))/h², which is F‴(x) + O(h²); the
    /// factor 2 bounds the variation of F‴ over [x − h, x + h] when h is far below the distance to the nearest
    /// singularity (h = 1e-4 against s, s* ≥ 0.3 here). e is 8 ulps of the size of the terms a value is summed from,
    /// which is max(1, |F|) for these links and points (a small F is often a cancellation of O(1) terms). For the quadrature kind the
    /// claimed derivative and the derivative of the value's quadrature error each add the kind's stated accuracy
    /// (1e-10 at s, s* ≤ 2): <paramref name="accuracy"/>.</summary>
    private static void CentralDifference(Func<double, double> value, Func<double, double> derivative, double x, double h, double accuracy, string what)
    {
        double cd = (value(x + h) - value(x - h)) / (2 * h);
        double third = (derivative(x + h) - 2 * derivative(x) + derivative(x - h)) / (h * h);
        double e = 8 * 2.2e-16 * Math.Max(1, Math.Max(Math.Abs(value(x + h)), Math.Abs(value(x - h))));
        double tol = 2 * h * h / 6 * Math.Abs(third) + 2 * e / (2 * h) + 4 * 2.2e-16 * Math.Abs(derivative(x)) + 2 * accuracy;
        Assert.True(Math.Abs(cd - derivative(x)) <= tol, $"{what}: claimed {derivative(x)}, central difference {cd}, tolerance {tol}");
    }

    /// <summary>An a-posteriori bound of the quadrature's error at one point: the largest difference of P and its
    /// derivatives from the rule of <see cref="GaussHermiteRule.MaxOrder"/> nodes, plus rounding. For entire links (erf,
    /// polynomials, z·e^{−z²/4}) it is ≤ 1e-10 here; tanh, whose poles at ±iπ/2 make Gauss–Hermite converge only like
    /// e^{−c√n}, is the larger (reported).</summary>
    private double QuadratureError(QuadratureLoss q, double s, double u, double sStar)
    {
        var fine = new QuadratureLoss(q.Student, q.Teacher, q.Noise, GaussHermiteRule.MaxOrder);
        var a = Six(q.Derivatives(s, u, sStar));
        var b = Six(fine.Derivatives(s, u, sStar));
        double error = Enumerable.Range(0, 6).Max(i => Math.Abs(a[i] - b[i])) + 1e-13;
        output.WriteLine($"{q} at ({s:F3}, {u:F3}, {sStar:F3}): estimated quadrature error {error:E1}");
        return error;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryKindsDerivativesAreCentralDifferences(SingleIndexLoss loss)
    {
        double h = 1e-4;
        foreach (var (s, u, sStar) in Points(5, 4))
        {
            double noise = loss is QuadratureLoss q ? QuadratureError(q, s, u, sStar) : 0;
            string at = $"{loss} at ({s}, {u}, {sStar})";
            CentralDifference(x => loss.Value(x, u, sStar), x => loss.Derivatives(x, u, sStar).Ps, s, h, noise, "Ps " + at);
            CentralDifference(x => loss.Value(s, x, sStar), x => loss.Derivatives(s, x, sStar).Pu, u, h, noise, "Pu " + at);
            CentralDifference(x => loss.Derivatives(x, u, sStar).Ps, x => loss.Derivatives(x, u, sStar).Pss, s, h, noise, "Pss " + at);
            CentralDifference(x => loss.Derivatives(s, x, sStar).Ps, x => loss.Derivatives(s, x, sStar).Psu, u, h, noise, "Psu " + at);
            CentralDifference(x => loss.Derivatives(s, x, sStar).Pu, x => loss.Derivatives(s, x, sStar).Puu, u, h, noise, "Puu " + at);
        }
    }

    /// <summary>A grid over s, s* in [0, 4] and u across its whole range, with the boundaries: s = 0 and u² = ss*.</summary>
    private static IEnumerable<(double S, double U, double SStar)> Grid(bool withZero, double max = 4)
    {
        double[] sValues = withZero ? [0, 1e-6, 0.1, 0.5, 1, 2, 4] : [1e-3, 0.1, 0.5, 1, 2, 4];
        foreach (double s in sValues.Where(x => x <= max))
            foreach (double sStar in new[] { 0.05, 0.5, 1, 2, 4 }.Where(x => x <= max))
                foreach (double rho in new[] { -1, -0.9, -0.3, 0, 0.5, 0.99, 1 })
                    yield return (s, rho * Math.Sqrt(s * sStar), sStar);
    }

    private static double MaxError(SingleIndexLoss a, SingleIndexLoss b, bool withZero, double max = 4)
    {
        double worst = 0;
        foreach (var (s, u, sStar) in Grid(withZero, max))
        {
            var x = Six(a.Derivatives(s, u, sStar));
            var y = Six(b.Derivatives(s, u, sStar));
            for (int i = 0; i < 6; i++) worst = Math.Max(worst, Math.Abs(x[i] - y[i]));
        }
        return worst;
    }

    /// <summary>Quadrature against every closed form of smooth links on the grid (s = 0 and u² = ss* included), ≤ 1e-10
    /// absolute in P and all five derivatives: at the default order for s, s* ≤ 2, at <see cref="QuadratureLoss.OrderFor"/>(4)
    /// for s, s* ≤ 4. The polynomial pairs (z, z²) are exact up to rounding.</summary>
    [Theory]
    [InlineData(2.0)]
    [InlineData(4.0)]
    public void QuadratureMatchesTheClosedFormsOfSmoothLinks(double max)
    {
        int order = max <= 2 ? QuadratureLoss.DefaultOrder : QuadratureLoss.OrderFor(max);
        LinkFunction[] smooth = [LinkFunction.Linear, LinkFunction.Square, LinkFunction.Erf];
        foreach (var f in smooth)
            foreach (var g in smooth)
            {
                double error = MaxError(new QuadratureLoss(f, g, order: order), new ClosedFormLoss(f, g), withZero: true, max);
                output.WriteLine($"{f} / {g}, s, s* <= {max}, order {order}: max |quadrature − closed form| over P and its derivatives = {error:E2}");
                Assert.True(error <= 1e-10, $"{f} / {g}: {error}");
            }
    }

    [Fact]
    public void QuadratureAndClosedFormOfPhaseRetrievalAreItsHandWrittenLoss()
    {
        var oracle = new PhaseRetrievalLoss();
        foreach (SingleIndexLoss loss in new SingleIndexLoss[] { new QuadratureLoss(LinkFunction.Square, LinkFunction.Square, order: 4), new QuadratureLoss(LinkFunction.Square, LinkFunction.Square), new ClosedFormLoss(LinkFunction.Square, LinkFunction.Square) })
            foreach (var (s, u, sStar) in Grid(withZero: true))
            {
                var x = Six(loss.Derivatives(s, u, sStar));
                var y = Six(oracle.Derivatives(s, u, sStar));
                double scale = 3 * (s + sStar) * (s + sStar) + 8;
                for (int i = 0; i < 6; i++) Assert.True(Math.Abs(x[i] - y[i]) <= 1e-13 * scale, $"{loss}: {Names[i]} {x[i]} vs {y[i]}");
            }
    }

    /// <summary>The error of the quadrature at each order against erf/erf's closed form, for the record (docs/models.md).</summary>
    [Fact]
    public void QuadratureErrorByOrderIsReported()
    {
        var closed = new ClosedFormLoss(LinkFunction.Erf, LinkFunction.Erf);
        double previous = double.PositiveInfinity;
        foreach (double max in new[] { 1.0, 2.0, 4.0 })
            foreach (int order in new[] { 32, 64, 96, 128, 160, 224, 288 })
            {
                double error = MaxError(new QuadratureLoss(LinkFunction.Erf, LinkFunction.Erf, order: order), closed, withZero: true, max);
                output.WriteLine($"erf/erf, s, s* <= {max}, order {order}: {error:E2}");
                Assert.True(error <= Math.Max(previous, 1e-13));
                previous = order == 288 ? double.PositiveInfinity : error;
            }
    }

    /// <summary>relu is not smooth, so the quadrature converges only algebraically; measured here on a link that
    /// pretends to be smooth (f‴ = f⁗ = 0): P and P_u (which read only f and f′) approach the closed form slowly, and
    /// the derivatives that need f″ = δ are simply wrong. Use <see cref="ClosedFormLoss"/> for relu.</summary>
    [Fact]
    public void ReluByQuadratureIsOnlyAlgebraicallyAccurateAndIsRefused()
    {
        var pretend = new LinkFunction("relu(z)", LinkFunction.Relu.Value, LinkFunction.Relu.Derivative, _ => 0, _ => 0, _ => 0, isEven: false);
        var closed = new ClosedFormLoss(LinkFunction.Relu, LinkFunction.Relu);
        foreach (int order in new[] { 16, 64, 256 })
        {
            var q = new QuadratureLoss(pretend, pretend, order: order);
            double value = 0, pu = 0, ps = 0;
            foreach (var (s, u, sStar) in Grid(withZero: false).Where(p => Math.Abs(p.U) < 0.99 * Math.Sqrt(p.S * p.SStar)))
            {
                var x = q.Derivatives(s, u, sStar);
                var y = closed.Derivatives(s, u, sStar);
                value = Math.Max(value, Math.Abs(x.Value - y.Value) / (s + sStar));
                pu = Math.Max(pu, Math.Abs(x.Pu - y.Pu));
                ps = Math.Max(ps, Math.Abs(x.Ps - y.Ps));
            }
            output.WriteLine($"relu/relu by quadrature, order {order}: |ΔP|/(s + s*) ≤ {value:E2}, |ΔPu| ≤ {pu:E2}, |ΔPs| ≤ {ps:E2}");
            Assert.True(value < 1e-2 && pu < 0.2);
            Assert.True(ps > 0.01, "P_s needs f″ = δ, which a pointwise link cannot carry");
        }
        var e = Assert.Throws<InvalidParameterException>(() => new QuadratureLoss(LinkFunction.Relu, LinkFunction.Erf));
        Assert.Equal("student", e.Parameter);
        e = Assert.Throws<InvalidParameterException>(() => new QuadratureLoss(LinkFunction.Erf, LinkFunction.Relu));
        Assert.Equal("teacher", e.Parameter);
    }

    /// <summary>The spec's escape formulas P_u(0, 0, s*) = −2f′(0)E[g′(z₂)] and P_uu(0, 0, s*) = −2f″(0)E[g″(z₂)] for
    /// the smooth kinds, with E[g′], E[g″] by a 1-D rule (the loss's own order for the quadrature kind, whose 2-D sums at
    /// s = 0 must reduce to it; 200 nodes for the closed forms).</summary>
    [Fact]
    public void EscapeDriveAndCouplingAreTheSpecsFormulas()
    {
        var kinds = Kinds().Select(k => (SingleIndexLoss)k[0]).Where(l => l.Student.IsSmooth && l.Teacher.IsSmooth);
        foreach (var loss in kinds)
            foreach (double sStar in new[] { 0.3, 1, 2.5 })
            {
                var rule = GaussHermiteRule.Create(loss is QuadratureLoss q ? q.Order : 200);
                double eg1 = rule.Expectation(x => loss.Teacher.Derivative(Math.Sqrt(sStar) * x));
                double eg2 = rule.Expectation(x => loss.Teacher.SecondDerivative(Math.Sqrt(sStar) * x));
                Assert.Equal(-2 * loss.Student.Derivative(0) * eg1, loss.EscapeDrive(sStar), 1e-12);
                Assert.Equal(2 * loss.Student.SecondDerivative(0) * eg2, loss.EscapeCoupling(sStar), 1e-12);
            }
        // erf/erf in closed form: −8/(π√(1 + 2s*)); relu students: −E[g′] with relu′(0) = ½, and an infinite coupling.
        Assert.Equal(-8 / (Math.PI * Math.Sqrt(3)), new ClosedFormLoss(LinkFunction.Erf, LinkFunction.Erf).EscapeDrive(1), 1e-15);
        Assert.Equal(-0.5, new ClosedFormLoss(LinkFunction.Relu, LinkFunction.Relu).EscapeDrive(1), 1e-15);
        Assert.Equal(-1, new ClosedFormLoss(LinkFunction.Relu, LinkFunction.Linear).EscapeDrive(2), 1e-15);
        Assert.Equal(double.PositiveInfinity, new ClosedFormLoss(LinkFunction.Relu, LinkFunction.Relu).EscapeCoupling(1));
        Assert.Equal(8, new ClosedFormLoss(LinkFunction.Square, LinkFunction.Square).EscapeCoupling(1.7), 1e-14);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TheTeacherItselfHasZeroLoss(SingleIndexLoss loss)
    {
        if (!ReferenceEquals(loss.Student, loss.Teacher)) return;
        foreach (double sStar in new[] { 0.2, 1, 3.7 })
            Assert.Equal(0, loss.Value(sStar, sStar, sStar), 1e-12 * (1 + sStar * sStar));
    }

    [Fact]
    public void NamedLinksCarryTheirDerivatives()
    {
        foreach (var link in new[] { LinkFunction.Erf, LinkFunction.Tanh, GaussianBump, LinkFunction.Linear, LinkFunction.Square })
            foreach (double z in new[] { -2.1, -0.4, 0.3, 1.7 })
            {
                Func<double, double>[] chain = [link.Value, link.Derivative, link.SecondDerivative, link.ThirdDerivative!, link.FourthDerivative!];
                for (int k = 0; k < 4; k++)
                    CentralDifference(chain[k], chain[k + 1], z, 1e-4, 0, $"{link} derivative {k + 1} at {z}");
            }
        Assert.Equal(0.5, LinkFunction.Relu.Derivative(0));
        Assert.Equal(double.PositiveInfinity, LinkFunction.Relu.SecondDerivative(0));
        Assert.Equal(0, LinkFunction.Relu.SecondDerivative(0.1));
        Assert.False(LinkFunction.Relu.IsSmooth);
        Assert.True(LinkFunction.Square.IsSmooth);
    }

    [Fact]
    public void GaussHermiteRuleIntegratesPolynomialsOfDegreeUpTo2nMinus1()
    {
        foreach (int n in new[] { 1, 2, 5, 20, 64 })
        {
            var rule = GaussHermiteRule.Create(n);
            double moment = 1; // (2k − 1)!!
            for (int k = 0; 2 * k <= 2 * n - 1 && k <= 20; k++)
            {
                if (k > 0) moment *= 2 * k - 1;
                Assert.Equal(moment, rule.Expectation(x => Math.Pow(x, 2 * k)), 1e-13 * moment);
                Assert.Equal(0, rule.Expectation(x => Math.Pow(x, 2 * k + 1)), 1e-13 * moment * 10);
            }
        }
        Assert.Throws<InvalidParameterException>(() => GaussHermiteRule.Create(0));
    }

    [Fact]
    public void TheSingularCorners()
    {
        foreach (var loss in new SingleIndexLoss[] { new QuadratureLoss(LinkFunction.Tanh, LinkFunction.Erf), new ClosedFormLoss(LinkFunction.Erf, LinkFunction.Relu) })
        {
            // s = 0 is the limit s → 0 (Cholesky singular there; z₁ = 0 exactly).
            var at0 = Six(loss.Derivatives(0, 0, 1.3));
            var near = Six(loss.Derivatives(1e-13, 0, 1.3));
            for (int i = 0; i < 6; i++) Assert.Equal(at0[i], near[i], 1e-10);
            // u² = ss* (u = ±√(ss*) and a rounding above it): finite, continuous from inside.
            double s = 0.7, sStar = 1.3, edge = Math.Sqrt(s * sStar);
            var onEdge = Six(loss.Derivatives(s, edge * (1 + 1e-13), sStar));
            var inside = Six(loss.Derivatives(s, edge * (1 - 1e-12), sStar));
            for (int i = 0; i < 6; i++) Assert.Equal(onEdge[i], inside[i], 1e-9);
        }
        var relu = new ClosedFormLoss(LinkFunction.Relu, LinkFunction.Relu).Derivatives(0, 0, 1);
        Assert.Equal((1.0, double.NegativeInfinity, -0.5, double.PositiveInfinity, 0.0, double.NegativeInfinity),
            (relu.Value + 0.5, relu.Ps, relu.Pu, relu.Pss, relu.Psu, relu.Puu));
    }

    /// <summary>Overlaps no vectors have are refused with the parameter's name, for every kind.</summary>
    [Property(MaxTest = 100)]
    public Property ImpossibleOverlapsAreRefused() =>
        Prop.ForAll(
            (from s in Gen.Choose(0, 400).Select(x => x / 100.0)
             from sStar in Gen.Choose(1, 400).Select(x => x / 100.0)
             from excess in Gen.Choose(1, 1000).Select(x => 1 + x * 1e-4)
             from sign in Gen.Elements(-1.0, 1.0)
             from kind in Gen.Choose(0, 2)
             select (s, sStar, u: sign * excess * Math.Sqrt(s * sStar) + sign * 1e-9, kind)).ToArbitrary(),
            c =>
            {
                SingleIndexLoss loss = c.kind switch
                {
                    0 => new ClosedFormLoss(LinkFunction.Relu, LinkFunction.Erf),
                    1 => new QuadratureLoss(LinkFunction.Tanh, LinkFunction.Tanh, order: 8),
                    _ => new ClosedFormLoss(LinkFunction.Erf, LinkFunction.Erf),
                };
                Assert.Equal("u", Assert.Throws<InvalidParameterException>(() => loss.Derivatives(c.s, c.u, c.sStar)).Parameter);
                Assert.Equal("s", Assert.Throws<InvalidParameterException>(() => loss.Value(-1e-300, 0, c.sStar)).Parameter);
                Assert.Equal("sStar", Assert.Throws<InvalidParameterException>(() => loss.Value(c.s, 0, 0)).Parameter);
                Assert.Equal("u", Assert.Throws<InvalidParameterException>(() => loss.Value(c.s, double.NaN, c.sStar)).Parameter);
            });

    [Fact]
    public void ClosedFormsRefuseOtherLinks()
    {
        var e = Assert.Throws<InvalidParameterException>(() => new ClosedFormLoss(LinkFunction.Tanh, LinkFunction.Erf));
        Assert.Equal("student", e.Parameter);
        Assert.Contains("tanh(z)", e.Message);
        Assert.True(ClosedFormLoss.Supports(LinkFunction.Relu));
        Assert.False(ClosedFormLoss.Supports(GaussianBump));
    }
}
