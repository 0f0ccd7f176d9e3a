using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace PhaseFlow.Symbolic.Tests;

public class GaussianTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly Expr Z1 = Expr.Symbol("z1"), Z2 = Expr.Symbol("z2"), Z = Expr.Symbol("z");
    private static readonly Expr S = Expr.Symbol("s"), U = Expr.Symbol("u"), SStar = Expr.Symbol("s_star");

    /// <summary>The oracle, independent of the closed-form sum: pair the first factor with each other one (Isserlis),
    /// E[z₁^a z₂^b] = (a−1) s E[z₁^{a−2} z₂^b] + b u E[z₁^{a−1} z₂^{b−1}], E[z₂^b] = (b−1) s* E[z₂^{b−2}].</summary>
    private static Expr Pairings(int a, int b, Dictionary<(int, int), Expr> memo)
    {
        if (a == 0 && b == 0) return Expr.One;
        if (memo.TryGetValue((a, b), out var known)) return known;
        Expr result = a > 0
            ? (a >= 2 ? (a - 1) * S * Pairings(a - 2, b, memo) : Expr.Zero) + (b >= 1 ? b * U * Pairings(a - 1, b - 1, memo) : Expr.Zero)
            : (b >= 2 ? (b - 1) * SStar * Pairings(0, b - 2, memo) : Expr.Zero);
        return memo[(a, b)] = result.Expand();
    }

    private static Expr E(Expr polynomial) => Gaussian.Expectation(polynomial, Z1, Z2, S, U, SStar);

    [Property(MaxTest = 200)]
    public void MomentsEqualThePairingCount(byte a0, byte b0)
    {
        int a = a0 % 15, b = b0 % 15;
        Assert.Equal(Pairings(a, b, []), E(Expr.Pow(Z1, a) * Expr.Pow(Z2, b)));
        Assert.Equal(Pairings(a, b, []), Gaussian.Moment(a, b, S, U, SStar));
    }

    [Fact]
    public void HighDegreeMomentsAreExact()
    {
        // Degree 80 symbolically against the pairing count; degree 2000 in one variable against (n−1)!! in BigInteger.
        Assert.Equal(Pairings(40, 40, []), E(Expr.Pow(Z1, 40) * Expr.Pow(Z2, 40)));
        var doubleFactorial = BigInteger.One;
        for (int i = 1999; i > 1; i -= 2) doubleFactorial *= i;
        Assert.Equal(Expr.Number(new Rational(doubleFactorial, 1)) * Expr.Pow(S, 1000), Gaussian.Expectation(Expr.Pow(Z, 2000), Z, S));
        Assert.Equal(Expr.Number(new Rational(doubleFactorial * doubleFactorial, 1)), Gaussian.Moment(2000, 2000, 1, 0, 1));
        // With u = s = s* = 1 every pairing counts 1: E = (a + b − 1)!! for z₁ = z₂.
        var all = BigInteger.One;
        for (int i = 599; i > 1; i -= 2) all *= i;
        Assert.Equal(Expr.Number(new Rational(all, 1)), Gaussian.Moment(300, 300, 1, 1, 1));
    }

    [Fact]
    public void OneVariableIsThePairWithTheOtherUnused()
    {
        var p = Expr.Parse("z^6 - 3*z^4 + z^3/2 + a*z^2 - 7");
        var v = Expr.Symbol("v");
        Assert.Equal(Expr.Parse("15*v^3 - 9*v^2 + a*v - 7"), Gaussian.Expectation(p, Z, v));
        Assert.Equal(Gaussian.Expectation(p, Z, v), Gaussian.Expectation(p, Z, Z2, v, U, SStar));
        Assert.Equal(Expr.Zero, Gaussian.Moment(7, v));
    }

    /// <summary>z₁ + z₂ ~ N(0, s + 2u + s*): the pair's expectation of a polynomial in z₁ + z₂ (degree 12, 91 monomials
    /// after expansion) equals the one-variable expectation.</summary>
    [Fact]
    public void SumOfThePairIsGaussianWithTheSummedVariance()
    {
        var p = Expr.Pow(Z1 + Z2 - 1, 12);
        Assert.Equal(Gaussian.Expectation(Expr.Pow(Z - 1, 12), Z, S + 2 * U + SStar).Expand(), E(p));
    }

    [Fact]
    public void SymbolicCoefficientsAndRationalsStayExact()
    {
        var a = Expr.Symbol("a");
        var b = Expr.Symbol("b");
        Assert.Equal(Expr.Parse("a^2*s + 2*a*b*u + b^2*s_star").Expand(), E(Expr.Pow(a * Z1 + b * Z2, 2)));
        Assert.Equal(Expr.Parse("3/4*s^2 + 1/3"), E(Expr.Pow(Z1, 4) / 4 + Expr.Number(new Rational(1, 3)) + Z1 * Expr.Exp(a)));
    }

    /// <summary>Spec §1: P = E[f(z₁)²] − 2E[f(z₁)g(z₂)] + E[g(z₂)²] for phase retrieval and for He₃.</summary>
    [Fact]
    public void SpecClosedFormsAreReproducedExactly()
    {
        Expr Loss(Func<Expr, Expr> link) => E(Expr.Pow(link(Z1), 2)) - 2 * E(link(Z1) * link(Z2)) + E(Expr.Pow(link(Z2), 2));
        Assert.Equal(Expr.Parse("3*s^2 - 2*s*s_star + 3*s_star^2 - 4*u^2"), Loss(z => Expr.Pow(z, 2)).Expand());
        Assert.Equal(
            Expr.Parse("15*s^3 - 18*s^2 + 9*s - 18*s*s_star*u + 18*s*u - 12*u^3 - 18*u + 15*s_star^3 - 18*s_star^2 + 9*s_star + 18*s_star*u"),
            Loss(z => Expr.Pow(z, 3) - 3 * z).Expand());
    }

    private static Expr Hermite(int n, Expr z)
    {
        Expr previous = Expr.One, current = z;
        if (n == 0) return previous;
        for (int k = 1; k < n; k++) (previous, current) = (current, (z * current - k * previous).Expand());
        return current;
    }

    [Fact]
    public void HermitePolynomialsOfUnitVarianceAreOrthogonal()
    {
        for (int m = 0; m <= 10; m++)
            for (int n = 0; n <= 10; n++)
            {
                var expected = m == n ? Expr.Number(Factorial(n)) * Expr.Pow(U, n) : Expr.Zero;
                Assert.Equal(expected, Gaussian.Expectation(Hermite(m, Z1) * Hermite(n, Z2), Z1, Z2, 1, U, 1));
            }
    }

    private static Rational Factorial(int n)
    {
        var f = BigInteger.One;
        for (int i = 2; i <= n; i++) f *= i;
        return new Rational(f, 1);
    }

    /// <summary>Monte Carlo: 200 000 samples of the pair in Cholesky coordinates, z₁ = √s ζ₁, z₂ = (u/√s) ζ₁ + √(s* − u²/s) ζ₂;
    /// the sample mean of z₁^a z₂^b within 4 standard errors (estimated from the same samples) of the exact value.
    /// 60 monomials of degree ≤ 6 with random covariances (s, s* ∈ [0.2, 2], u² &lt; s s*), seeds fixed.</summary>
    [Fact]
    public void MomentsAgreeWithMonteCarlo()
    {
        const int samples = 200_000;
        var setup = new Random(20261207);
        double worst = 0;
        for (int c = 0; c < 60; c++)
        {
            int degree = setup.Next(1, 7), a = setup.Next(0, degree + 1), b = degree - a;
            double s = 0.2 + 1.8 * setup.NextDouble(), sStar = 0.2 + 1.8 * setup.NextDouble();
            double u = (2 * setup.NextDouble() - 1) * 0.95 * Math.Sqrt(s * sStar);
            var exact = Gaussian.Moment(a, b, S, U, SStar).Evaluate(name => name switch { "s" => s, "u" => u, _ => sStar });
            var random = new Random(1000 + c);
            double sum = 0, sumSquares = 0, l21 = u / Math.Sqrt(s), l22 = Math.Sqrt(sStar - u * u / s);
            for (int i = 0; i < samples; i++)
            {
                var (g1, g2) = Normals(random);
                double z1 = Math.Sqrt(s) * g1, z2 = l21 * g1 + l22 * g2;
                double x = Math.Pow(z1, a) * Math.Pow(z2, b);
                sum += x;
                sumSquares += x * x;
            }
            double mean = sum / samples, standardError = Math.Sqrt((sumSquares / samples - mean * mean) / (samples - 1));
            worst = Math.Max(worst, Math.Abs(mean - exact) / standardError);
            Assert.True(Math.Abs(mean - exact) <= 4 * standardError,
                $"E[z1^{a} z2^{b}] at s = {s}, u = {u}, s* = {sStar}: exact {exact}, Monte Carlo {mean} ± {standardError}");
        }
        output.WriteLine($"largest deviation: {worst:F2} standard errors");
    }

    /// <summary>Two independent standard normals (Box–Muller).</summary>
    private static (double, double) Normals(Random random)
    {
        double r = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())), theta = 2 * Math.PI * random.NextDouble();
        return (r * Math.Cos(theta), r * Math.Sin(theta));
    }

    [Theory]
    [InlineData("exp(z1)*z2", "z1", "inside exp( ), a function")]
    [InlineData("z1^2 + sqrt(z2)", "z2", "inside sqrt( ), a function")]
    [InlineData("1/(1 + z1)", "z1", "in a negative power (a quotient)")]
    [InlineData("z2^-2 * s", "z2", "in a negative power (a quotient)")]
    [InlineData("a[z1] * z2", "z1", "in an index")]
    [InlineData("exp(z1)^2", "z1", "inside exp( ), a function")]
    public void NonPolynomialInputIsRefusedSayingWhy(string text, string variable, string why)
    {
        var e = Assert.Throws<NotPolynomialException>(() => E(Expr.Parse(text)));
        Assert.Equal(Expr.Symbol(variable), e.Variable);
        Assert.Contains($"{variable} occurs {why}", e.Message);
        Assert.Contains(e.Offending.ToString(), e.Message);
    }

    [Fact]
    public void InvalidVariablesAndCovariancesAreRefused()
    {
        Assert.Throws<ArgumentException>(() => Gaussian.Expectation(Z1, Z1, Z1, S, U, SStar));
        Assert.Throws<ArgumentException>(() => Gaussian.Expectation(Z1, Z1 + 1, Z2, S, U, SStar));
        Assert.Contains("holds the Gaussian variable z2", Assert.Throws<ArgumentException>(() => Gaussian.Expectation(Z1, Z1, Z2, S, Z2, SStar)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gaussian.Moment(-1, 2, S, U, SStar));
        // Coefficients may hold anything free of the variables, functions included.
        Assert.Equal(Expr.Erf(S) * S, E(Expr.Erf(S) * Z1 * Z1));
    }
}
