namespace PhaseFlow.Symbolic.Tests;

public class FunctionTests
{
    private static readonly Expr X = Expr.Symbol("x"), Y = Expr.Symbol("y");

    /// <summary>Each function with the interval of its domain the derivative check samples.</summary>
    public static TheoryData<string, double, double> Domains => new()
    {
        { "sqrt", 0.05, 5 }, { "asin", -0.95, 0.95 }, { "acos", -0.95, 0.95 }, { "exp", -5, 5 },
        { "erf", -4, 4 }, { "tanh", -4, 4 }, { "log", 0.05, 5 },
    };

    private static Expr Apply(string name, Expr x) => Expr.Parse($"{name}({x})");

    private static double At(CompiledSystem f, double x)
    {
        var y = new double[f.OutputCount];
        f.Evaluate([x], y);
        return y[0];
    }

    /// <summary>Central differences (f(x+h) − f(x−h))/2h of the compiled value differ from f′ by h²f‴(ξ)/6 (truncation)
    /// plus about ε|f|/h + ε|x f′|/h (rounding); the tolerance is twice that, with |f‴| taken from the symbolic third derivative at x
    /// and x ± h.</summary>
    [Theory]
    [MemberData(nameof(Domains))]
    public void DerivativeAgreesWithCentralDifferencesOfTheCompiledValue(string name, double lo, double hi)
    {
        var f = Apply(name, X);
        var d = f.Differentiate(X);
        var d3 = d.Differentiate(X).Differentiate(X);
        var value = Compiler.Compile([f], [X]);
        var derivative = Compiler.Compile([d], [X]);
        var third = Compiler.Compile([d3], [X]);
        var random = new Random(15);
        const double h = 1e-4;
        for (int i = 0; i < 200; i++)
        {
            double x = lo + (hi - lo) * random.NextDouble();
            double fd = (At(value, x + h) - At(value, x - h)) / (2 * h);
            double m3 = new[] { x - h, x, x + h }.Max(p => Math.Abs(At(third, p)));
            // Rounding: f(x ± h) to ~1 ulp each, and the steps x ± h themselves rounded (relative ε|x|/h on the slope).
            double rounding = 2e-16 * Math.Abs(At(value, x)) / h + 2e-16 * (1 + Math.Abs(x)) / h * Math.Abs(At(derivative, x));
            double tolerance = 2 * (h * h / 6 * m3 + rounding);
            Assert.True(Math.Abs(fd - At(derivative, x)) <= tolerance,
                $"{name}'({x}): symbolic {At(derivative, x)}, central difference {fd}, tolerance {tolerance}");
        }
    }

    [Fact]
    public void DerivativesAreTheTextbookOnes()
    {
        var oneOverSqrt = Expr.Pow(Expr.Sqrt(1 - Expr.Pow(X, 2)), -1);
        Assert.Equal(1 / (2 * Expr.Sqrt(X)), Expr.Sqrt(X).Differentiate(X));
        Assert.Equal(oneOverSqrt, Expr.Asin(X).Differentiate(X));
        Assert.Equal(-oneOverSqrt, Expr.Acos(X).Differentiate(X));
        Assert.Equal(Expr.Exp(X), Expr.Exp(X).Differentiate(X));
        Assert.Equal(2 / Expr.Sqrt(Expr.Pi) * Expr.Exp(-X * X), Expr.Erf(X).Differentiate(X));
        Assert.Equal(1 - Expr.Pow(Expr.Tanh(X), 2), Expr.Tanh(X).Differentiate(X));
        Assert.Equal(1 / X, Expr.Log(X).Differentiate(X));
        // The chain rule: d/dx erf(x y) = 2y/√π e^{−x²y²}.
        Assert.Equal(2 * Y / Expr.Sqrt(Expr.Pi) * Expr.Exp(-Expr.Pow(X * Y, 2)), Expr.Erf(X * Y).Differentiate(X));
        Assert.Equal(Expr.Zero, Expr.Erf(Y).Differentiate(X));
    }

    [Fact]
    public void SimplificationAppliesOnlyRulesThatAlwaysHold()
    {
        Assert.Equal(Expr.One, Expr.Exp(0));
        Assert.Equal(Expr.Zero, Expr.Log(1));
        Assert.Equal(Expr.Number(new Rational(3, 2)), Expr.Sqrt(Expr.Number(new Rational(9, 4))));
        Assert.Equal(Expr.Zero, Expr.Sqrt(0));
        Assert.Equal(Expr.Number(12345678901234567L), Expr.Sqrt(Expr.Number(new Rational(System.Numerics.BigInteger.Pow(12345678901234567L, 2), 1))));
        Assert.Equal(Expr.Zero, Expr.Erf(0));
        Assert.Equal(Expr.Zero, Expr.Tanh(0));
        Assert.Equal(Expr.Zero, Expr.Asin(0));
        Assert.Equal(Expr.Pi / 2, Expr.Asin(1));
        Assert.Equal(-Expr.Pi / 2, Expr.Asin(-1));
        Assert.Equal(Expr.Zero, Expr.Acos(1));
        Assert.Equal(Expr.Pi / 2, Expr.Acos(0));
        Assert.Equal(Expr.Pi, Expr.Acos(-1));
        Assert.Equal(X, Expr.Log(Expr.Exp(X)));
        Assert.Equal(Expr.Number(Math.Sqrt(2.0)), Expr.Sqrt(2.0));
        // Not rational, or not always true: left alone.
        Assert.IsType<FunctionExpr>(Expr.Sqrt(2));
        Assert.IsType<FunctionExpr>(Expr.Sqrt(-4));
        Assert.IsType<FunctionExpr>(Expr.Sqrt(-4.0));
        Assert.IsType<FunctionExpr>(Expr.Log(0.0));
        Assert.IsType<FunctionExpr>(Expr.Exp(1));
        Assert.IsType<FunctionExpr>(Expr.Sqrt(X * X));
        Assert.IsType<FunctionExpr>(Expr.Exp(Expr.Log(X)));
        Assert.IsType<PowerExpr>(Expr.Pow(Expr.Sqrt(X), 2));
        Assert.IsType<FunctionExpr>(Expr.Asin(Expr.Tanh(X)));
    }

