using FsCheck.Xunit;

namespace PhaseFlow.Symbolic.Tests;

[Properties(Arbitrary = [typeof(Arbitraries)])]
public class CompilerTests
{
    private static readonly Expr[] Inputs =
        [Expr.Symbol("x"), Expr.Symbol("y"), Expr.Symbol("z"), Expr.Indexed("s", 0), Expr.Indexed("s", 1), Expr.Indexed("s", 2)];

    private static double Interpret(Expr e, double[] x) => e.Evaluate(name => x[name[0] - 'x'], (_, k) => x[3 + k]);

    /// <summary>The compiled delegate performs the same operations as the interpreter up to reassociation by CSE:
    /// agreement to 1e-12 of the magnitude.</summary>
    [Property(MaxTest = 200)]
    public void CompiledEqualsInterpreted(Case c)
    {
        var e = c.Recipe.Build();
        Expr[] outputs = [e, e * e + 1 + Expr.Sign(e), e.Differentiate(Inputs[0])];
        var compiled = Compiler.Compile(outputs, Inputs);
        var y = new double[3];
        compiled.Evaluate(c.Point, y);
        for (int i = 0; i < 3; i++)
        {
            double expected = Interpret(outputs[i], c.Point);
            Assert.True(Math.Abs(expected - y[i]) <= 1e-12 * (1 + Math.Abs(expected)), $"output {i}: {expected} vs {y[i]}");
        }
        Assert.True(compiled.CommonSubexpressions >= (e is NumberExpr or SymbolExpr or IndexedExpr ? 0 : 1));
    }

    [Fact]
    public void CompiledJacobianMatchesTheSymbolicOne()
    {
        var u = Expr.Symbol("u");
        var s = Expr.Symbol("s");
        Expr[] system = [12 * 0.01 * u * (1 - s), 8 * 0.01 * (1 - 3 * s) * s + 16 * 0.01 * u * u];
        var compiled = Compiler.CompileWithJacobian(system, [u, s]);
        var y = new double[6];
        compiled.Evaluate([0.3, 0.2], y);
        var j = Calculus.Jacobian(system, [u, s]);
        double[] expected =
        [
            Interpret2(system[0]), Interpret2(system[1]), Interpret2(j[0, 0]), Interpret2(j[0, 1]), Interpret2(j[1, 0]), Interpret2(j[1, 1]),
        ];
        for (int i = 0; i < 6; i++) Assert.Equal(expected[i], y[i], 14);
        static double Interpret2(Expr e) => e.Evaluate(n => n == "u" ? 0.3 : 0.2);
    }

    [Fact]
    public void IndexedSymbolsWithSymbolicIndicesAreInputsOfTheirOwn()
    {
        var k = Expr.Symbol("k");
        var next = Expr.Indexed("s", k + 1);
        var compiled = Compiler.Compile([3 * next * next], [next]);
        var y = new double[1];
        compiled.Evaluate([2.0], y);
        Assert.Equal(12, y[0]);
    }

    [Fact]
    public void MissingInputsAreNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => Compiler.Compile([Expr.Parse("x*y")], [Expr.Symbol("x")]));
        Assert.Contains("y occurs in an output but is not an input", e.Message);
        Assert.Throws<ArgumentException>(() => Compiler.Compile([Expr.One], [Expr.Parse("x + 1")]));
    }

    [Fact]
    public void PowersAreExact()
    {
        var x = Expr.Symbol("x");
        var compiled = Compiler.Compile([Expr.Pow(x, 7), Expr.Pow(x, -3), Expr.Pow(x, 100)], [x]);
        var y = new double[3];
        compiled.Evaluate([1.1], y);
        Assert.Equal(Math.Pow(1.1, 7), y[0], 1e-14);
        Assert.Equal(Math.Pow(1.1, -3), y[1], 1e-15);
        Assert.Equal(Math.Pow(1.1, 100), y[2], 1e-7);
    }
}
