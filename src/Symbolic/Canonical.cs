using System.Collections.Immutable;

namespace PhaseFlow.Symbolic;

/// <summary>The canonical constructors: flatten, fold constants, collect like terms (sums) and like bases (products),
/// sort by the canonical order.</summary>
internal static class Canonical
{
    public static Expr Sum(IEnumerable<Expr> terms)
    {
        NumberExpr constant = (NumberExpr)Expr.Zero;
        var coefficients = new Dictionary<Expr, NumberExpr>();
        var order = new List<Expr>();
        void AddTerm(Expr t)
        {
            ArgumentNullException.ThrowIfNull(t);
            switch (t)
            {
                case SumExpr s:
                    foreach (var inner in s.Terms) AddTerm(inner);
                    return;
                case NumberExpr n:
                    constant = NumberExpr.Combine(constant, n, (a, b) => a + b, (a, b) => a + b);
                    return;
            }
            var (c, rest) = SplitCoefficient(t);
            if (coefficients.TryGetValue(rest, out var existing))
                coefficients[rest] = NumberExpr.Combine(existing, c, (a, b) => a + b, (a, b) => a + b);
            else
            {
                coefficients[rest] = c;
                order.Add(rest);
            }
        }
        foreach (var t in terms) AddTerm(t);
        var result = new List<Expr>();
        foreach (var rest in order)
        {
            var c = coefficients[rest];
            if (c.IsZero && c.IsExact) continue;
            result.Add(c.IsOne ? rest : Product([c, rest]));
        }
        result.Sort();
        if (!(constant.IsZero && constant.IsExact)) result.Insert(0, constant);
        return result.Count switch
        {
            0 => constant,
            1 => result[0],
            _ => new SumExpr([.. result]),
        };
    }

    public static Expr Product(IEnumerable<Expr> factors)
    {
        NumberExpr coefficient = (NumberExpr)Expr.One;
        var exponents = new Dictionary<Expr, int>();
        var order = new List<Expr>();
        void AddFactor(Expr f, int power)
        {
            ArgumentNullException.ThrowIfNull(f);
            switch (f)
            {
                case ProductExpr p:
                    foreach (var inner in p.Factors) AddFactor(inner, power);
                    return;
                case NumberExpr n:
                    var np = (NumberExpr)Power(n, power);
                    coefficient = NumberExpr.Combine(coefficient, np, (a, b) => a * b, (a, b) => a * b);
                    return;
                case PowerExpr pw:
                    AddBase(pw.Base, pw.Exponent * power);
                    return;
                default:
                    AddBase(f, power);
                    return;
            }
        }
        void AddBase(Expr b, int e)
        {
            if (exponents.TryGetValue(b, out int existing)) exponents[b] = checked(existing + e);
            else
            {
                exponents[b] = e;
                order.Add(b);
            }
        }
        foreach (var f in factors) AddFactor(f, 1);
        if (coefficient.IsZero && coefficient.IsExact) return Expr.Zero;
        var result = new List<Expr>();
        foreach (var b in order)
        {
            int e = exponents[b];
            if (e == 0) continue;
            var factor = Power(b, e);
            if (factor is NumberExpr n) coefficient = NumberExpr.Combine(coefficient, n, (x, y) => x * y, (x, y) => x * y);
            else result.Add(factor);
        }
        result.Sort();
        if (!coefficient.IsOne || result.Count == 0) result.Insert(0, coefficient);
        return result.Count == 1 ? result[0] : new ProductExpr([.. result]);
    }

    public static Expr Power(Expr b, int exponent)
    {
        if (exponent == 0) return Expr.One;
        if (exponent == 1) return b;
        switch (b)
        {
            case NumberExpr n when n.IsExact:
                if (n.IsZero && exponent < 0) throw new DivideByZeroException("0 raised to a negative power.");
                return Expr.Number(n.Exact.Pow(exponent));
            case NumberExpr n:
                return Expr.Number(Math.Pow(n.Value, exponent));
            case PowerExpr p:
                return Power(p.Base, checked(p.Exponent * exponent));
            case ProductExpr p:
                return Product(p.Factors.Select(f => Power(f, exponent)));
            default:
                return new PowerExpr(b, exponent);
        }
    }

    /// <summary>name(argument), folded where the value is known: a double argument gives the double value (when finite),
    /// an exact argument the exact value where there is one (exp 0 = 1, √(9/4) = 3/2, arcsin 1 = π/2, …), and
    /// log(exp x) = x. Nothing that holds only on part of the domain (√(x²) = x, exp(log x) = x) is applied.</summary>
    public static Expr Function(string name, Expr argument)
    {
        var info = Functions.Get(name);
        if (argument is NumberExpr n)
        {
            if (name == "sign") return Expr.Number(Math.Sign(n.Value));
            if (n.IsExact && info.ExactValue(n.Exact) is { } exact) return exact;
            if (!n.IsExact && info.Evaluate(n.Value) is var v && double.IsFinite(v)) return Expr.Number(v);
        }
        if (name == "log" && argument is FunctionExpr { Name: "exp" } e) return e.Argument;
        return new FunctionExpr(name, argument);
    }

    /// <summary>(c, rest) with the term = c·rest and c numeric.</summary>
    public static (NumberExpr Coefficient, Expr Remainder) SplitCoefficient(Expr term)
    {
        if (term is ProductExpr p && p.Factors[0] is NumberExpr c)
            return (c, p.Factors.Length == 2 ? p.Factors[1] : new ProductExpr(p.Factors.RemoveAt(0)));
        return ((NumberExpr)Expr.One, term);
    }

    /// <summary>One node of <see cref="Expr.Expand"/>: distribute a product over its sums, multiply out a power of a sum.
    /// Children are already expanded (Map works bottom-up).</summary>
    public static Expr ExpandNode(Expr e) => e switch
    {
        ProductExpr p when p.Factors.Any(f => f is SumExpr) =>
            Distribute(p.Factors.Select(f => f is SumExpr s ? s.Terms.ToArray() : [f]).ToArray()),
        PowerExpr { Base: SumExpr sum, Exponent: > 1 } pw => Distribute(Enumerable.Repeat(sum.Terms.ToArray(), pw.Exponent).ToArray()),
        _ => e,
    };

    /// <summary>Σ over one term from each list of the product of the chosen terms (none of which is a sum). With exact
    /// coefficients only, like terms are collected after each factor ((z₁ + z₂ − 1)^12: 91 terms, not 3^12); a double
    /// anywhere keeps the one final sum, so its rounding stays as it was.</summary>
    private static Expr Distribute(Expr[][] factorTerms)
    {
        bool exact = factorTerms.All(terms => terms.All(IsExact));
        IEnumerable<Expr> acc = [Expr.One];
        foreach (var terms in factorTerms)
        {
            acc = acc.SelectMany(a => terms.Select(b => Product([a, b]))).ToArray();
            if (exact && Sum(acc) is var collected) acc = collected is SumExpr s ? s.Terms : [collected];
        }
        return Sum(acc);
    }

    /// <summary>Whether no number in e is a double.</summary>
    private static bool IsExact(Expr e)
    {
        bool exact = true;
        e.VisitAll(x => exact &= x is not NumberExpr { IsExact: false });
        return exact;
    }

    public static int CompareLists(ImmutableArray<Expr> a, ImmutableArray<Expr> b)
    {
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            int c = a[i].CompareTo(b[i]);
            if (c != 0) return c;
        }
        return a.Length.CompareTo(b.Length);
    }
}
