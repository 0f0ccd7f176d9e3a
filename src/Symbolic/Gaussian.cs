using System.Numerics;

namespace PhaseFlow.Symbolic;

/// <summary>Thrown when an expression handed to <see cref="Gaussian"/> is not a polynomial in the Gaussian variables:
/// a variable occurs under a function, in a negative power (a quotient) or in an index.</summary>
public sealed class NotPolynomialException(string message, Expr variable, Expr offending) : ArgumentException(message)
{
    /// <summary>The Gaussian variable that occurs where a polynomial does not allow it.</summary>
    public Expr Variable { get; } = variable;

    /// <summary>The smallest sub-expression of the expanded input that holds the variable in a non-polynomial way.</summary>
    public Expr Offending { get; } = offending;
}

/// <summary>Exact Gaussian expectations of polynomials (Isserlis/Wick). For a centred pair (z₁, z₂) with covariance
/// [[s, u], [u, s*]] and a, b ≥ 0,
/// E[z₁^a z₂^b] = Σ_{k ≤ min(a,b), a−k, b−k even} C(a,k) C(b,k) k! · u^k · (a−k−1)!! s^{(a−k)/2} · (b−k−1)!! s*^{(b−k)/2};
/// the coefficients are computed in BigInteger, so no degree overflows.</summary>
public static class Gaussian
{
    /// <summary>E[p(z₁, z₂)] for a centred Gaussian pair with Var z₁ = <paramref name="s"/>, Cov = <paramref name="u"/>,
    /// Var z₂ = <paramref name="sStar"/>: the polynomial is expanded, each monomial z₁^a z₂^b replaced by its moment,
    /// and the result returned expanded (a polynomial in s, u, s* with the input's coefficients). Coefficients may hold
    /// any expression free of z₁ and z₂.</summary>
    /// <param name="polynomial">A polynomial in <paramref name="z1"/> and <paramref name="z2"/>.</param>
    /// <param name="z1">The first Gaussian variable (a symbol or indexed symbol).</param>
    /// <param name="z2">The second Gaussian variable, distinct from the first.</param>
    /// <param name="s">Var z₁ (free of z₁, z₂).</param>
    /// <param name="u">Cov(z₁, z₂) (free of z₁, z₂).</param>
    /// <param name="sStar">Var z₂ (free of z₁, z₂).</param>
    /// <exception cref="NotPolynomialException">z₁ or z₂ occurs under a function, in a negative power or in an index.</exception>
    /// <exception cref="ArgumentException">z₁ or z₂ is not a symbol, they are equal, or a covariance entry holds one of them.</exception>
    public static Expr Expectation(Expr polynomial, Expr z1, Expr z2, Expr s, Expr u, Expr sStar)
    {
        ArgumentNullException.ThrowIfNull(polynomial);
        CheckVariable(z1, nameof(z1));
        CheckVariable(z2, nameof(z2));
        if (z1.Equals(z2)) throw new ArgumentException($"z1 and z2 are both {z1}; use Expectation(polynomial, z, variance) for one variable.", nameof(z2));
        Expr[] variables = [z1, z2];
        CheckCovariance(s, nameof(s), variables);
        CheckCovariance(u, nameof(u), variables);
        CheckCovariance(sStar, nameof(sStar), variables);
        var moments = new Dictionary<(int, int), Expr>();
        return Expect(polynomial, variables, e => moments.TryGetValue((e[0], e[1]), out var m)
            ? m
            : moments[(e[0], e[1])] = Moment(e[0], e[1], s, u, sStar));
    }

    /// <summary>E[p(z)] for z ~ N(0, <paramref name="variance"/>): E[z^n] = (n−1)!! v^{n/2} for even n, 0 for odd n.</summary>
    /// <exception cref="NotPolynomialException">z occurs under a function, in a negative power or in an index.</exception>
    /// <exception cref="ArgumentException">z is not a symbol, or the variance holds it.</exception>
    public static Expr Expectation(Expr polynomial, Expr z, Expr variance)
    {
        ArgumentNullException.ThrowIfNull(polynomial);
        CheckVariable(z, nameof(z));
        CheckCovariance(variance, nameof(variance), [z]);
        return Expect(polynomial, [z], e => Moment(e[0], variance));
    }

