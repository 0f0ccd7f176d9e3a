using System.Collections.Immutable;
using System.Globalization;

namespace PhaseFlow.Symbolic;

/// <summary>An immutable symbolic expression, always held in canonical form: the constructors flatten, sort, fold
/// constants and collect like terms and powers, so structurally equal expressions are equal (<see cref="Equals(Expr?)"/>)
/// and hash alike. Exact rationals stay exact; a double anywhere makes its result a double.</summary>
public abstract partial class Expr : IEquatable<Expr>, IComparable<Expr>
{
    private protected Expr() { }

    /// <summary>Rank of the node kind in the canonical order.</summary>
    private protected abstract int KindRank { get; }

    /// <summary>Exact 0.</summary>
    public static Expr Zero { get; } = new NumberExpr(Rational.Zero);

    /// <summary>Exact 1.</summary>
    public static Expr One { get; } = new NumberExpr(Rational.One);

    /// <summary>An exact rational constant.</summary>
    public static Expr Number(Rational value) => new NumberExpr(value);

    /// <summary>An exact integer constant.</summary>
    public static Expr Number(long value) => new NumberExpr(new Rational(value, 1));

    /// <summary>A floating-point constant (finite).</summary>
    public static Expr Number(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "A constant must be finite.");
        return new NumberExpr(value);
    }

    /// <summary>A named symbol: a letter or '_' followed by letters, digits or '_'.</summary>
    public static Expr Symbol(string name) => new SymbolExpr(CheckName(name));

    /// <summary>An indexed symbol <c>name[index]</c>, e.g. <c>s[3]</c> or <c>u[k+1]</c>.</summary>
    public static Expr Indexed(string name, Expr index) => new IndexedExpr(CheckName(name), index ?? throw new ArgumentNullException(nameof(index)));

    /// <summary>An indexed symbol with an integer index.</summary>
    public static Expr Indexed(string name, int index) => Indexed(name, Number(index));

    /// <summary>Sum of the terms, canonical.</summary>
    public static Expr Add(params Expr[] terms) => Canonical.Sum(terms);

    /// <summary>Product of the factors, canonical.</summary>
    public static Expr Multiply(params Expr[] factors) => Canonical.Product(factors);

    /// <summary><paramref name="b"/> to the integer power <paramref name="exponent"/>, canonical.</summary>
    public static Expr Pow(Expr b, int exponent) => Canonical.Power(b ?? throw new ArgumentNullException(nameof(b)), exponent);

    /// <summary>e^x.</summary>
    public static Expr Exp(Expr x) => Canonical.Function("exp", x ?? throw new ArgumentNullException(nameof(x)));

    /// <summary>sign(x) ∈ {−1, 0, 1}.</summary>
    public static Expr Sign(Expr x) => Canonical.Function("sign", x ?? throw new ArgumentNullException(nameof(x)));

    /// <summary>√x (the non-negative root; exact for the square of a rational).</summary>
    public static Expr Sqrt(Expr x) => Canonical.Function("sqrt", x ?? throw new ArgumentNullException(nameof(x)));

    /// <summary>arcsin x ∈ [−π/2, π/2], for x ∈ [−1, 1]; text form <c>asin(x)</c>.</summary>
    public static Expr Asin(Expr x) => Canonical.Function("asin", x ?? throw new ArgumentNullException(nameof(x)));

    /// <summary>arccos x ∈ [0, π], for x ∈ [−1, 1]; text form <c>acos(x)</c>.</summary>
    public static Expr Acos(Expr x) => Canonical.Function("acos", x ?? throw new ArgumentNullException(nameof(x)));

    /// <summary>The error function erf x = (2/√π) ∫₀ˣ e^{−t²} dt.</summary>
    public static Expr Erf(Expr x) => Canonical.Function("erf", x ?? throw new ArgumentNullException(nameof(x)));

    /// <summary>tanh x.</summary>
    public static Expr Tanh(Expr x) => Canonical.Function("tanh", x ?? throw new ArgumentNullException(nameof(x)));

    /// <summary>The natural logarithm ln x, for x &gt; 0; text form <c>log(x)</c>.</summary>
    public static Expr Log(Expr x) => Canonical.Function("log", x ?? throw new ArgumentNullException(nameof(x)));

    /// <summary>The constant π, exact: text <c>pi</c>, LaTeX <c>\pi</c>, compiled as <see cref="Math.PI"/>.</summary>
    public static Expr Pi { get; } = new ConstantExpr("pi", Math.PI);

    /// <summary>Sum.</summary>
    public static Expr operator +(Expr a, Expr b) => Add(a, b);

    /// <summary>Difference.</summary>
    public static Expr operator -(Expr a, Expr b) => Add(a, Multiply(Number(-1), b));

    /// <summary>Negation.</summary>
    public static Expr operator -(Expr a) => Multiply(Number(-1), a);

    /// <summary>Product.</summary>
    public static Expr operator *(Expr a, Expr b) => Multiply(a, b);

    /// <summary>Quotient a·b⁻¹.</summary>
    public static Expr operator /(Expr a, Expr b) => Multiply(a, Pow(b, -1));

    /// <summary>An exact integer constant.</summary>
    public static implicit operator Expr(int value) => Number(value);

    /// <summary>A floating-point constant.</summary>
    public static implicit operator Expr(double value) => Number(value);

    /// <summary>Rebuilds the expression through the canonical constructors (idempotent: canonical input comes back equal).</summary>
    public Expr Simplify() => Map(e => e);

    /// <summary>Rebuilds bottom-up, replacing every node the map changes (the map sees already rebuilt children).</summary>
    public abstract Expr Map(Func<Expr, Expr> map);

    /// <summary>Replaces symbols (or any sub-expression equal to a key) by the mapped expressions.</summary>
    public Expr Substitute(IReadOnlyDictionary<Expr, Expr> replacements)
    {
        ArgumentNullException.ThrowIfNull(replacements);
        return Map(e => replacements.TryGetValue(e, out var r) ? r : e);
    }

    /// <summary>Numerical value, with <paramref name="symbols"/> giving each named symbol and <paramref name="indexed"/>
    /// each indexed symbol (name and integer index).</summary>
    public abstract double Evaluate(Func<string, double> symbols, Func<string, int, double>? indexed = null);

    /// <summary>Derivative with respect to a symbol or an indexed symbol.</summary>
    public Expr Differentiate(Expr variable)
    {
        if (variable is not (SymbolExpr or IndexedExpr)) throw new ArgumentException("Differentiate with respect to a symbol or an indexed symbol.", nameof(variable));
        return Derivative(variable);
    }

    private protected abstract Expr Derivative(Expr variable);

    internal Expr DerivativeOf(Expr variable) => Derivative(variable);

    internal void VisitAll(Action<Expr> action) => Visit(action);

    /// <summary>Products distributed over sums and integer powers of sums multiplied out, canonical.</summary>
    public Expr Expand() => Map(Canonical.ExpandNode);

    /// <summary>Every symbol and indexed symbol that occurs, in canonical order.</summary>
    public IReadOnlyList<Expr> FreeSymbols()
    {
        var set = new SortedSet<Expr>();
        Visit(e => { if (e is SymbolExpr or IndexedExpr) set.Add(e); });
        return set.ToArray();
    }

    private protected abstract void Visit(Action<Expr> action);

    /// <inheritdoc />
    public abstract bool Equals(Expr? other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Expr e && Equals(e);

    /// <inheritdoc />
    public abstract override int GetHashCode();

    /// <summary>The canonical total order: kinds first, then contents.</summary>
    public int CompareTo(Expr? other)
    {
        if (other is null) return 1;
        // A power sorts with its base so that x^2*y prints in that order.
        var (ba, ea) = BaseAndExponent(this);
        var (bb, eb) = BaseAndExponent(other);
        if (!ReferenceEquals(ba, this) || !ReferenceEquals(bb, other))
        {
            int c = ba.CompareTo(bb);
            return c != 0 ? c : ea.CompareTo(eb);
        }
        return KindRank != other.KindRank ? KindRank.CompareTo(other.KindRank) : CompareSameKind(other);
    }

    private protected abstract int CompareSameKind(Expr other);

    internal static (Expr Base, int Exponent) BaseAndExponent(Expr e) => e is PowerExpr p ? (p.Base, p.Exponent) : (e, 1);

    /// <summary>Readable text that <see cref="Parse"/> reads back to an equal expression.</summary>
    public override string ToString() => Printer.Text(this);

    /// <summary>LaTeX, ready for documentation.</summary>
    public string ToLatex() => Printer.Latex(this);

    private static string CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_') || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw new ArgumentException($"'{name}' is not a symbol name (a letter or '_' followed by letters, digits or '_').", nameof(name));
        if (Functions.IsReserved(name)) throw new ArgumentException($"'{name}' is the name of a function or constant.", nameof(name));
        return name;
    }

    internal static string Format(double value)
    {
        string s = value.ToString("R", CultureInfo.InvariantCulture);
        return s.Contains('.') || s.Contains('E') ? s : s + ".0";
    }
}
