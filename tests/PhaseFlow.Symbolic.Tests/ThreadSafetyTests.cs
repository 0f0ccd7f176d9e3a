using PhaseFlow.Tests.Shared;

namespace PhaseFlow.Symbolic.Tests;

/// <summary>Compiled systems and expressions are shared by concurrent callers (the hierarchy solver compiles once per solve,
/// a user may compile once for many threads): the delegates keep their temporaries in locals, so concurrent evaluations
/// give bit for bit what they give alone (issue 13).</summary>
public class ThreadSafetyTests
{
    private static readonly Expr[] Variables = [Expr.Indexed("x", 0), Expr.Indexed("x", 1), Expr.Symbol("y")];

    /// <summary>Repeated subexpressions (temporaries), powers, exp and sign, and a sparse Jacobian block.</summary>
    private static readonly Expr[] System =
    [
        Expr.Parse("(x[0] + y)^3 * exp(x[1]) - (x[0] + y)^2"),
        Expr.Parse("sign(x[1] - y) * (x[0] + y)^3 + x[0]^-2"),
        Expr.Parse("exp(x[1]) * y + (x[0]*x[1])^5"),
    ];

    [Fact]
    public void SharedCompiledSystemGivesBitIdenticalValuesUnderConcurrency()
    {
        var compiled = Compiler.CompileWithJacobian(System, Variables);
        Assert.True(compiled.CommonSubexpressions > 0);
        Sharing.AssertConcurrentSolvesMatch("compiled system", k =>
        {
            // Many evaluations per task, so that concurrent calls overlap inside the delegate.
            var x = new double[3];
            var y = new double[compiled.OutputCount];
            var all = new List<double>();
            for (int i = 0; i < 2000; i++)
            {
                x[0] = 0.5 + 0.01 * k + 1e-4 * i;
                x[1] = Math.Sin(k + 0.01 * i);
                x[2] = 0.3 - 1e-3 * i;
                compiled.Evaluate(x, y);
                if (i % 100 == 0) all.AddRange(y);
            }
            return [.. all];
        });
    }

    [Fact]
    public void SharedExpressionsGiveBitIdenticalResultsUnderConcurrency()
    {
        Sharing.AssertConcurrentSolvesMatch("expressions", k =>
        {
            var jacobian = Calculus.Jacobian(System, Variables);
            var substituted = System[k % 3].Substitute(new Dictionary<Expr, Expr> { [Expr.Symbol("y")] = Expr.Number(k) }).Expand();
            double value = substituted.Evaluate(_ => double.NaN, (_, i) => 0.5 + 0.1 * i);
            return [value, jacobian[k % 3, (k / 3) % 3].ToString().GetHashCode(StringComparison.Ordinal), substituted.ToLatex().Length];
        });
    }

    [Fact]
    public void ShareableTypesHaveNoWritableSurface() => Sharing.AssertImmutableSurface(typeof(CompiledSystem), typeof(Expr), typeof(NumberExpr),
        typeof(SymbolExpr), typeof(IndexedExpr), typeof(FunctionExpr), typeof(PowerExpr), typeof(ProductExpr), typeof(SumExpr), typeof(Rational));

    [Fact]
    public void PublicStaticsAreReadOnly() => Sharing.AssertNoWritableStatics(typeof(Expr).Assembly);
}
