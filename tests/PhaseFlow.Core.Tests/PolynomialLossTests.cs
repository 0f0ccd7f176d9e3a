using PhaseFlow.Foundation;
using PhaseFlow.Symbolic;

namespace PhaseFlow.Core.Tests;

/// <summary>Polynomial links through Wick: the spec's closed forms exactly, phase retrieval's hand-written P to the ulp,
/// the closed-form kind where both apply, and the refusals. (Monte Carlo and central differences: ModelKindsTests.)</summary>
public class PolynomialLossTests
{
    private static (double S, double U, double SStar)[] Points(int seed, int count)
    {
        var random = SeededRandom.Create(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            double s = 3 * random.NextDouble(), sStar = 0.1 + 3 * random.NextDouble(), rho = -1 + 2 * random.NextDouble();
            return (s, rho * Math.Sqrt(s * sStar), sStar);
        }).ToArray();
    }

    [Fact]
    public void PhaseRetrievalThroughWickIsTheHandWrittenLoss()
    {
        var wick = new PolynomialLoss("z^2", "z^2");
        Assert.Equal(Expr.Parse("3*s^2 - 2*s*s_star + 3*s_star^2 - 4*u^2").Expand(), wick.Expression);
        var oracle = new PhaseRetrievalLoss();
        foreach (var (s, u, sStar) in Points(1, 200))
        {
            var a = oracle.Derivatives(s, u, sStar);
            var b = wick.Derivatives(s, u, sStar);
            // Same polynomial, summed in another order: a few ulps of the largest term (3·max(s, s*)²).
            double ulps = 8 * Math.ScaleB(1, -52) * 3 * Math.Pow(Math.Max(s, sStar) + Math.Abs(u), 2);
            Assert.Equal(a.Value, b.Value, ulps);
            Assert.Equal(a.Ps, b.Ps, ulps);
            Assert.Equal(a.Pu, b.Pu, ulps);
            Assert.Equal(a.Pss, b.Pss);
            Assert.Equal(a.Psu, b.Psu);
            Assert.Equal(a.Puu, b.Puu);
        }
        Assert.True(wick.SignInvariant);
        Assert.True(wick.IsPhaseRetrieval);
        Assert.True(new PolynomialLoss("z*z", "(-z)^2").IsPhaseRetrieval);
        Assert.False(new PolynomialLoss("z^2", "z^2 + z").IsPhaseRetrieval);
        Assert.Equal(0, wick.EscapeDrive(1));
        Assert.Equal(8, wick.EscapeCoupling(1));
    }

    [Fact]
    public void HermiteThreeGivesTheSpecsPolynomial()
    {
        var loss = new PolynomialLoss("z^3 - 3*z", "z^3 - 3*z");
        var spec = Expr.Parse("15*s^3 - 18*s^2 + 9*s - 18*s*s_star*u + 18*s*u - 12*u^3 - 18*u + 15*s_star^3 - 18*s_star^2 + 9*s_star + 18*s_star*u");
        Assert.Equal(spec.Expand(), loss.Expression);
        Assert.False(loss.SignInvariant);
        // P_u(0, 0, s*) = −2 f′(0) E[g′(z₂)] = −2·(−3)·(3s* − 3): no escape phase unless s* = 1.
        Assert.Equal(18 * (2.0 - 1), loss.EscapeDrive(2.0), 1e-12);
        Assert.Equal(0, loss.EscapeDrive(1.0), 1e-12);
    }

    [Fact]
    public void AgreesWithTheClosedFormKindOnLinearAndSquareLinks()
    {
        var links = new[] { ("z", LinkFunction.Linear), ("z^2", LinkFunction.Square) };
        foreach (var (ft, fl) in links)
            foreach (var (gt, gl) in links)
            {
                var wick = new PolynomialLoss(ft, gt, 0.3);
                var closed = new ClosedFormLoss(fl, gl, 0.3);
                foreach (var (s, u, sStar) in Points(2, 50))
                {
                    var a = wick.Derivatives(s, u, sStar);
                    var b = closed.Derivatives(s, u, sStar);
                    double tol = 1e-13 * (1 + Math.Pow(s + sStar, 2));
                    Assert.Equal(b.Value, a.Value, tol);
                    Assert.Equal(b.Ps, a.Ps, tol);
                    Assert.Equal(b.Pu, a.Pu, tol);
                    Assert.Equal(b.Pss, a.Pss, tol);
                    Assert.Equal(b.Psu, a.Psu, tol);
                    Assert.Equal(b.Puu, a.Puu, tol);
                    Assert.Equal(closed.Loss(s, u, sStar), wick.Loss(s, u, sStar), tol);
                }
            }
    }

    [Fact]
    public void LinksCarryTheirDerivativesAndParity()
    {
        var loss = new PolynomialLoss("z + z^2/2", "z^3 - 3*z");
        var f = loss.Student;
        Assert.False(f.IsEven);
        Assert.True(f.IsSmooth);
        foreach (double z in new[] { -2.5, -0.3, 0, 0.7, 3.1 })
        {
            Assert.Equal(z + z * z / 2, f.Value(z), 1e-15 * (1 + z * z));
            Assert.Equal(1 + z, f.Derivative(z), 1e-15 * (1 + Math.Abs(z)));
            Assert.Equal(1, f.SecondDerivative(z));
            Assert.Equal(0, f.ThirdDerivative!(z));
            Assert.Equal(6 * z, loss.Teacher.SecondDerivative(z), 1e-15 * (1 + Math.Abs(z)));
        }
        Assert.True(new PolynomialLoss("z^4 - z^2", "z").Student.IsEven);
    }

    [Theory]
    [InlineData("tanh(z)", "student", "a polynomial in z")]
    [InlineData("z*y", "student", "a polynomial in z alone")]
    [InlineData("3", "student", "a non-constant polynomial in z")]
    [InlineData("z^", "student", "a polynomial in z")]
    [InlineData("1/z", "student", "a polynomial in z")]
    public void RefusesWhatIsNotAPolynomialLink(string student, string parameter, string rule)
    {
        var e = Assert.Throws<InvalidParameterException>(() => new PolynomialLoss(student, "z^2"));
        Assert.Equal(parameter, e.Parameter);
        Assert.Equal(rule, e.Rule);
        Assert.Equal("teacher", Assert.Throws<InvalidParameterException>(() => new PolynomialLoss("z", "")).Parameter);
    }

    [Fact]
    public void ConcurrentCallsGiveWhatOneThreadGives()
    {
        var loss = new PolynomialLoss("z^3 - 3*z", "z + z^2/2");
        var points = Points(3, 64);
        var expected = points.Select(p => loss.Derivatives(p.S, p.U, p.SStar)).ToArray();
        var links = points.Select(p => loss.Student.Value(p.S) + loss.Teacher.Derivative(p.U)).ToArray();
        Parallel.For(0, 64 * 50, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            int i = k % 64;
            Assert.Equal(expected[i], loss.Derivatives(points[i].S, points[i].U, points[i].SStar));
            Assert.Equal(links[i], loss.Student.Value(points[i].S) + loss.Teacher.Derivative(points[i].U));
        });
    }
}
