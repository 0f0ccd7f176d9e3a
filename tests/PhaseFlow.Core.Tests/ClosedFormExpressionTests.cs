using PhaseFlow.Foundation;
using PhaseFlow.Symbolic;

namespace PhaseFlow.Core.Tests;

/// <summary>The closed forms' expressions, differentiated by the symbolic layer, against the derivatives written out by
/// hand in ClosedFormLoss: two derivations of the same 16 losses.</summary>
public class ClosedFormExpressionTests
{
    public static IEnumerable<object[]> Pairs() =>
        from f in ClosedFormLoss.SupportedLinks from g in ClosedFormLoss.SupportedLinks select new object[] { f.Text, g.Text };

    private static LinkFunction Named(string text) => ClosedFormLoss.SupportedLinks.Single(l => l.Text == text);

    [Theory]
    [MemberData(nameof(Pairs))]
    public void SymbolicDerivativesOfTheExpressionAreTheHandWrittenOnes(string student, string teacher)
    {
        var loss = new ClosedFormLoss(Named(student), Named(teacher), 0.2);
        var p = loss.Expression!;
        Expr s = PolynomialLoss.S, u = PolynomialLoss.U, sStar = PolynomialLoss.SStar;
        var compiled = Compiler.Compile([p, .. loss.DerivativeExpressions!], [s, u, sStar]);
        var random = SeededRandom.Create(student.Length * 31 + teacher.Length);
        var y = new double[6];
        for (int k = 0; k < 25; k++)
        {
            // Interior points (s > 0, |ρ| < 1), where every derivative is finite.
            double a = 0.05 + 3 * random.NextDouble(), b = 0.05 + 3 * random.NextDouble(), rho = -0.95 + 1.9 * random.NextDouble();
            double c = rho * Math.Sqrt(a * b);
            compiled.Evaluate([a, c, b], y);
            var d = loss.Derivatives(a, c, b);
            double[] hand = [d.Value, d.Ps, d.Pu, d.Pss, d.Psu, d.Puu];
            for (int i = 0; i < 6; i++)
            {
                // Two evaluation orders of the same formula: rounding of terms up to ~10 (a, b ≤ 3.05, 1/(1 − ρ²) ≤ 10).
                double tol = 1e-12 * (1 + Math.Abs(hand[i])) * 100;
                Assert.True(Math.Abs(y[i] - hand[i]) <= tol, $"{loss} at ({a}, {c}, {b}): output {i}: symbolic {y[i]}, hand-written {hand[i]}");
            }
        }
    }

    [Fact]
    public void TheErfExpressionIsTheSpecsArcsine()
    {
        var loss = new ClosedFormLoss(LinkFunction.Erf, LinkFunction.Erf);
        var text = loss.Expression!.ToString();
        Assert.Contains("asin", text);
        Assert.Contains("pi", text);
    }
}
