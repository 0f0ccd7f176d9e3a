using System.Numerics;
using System.Reflection;

namespace PhaseFlow.Symbolic;

/// <summary>What the layer knows of one elementary function: its value, its derivative, the values it takes exactly at
/// exact arguments, and how it prints.</summary>
/// <param name="Name">The canonical name, as printed and parsed.</param>
/// <param name="Method">The static double → double method that evaluates and compiles it.</param>
/// <param name="Outer">f′ as an expression of the argument x (the chain rule multiplies by x′).</param>
/// <param name="ExactValue">f(r) for an exact rational r when that value is exact (a rational or a multiple of π), else null.</param>
/// <param name="LatexOpen">LaTeX before the argument.</param>
/// <param name="LatexClose">LaTeX after the argument.</param>
internal sealed record FunctionInfo(string Name, MethodInfo Method, Func<Expr, Expr> Outer, Func<Rational, Expr?> ExactValue,
                                    string LatexOpen, string LatexClose)
{
    private readonly Func<double, double> _evaluate = Method.CreateDelegate<Func<double, double>>();

    public double Evaluate(double x) => _evaluate(x);
}

/// <summary>The table of elementary functions: exp, sign, sqrt, asin, acos, erf, tanh, log.</summary>
internal static class Functions
{
    private static MethodInfo MathMethod(string name) => typeof(Math).GetMethod(name, [typeof(double)])!;

    private static MethodInfo Own(string name) => typeof(Functions).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!;

    private static double SignOf(double x) => Math.Sign(x);

    private static double ErfOf(double x) => MathNet.Numerics.SpecialFunctions.Erf(x);

    private static Expr? At(Rational r, params (Rational Point, Expr Value)[] known)
    {
        foreach (var (point, value) in known)
            if (r.Equals(point)) return value;
        return null;
    }

    private static Expr HalfPi => Expr.Multiply(Expr.Number(new Rational(1, 2)), Expr.Pi);

    /// <summary>1/√(1 − x²), the derivative of arcsin.</summary>
    private static Expr InverseSqrtOneMinusSquare(Expr x) => Expr.Pow(Expr.Sqrt(1 - Expr.Pow(x, 2)), -1);

    private static readonly FunctionInfo[] All =
    [
        new("exp", MathMethod(nameof(Math.Exp)), Expr.Exp, r => At(r, (0, Expr.One)), @"\exp\left(", @"\right)"),
        // sign is piecewise constant: its derivative is zero wherever it is defined.
        new("sign", Own(nameof(SignOf)), _ => Expr.Zero, r => Expr.Number(r.Sign), @"\operatorname{sign}\left(", @"\right)"),
        new("sqrt", MathMethod(nameof(Math.Sqrt)), x => Expr.Number(new Rational(1, 2)) * Expr.Pow(Expr.Sqrt(x), -1), ExactSqrt, @"\sqrt{", "}"),
        new("asin", MathMethod(nameof(Math.Asin)), InverseSqrtOneMinusSquare,
            r => At(r, (0, Expr.Zero), (1, HalfPi), (-1, -HalfPi)), @"\arcsin\left(", @"\right)"),
        new("acos", MathMethod(nameof(Math.Acos)), x => -InverseSqrtOneMinusSquare(x),
            r => At(r, (1, Expr.Zero), (0, HalfPi), (-1, Expr.Pi)), @"\arccos\left(", @"\right)"),
        new("erf", Own(nameof(ErfOf)), x => 2 * Expr.Pow(Expr.Sqrt(Expr.Pi), -1) * Expr.Exp(-Expr.Pow(x, 2)),
            r => At(r, (0, Expr.Zero)), @"\operatorname{erf}\left(", @"\right)"),
        new("tanh", MathMethod(nameof(Math.Tanh)), x => 1 - Expr.Pow(Expr.Tanh(x), 2), r => At(r, (0, Expr.Zero)), @"\tanh\left(", @"\right)"),
        new("log", MathMethod(nameof(Math.Log)), x => Expr.Pow(x, -1), r => At(r, (1, Expr.Zero)), @"\ln\left(", @"\right)"),
    ];

    private static readonly Dictionary<string, FunctionInfo> ByName = All.ToDictionary(f => f.Name);

    /// <summary>Other spellings the parser accepts.</summary>
    private static readonly Dictionary<string, string> Aliases = new() { ["arcsin"] = "asin", ["arccos"] = "acos" };

    /// <summary>The function of a canonical name.</summary>
    public static FunctionInfo Get(string name) => ByName[name];

    /// <summary>The function a name or alias (arcsin, arccos) denotes, if any.</summary>
    public static bool TryResolve(string name, out FunctionInfo info) =>
        ByName.TryGetValue(Aliases.GetValueOrDefault(name, name), out info!);

    /// <summary>Names a symbol may not take: the functions, their aliases and the named constants.</summary>
    public static bool IsReserved(string name) => ByName.ContainsKey(name) || Aliases.ContainsKey(name) || name == "pi";

    /// <summary>√r when r ≥ 0 is the square of a rational, else null.</summary>
    private static Expr? ExactSqrt(Rational r) =>
        r.Sign >= 0 && IntegerSqrt(r.Numerator) is { } p && IntegerSqrt(r.Denominator) is { } q ? Expr.Number(new Rational(p, q)) : null;

    /// <summary>√n when n ≥ 0 is a perfect square, else null (Newton's iteration on integers).</summary>
    private static BigInteger? IntegerSqrt(BigInteger n)
    {
        if (n < 2) return n;
        var x = BigInteger.One << (int)((n.GetBitLength() + 1) / 2);   // ≥ √n
        while (true)
        {
            var y = (x + n / x) >> 1;
            if (y >= x) break;
            x = y;
        }
        return x * x == n ? x : null;
    }
}
