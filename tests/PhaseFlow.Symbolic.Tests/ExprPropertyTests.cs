using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace PhaseFlow.Symbolic.Tests;

/// <summary>A construction recipe: built into an <see cref="Expr"/> through the canonical constructors, and evaluated
/// directly in doubles, independently of any simplification.</summary>
public abstract record Recipe
{
    public abstract Expr Build();
    public abstract double Eval(double[] x);

    public sealed record Const(int P, int Q) : Recipe
    {
        public override Expr Build() => Expr.Number(new Rational(P, Q));
        public override double Eval(double[] x) => (double)P / Q;
        public override string ToString() => $"{P}/{Q}";
    }

    public sealed record Real(double V) : Recipe
    {
        public override Expr Build() => Expr.Number(V);
        public override double Eval(double[] x) => V;
        public override string ToString() => Expr.Number(V).ToString();
    }

    public sealed record Var(int I) : Recipe
    {
        public override Expr Build() => I < 3 ? Expr.Symbol(((char)('x' + I)).ToString()) : Expr.Indexed("s", I - 3);
        public override double Eval(double[] x) => x[I];
        public override string ToString() => Build().ToString();
    }

    public sealed record Bin(char Op, Recipe A, Recipe B) : Recipe
    {
        public override Expr Build() => Op switch { '+' => A.Build() + B.Build(), '-' => A.Build() - B.Build(), _ => A.Build() * B.Build() };
        public override double Eval(double[] x) => Op switch { '+' => A.Eval(x) + B.Eval(x), '-' => A.Eval(x) - B.Eval(x), _ => A.Eval(x) * B.Eval(x) };
        public override string ToString() => $"({A} {Op} {B})";
    }

    public sealed record Pow(Recipe B, int N) : Recipe
    {
        public override Expr Build() => Expr.Pow(B.Build(), N);
        public override double Eval(double[] x) => Math.Pow(B.Eval(x), N);
        public override string ToString() => $"({B})^{N}";
    }

    public sealed record Quotient(Recipe A, int Index) : Recipe
    {
        // Division only by a variable (all variables are in [0.5, 1.5]): no poles.
        public override Expr Build() => A.Build() / new Recipe.Var(Index).Build();
        public override double Eval(double[] x) => A.Eval(x) / x[Index];
        public override string ToString() => $"({A}) / {new Recipe.Var(Index)}";
    }

    public sealed record ExpOf(int Index, int Scale) : Recipe
    {
        public override Expr Build() => Expr.Exp(Expr.Number(Scale) * new Recipe.Var(Index).Build());
        public override double Eval(double[] x) => Math.Exp(Scale * x[Index]);
        public override string ToString() => $"exp({Scale}*{new Recipe.Var(Index)})";
    }

    /// <summary>An elementary function of a variable (all variables are in [0.5, 1.5]), mapped into its domain:
    /// x/2 for asin and acos, x for sqrt and log, 2x − 2 for erf and tanh.</summary>
    public sealed record FunctionOf(string Name, int Index) : Recipe
    {
        private Expr Argument()
        {
            var x = new Recipe.Var(Index).Build();
            return Name switch { "asin" or "acos" => x / 2, "sqrt" or "log" => x, _ => 2 * x - 2 };
        }

        private double Argument(double[] x) => Name switch { "asin" or "acos" => x[Index] / 2, "sqrt" or "log" => x[Index], _ => 2 * x[Index] - 2 };

        public override Expr Build() => Name switch
        {
            "sqrt" => Expr.Sqrt(Argument()),
            "asin" => Expr.Asin(Argument()),
            "acos" => Expr.Acos(Argument()),
            "erf" => Expr.Erf(Argument()),
            "tanh" => Expr.Tanh(Argument()),
            _ => Expr.Log(Argument()),
        };

        public override double Eval(double[] x) => Name switch
        {
            "sqrt" => Math.Sqrt(Argument(x)),
            "asin" => Math.Asin(Argument(x)),
            "acos" => Math.Acos(Argument(x)),
            "erf" => MathNet.Numerics.SpecialFunctions.Erf(Argument(x)),
            "tanh" => Math.Tanh(Argument(x)),
            _ => Math.Log(Argument(x)),
        };

        public override string ToString() => Build().ToString();
    }
}

public sealed record Case(Recipe Recipe, double[] Point)
{
    public override string ToString() => $"{Recipe} at [{string.Join(", ", Point)}]";
}