    [Fact]
    public void TextRoundTripsAndAliasesParse()
    {
        Expr[] all =
        [
            Expr.Sqrt(X), Expr.Asin(X / 2), Expr.Acos(1 - X), Expr.Exp(-X * X), Expr.Erf(X * Y), Expr.Tanh(X) - 3, Expr.Log(1 + X * X),
            2 / Expr.Pi * Expr.Asin(2 * X / Expr.Sqrt((1 + 2 * X) * (1 + 2 * Y))), Expr.Pow(Expr.Sqrt(X), -3) * Expr.Erf(Expr.Tanh(X)),
            Expr.Erf(X).Differentiate(X), Expr.Asin(X).Differentiate(X).Differentiate(X),
        ];
        foreach (var e in all)
        {
            var back = Expr.Parse(e.ToString());
            Assert.Equal(e, back);
            Assert.Equal(e.ToString(), back.ToString());
        }
        Assert.Equal(Expr.Asin(X), Expr.Parse("arcsin(x)"));
        Assert.Equal(Expr.Acos(X), Expr.Parse("arccos(x)"));
        Assert.Equal(Expr.Pi * X, Expr.Parse("π*x"));
        Assert.Equal("2*pi^-1*asin(x)", (2 / Expr.Pi * Expr.Asin(X)).ToString());
        Assert.Equal("2*exp(-x^2)*sqrt(pi)^-1", Expr.Erf(X).Differentiate(X).ToString());
    }

    [Fact]
    public void LatexSnapshots()
    {
        Assert.Equal(@"\sqrt{x}", Expr.Sqrt(X).ToLatex());
        Assert.Equal(@"2 \exp\left(-x^{2}\right) \sqrt{\pi}^{-1}", Expr.Erf(X).Differentiate(X).ToLatex());
        Assert.Equal(@"\arccos\left(x\right) + \arcsin\left(\frac{1}{2} x\right) + \operatorname{erf}\left(x\right) + \ln\left(x\right) + \tanh\left(x\right)",
            (Expr.Asin(X / 2) + Expr.Acos(X) + Expr.Erf(X) + Expr.Tanh(X) + Expr.Log(X)).ToLatex());
        Assert.Equal(@"2 \pi^{-1} \arcsin\left(2 x \sqrt{\left(1 + 2 x\right) \left(1 + 2 y\right)}^{-1}\right)",
            (2 / Expr.Pi * Expr.Asin(2 * X / Expr.Sqrt((1 + 2 * X) * (1 + 2 * Y)))).ToLatex());
    }

    [Fact]
    public void CompiledFunctionsMatchMathAndShareSubexpressions()
    {
        Expr[] outputs =
        [
            Expr.Sqrt(X), Expr.Asin(X), Expr.Acos(X), Expr.Exp(X), Expr.Erf(X), Expr.Tanh(X), Expr.Log(X), Expr.Pi * X,
            Expr.Erf(Expr.Sqrt(X)) + Expr.Sqrt(X) * Expr.Log(Expr.Sqrt(X)),
        ];
        var compiled = Compiler.Compile(outputs, [X]);
        var y = new double[outputs.Length];
        foreach (double x in new[] { 0.1, 0.37, 0.9 })
        {
            compiled.Evaluate([x], y);
            double[] expected =
            [
                Math.Sqrt(x), Math.Asin(x), Math.Acos(x), Math.Exp(x), MathNet.Numerics.SpecialFunctions.Erf(x), Math.Tanh(x), Math.Log(x), Math.PI * x,
                MathNet.Numerics.SpecialFunctions.Erf(Math.Sqrt(x)) + Math.Sqrt(x) * Math.Log(Math.Sqrt(x)),
            ];
            for (int i = 0; i < outputs.Length; i++)
            {
                Assert.Equal(expected[i], y[i], 15);
                Assert.Equal(outputs[i].Evaluate(_ => x), y[i], 15);
            }
        }
        Assert.True(compiled.CommonSubexpressions >= 1, "sqrt(x) occurs four times and should be computed once");
    }

    [Fact]
    public void PiIsAConstantNotASymbol()
    {
        Assert.Equal("pi", Expr.Pi.ToString());
        Assert.Equal(@"\pi", Expr.Pi.ToLatex());
        Assert.Equal(Math.PI, Expr.Pi.Evaluate(_ => double.NaN));
        Assert.Empty((Expr.Pi * 2).FreeSymbols());
        Assert.Equal(Expr.Zero, Expr.Pi.Differentiate(X));
        var compiled = Compiler.Compile([Expr.Pi * X], [X]);
        var y = new double[1];
        compiled.Evaluate([2], y);
        Assert.Equal(2 * Math.PI, y[0]);
        foreach (var reserved in new[] { "pi", "sqrt", "asin", "arcsin", "acos", "arccos", "erf", "tanh", "log" })
            Assert.Throws<ArgumentException>(() => Expr.Symbol(reserved));
    }
}