    /// <summary>E[z₁^a z₂^b] for the pair with covariance [[s, u], [u, s*]], expanded.</summary>
    /// <exception cref="ArgumentOutOfRangeException">a or b is negative.</exception>
    public static Expr Moment(int a, int b, Expr s, Expr u, Expr sStar)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(a);
        ArgumentOutOfRangeException.ThrowIfNegative(b);
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(u);
        ArgumentNullException.ThrowIfNull(sStar);
        if ((a + b) % 2 != 0) return Expr.Zero;
        var terms = new List<Expr>();
        var factorials = Factorials(Math.Max(a, b));
        for (int k = a % 2; k <= Math.Min(a, b); k += 2)
            terms.Add(Expr.Multiply(Expr.Number(new Rational(WickCoefficient(a, b, k, factorials), 1)),
                Expr.Pow(u, k), Expr.Pow(s, (a - k) / 2), Expr.Pow(sStar, (b - k) / 2)));
        return Expr.Add([.. terms]).Expand();
    }

    /// <summary>E[z^n] = (n−1)!! v^{n/2} for even n ≥ 0, 0 for odd n, for z ~ N(0, v).</summary>
    /// <exception cref="ArgumentOutOfRangeException">n is negative.</exception>
    public static Expr Moment(int n, Expr variance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentNullException.ThrowIfNull(variance);
        // The pair's moment with b = 0 keeps only k = 0: (n−1)!! v^{n/2}.
        return Moment(n, 0, variance, Expr.Zero, Expr.Zero);
    }

    /// <summary>C(a,k) C(b,k) k! (a−k−1)!! (b−k−1)!! = a! b! / (k! · 2^m m! · 2^n n!), m = (a−k)/2, n = (b−k)/2, since
    /// (2m−1)!!/(2m)! = 1/(2^m m!).</summary>
    private static BigInteger WickCoefficient(int a, int b, int k, BigInteger[] factorial)
    {
        int m = (a - k) / 2, n = (b - k) / 2;
        return factorial[a] * factorial[b] / (factorial[k] * factorial[m] * factorial[n] * (BigInteger.One << (m + n)));
    }

    /// <summary>0!, 1!, …, n! exactly.</summary>
    private static BigInteger[] Factorials(int n)
    {
        var f = new BigInteger[n + 1];
        f[0] = BigInteger.One;
        for (int i = 1; i <= n; i++) f[i] = f[i - 1] * i;
        return f;
    }

    /// <summary>Σ over the monomials c·Π zᵢ^{eᵢ} of the expanded polynomial of c·moment(e).</summary>
    private static Expr Expect(Expr polynomial, Expr[] variables, Func<int[], Expr> moment)
    {
        var expanded = polynomial.Expand();
        var terms = expanded is SumExpr sum ? sum.Terms.ToArray() : [expanded];
        var result = new List<Expr>(terms.Length);
        foreach (var term in terms)
        {
            var exponents = new int[variables.Length];
            var coefficient = new List<Expr>();
            foreach (var factor in term is ProductExpr p ? p.Factors.ToArray() : [term])
            {
                var (b, e) = Expr.BaseAndExponent(factor);
                int i = Array.IndexOf(variables, b);
                if (i >= 0 && e > 0) exponents[i] = checked(exponents[i] + e);
                else
                {
                    RefuseIfHolds(factor, variables, polynomial);
                    coefficient.Add(factor);
                }
            }
            result.Add(Expr.Multiply([.. coefficient, moment(exponents)]));
        }
        return Expr.Add([.. result]).Expand();
    }

    /// <summary>Throws if a factor that is not a positive power of a variable still holds one, naming the outermost
    /// non-polynomial node (function, negative power, index) that holds it.</summary>
    private static void RefuseIfHolds(Expr factor, Expr[] variables, Expr polynomial)
    {
        foreach (var z in variables)
        {
            Expr? where = null;
            factor.VisitAll(e => { if (where is null && IsNonPolynomialNode(e, z)) where = e; });
            if (where is null) continue;
            string why = where switch
            {
                FunctionExpr f => $"inside {f.Name}( ), a function",
                PowerExpr => "in a negative power (a quotient)",
                _ => "in an index",
            };
            throw new NotPolynomialException(
                $"A Gaussian expectation needs a polynomial in {string.Join(" and ", variables.Select(v => v.ToString()))}: {z} occurs {why}, in {where}, " +
                $"in {polynomial}.", z, where);
        }
    }

    private static bool Holds(Expr e, Expr z)
    {
        bool found = false;
        e.VisitAll(x => found |= x.Equals(z));
        return found;
    }

    /// <summary>Whether e is a function, a negative power or an indexed symbol that holds z.</summary>
    private static bool IsNonPolynomialNode(Expr e, Expr z) => e switch
    {
        FunctionExpr or PowerExpr { Exponent: < 0 } => Holds(e, z),
        IndexedExpr ix => Holds(ix.Index, z),
        _ => false,
    };

    private static void CheckVariable(Expr z, string name)
    {
        ArgumentNullException.ThrowIfNull(z, name);
        if (z is not (SymbolExpr or IndexedExpr)) throw new ArgumentException($"{name} = {z} is not a symbol.", name);
    }

    private static void CheckCovariance(Expr entry, string name, Expr[] variables)
    {
        ArgumentNullException.ThrowIfNull(entry, name);
        foreach (var z in variables)
            if (Holds(entry, z)) throw new ArgumentException($"{name} = {entry} holds the Gaussian variable {z}.", name);
    }
}