public sealed class Arbitraries
{
    private static Gen<Recipe> Leaf() => Gen.OneOf(
        from p in Gen.Choose(-6, 6) from q in Gen.Choose(1, 4) select (Recipe)new Recipe.Const(p, q),
        Gen.Choose(-20, 20).Select(v => (Recipe)new Recipe.Real(v / 8.0 + 0.1)),
        Gen.Choose(0, 5).Select(i => (Recipe)new Recipe.Var(i)),
        Gen.Choose(0, 5).Select(i => (Recipe)new Recipe.Var(i)),
        from i in Gen.Choose(0, 5) from k in Gen.Choose(-2, 2) select (Recipe)new Recipe.ExpOf(i, k),
        from f in Gen.Elements("sqrt", "asin", "acos", "erf", "tanh", "log") from i in Gen.Choose(0, 5) select (Recipe)new Recipe.FunctionOf(f, i));

    private static Gen<Recipe> Tree(int depth) => depth == 0 ? Leaf() : Gen.OneOf(
        Leaf(),
        from op in Gen.Elements('+', '-', '*') from a in Tree(depth - 1) from b in Tree(depth - 1) select (Recipe)new Recipe.Bin(op, a, b),
        from b in Tree(depth - 1) from n in Gen.Choose(0, 3) select (Recipe)new Recipe.Pow(b, n),
        from a in Tree(depth - 1) from i in Gen.Choose(0, 5) select (Recipe)new Recipe.Quotient(a, i));

    public static Arbitrary<Case> Case() =>
        (from r in Gen.Choose(0, 4).SelectMany(Tree)
         from p in Gen.Choose(50, 150).Select(v => v / 100.0).ArrayOf(6)
         select new Case(r, p)).ToArbitrary();
}

[Properties(Arbitrary = [typeof(Arbitraries)])]
public class ExprPropertyTests
{
    private static double Eval(Expr e, double[] x) =>
        e.Evaluate(name => x[name[0] - 'x'], (name, k) => x[3 + k]);

    private static void Close(double expected, double actual, string what)
    {
        // Rounding of a double expression tree of depth ≤ 4: relative 1e-12 of the magnitudes involved is ample.
        double scale = 1 + Math.Abs(expected);
        Assert.True(Math.Abs(expected - actual) <= 1e-10 * scale, $"{what}: expected {expected}, got {actual}");
    }

    [Property(MaxTest = 300)]
    public void CanonicalFormPreservesValue(Case c) => Close(c.Recipe.Eval(c.Point), Eval(c.Recipe.Build(), c.Point), "canonical");

    [Property(MaxTest = 300)]
    public void SimplifyIsIdempotent(Case c)
    {
        var e = c.Recipe.Build();
        Assert.Equal(e, e.Simplify());
        Assert.Equal(e.Simplify(), e.Simplify().Simplify());
        Assert.Equal(e.GetHashCode(), e.Simplify().GetHashCode());
    }

    [Property(MaxTest = 300)]
    public void ExpandPreservesValueAndIsIdempotent(Case c)
    {
        var e = c.Recipe.Build().Expand();
        Close(c.Recipe.Eval(c.Point), Eval(e, c.Point), "expand");
        Assert.Equal(e, e.Expand());
    }

    [Property(MaxTest = 300)]
    public void DerivativeAgreesWithFiniteDifferences(Case c)
    {
        var e = c.Recipe.Build();
        for (int v = 0; v < 6; v += 3)
        {
            var variable = new Recipe.Var(v).Build();
            var d = e.Differentiate(variable);
            // Central differences: error h²|f'''|/6 + ε|f|/h; h = 1e-4 keeps both below 1e-6 of the scale here.
            double h = 1e-4;
            var plus = (double[])c.Point.Clone();
            var minus = (double[])c.Point.Clone();
            plus[v] += h;
            minus[v] -= h;
            double fd = (c.Recipe.Eval(plus) - c.Recipe.Eval(minus)) / (2 * h);
            double exact = Eval(d, c.Point);
            double scale = 1 + Math.Abs(fd) + Math.Abs(c.Recipe.Eval(c.Point));
            Assert.True(Math.Abs(fd - exact) <= 1e-5 * scale, $"d/d{variable}: symbolic {exact}, finite difference {fd}");
        }
    }

    [Property(MaxTest = 300)]
    public void PrintParsePrintIsTheIdentity(Case c)
    {
        var e = c.Recipe.Build();
        string text = e.ToString();
        var back = Expr.Parse(text);
        Assert.Equal(e, back);
        Assert.Equal(text, back.ToString());
    }
}
