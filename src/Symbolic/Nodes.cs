using System.Collections.Immutable;

namespace PhaseFlow.Symbolic;

/// <summary>A constant: exact rational or double.</summary>
public sealed class NumberExpr : Expr
{
    internal NumberExpr(Rational value) { Exact = value; IsExact = true; Value = value.ToDouble(); }

    internal NumberExpr(double value) { Value = value; IsExact = false; }

    /// <summary>Whether the constant is an exact rational.</summary>
    public bool IsExact { get; }

    /// <summary>The exact value (when <see cref="IsExact"/>).</summary>
    public Rational Exact { get; }

    /// <summary>The value as a double.</summary>
    public double Value { get; }

    internal bool IsZero => IsExact ? Exact.Sign == 0 : Value == 0;
    internal bool IsOne => IsExact && Exact.Equals(Rational.One);

    private protected override int KindRank => 0;
    /// <inheritdoc />
    public override Expr Map(Func<Expr, Expr> map) => map(this);
    /// <inheritdoc />
    public override double Evaluate(Func<string, double> symbols, Func<string, int, double>? indexed = null) => Value;
    private protected override Expr Derivative(Expr variable) => Zero;
    private protected override void Visit(Action<Expr> action) => action(this);
    /// <inheritdoc />
    public override bool Equals(Expr? other) => other is NumberExpr n && n.IsExact == IsExact && (IsExact ? Exact.Equals(n.Exact) : Value.Equals(n.Value));
    /// <inheritdoc />
    public override int GetHashCode() => IsExact ? Exact.GetHashCode() : Value.GetHashCode();
    private protected override int CompareSameKind(Expr other)
    {
        var n = (NumberExpr)other;
        int c = Value.CompareTo(n.Value);
        return c != 0 ? c : IsExact.CompareTo(n.IsExact);
    }

    internal static NumberExpr Combine(NumberExpr a, NumberExpr b, Func<Rational, Rational, Rational> exact, Func<double, double, double> approx) =>
        a.IsExact && b.IsExact ? new NumberExpr(exact(a.Exact, b.Exact)) : new NumberExpr(approx(a.Value, b.Value));
}

/// <summary>A named symbol.</summary>
public sealed class SymbolExpr : Expr
{
    internal SymbolExpr(string name) => Name = name;

    /// <summary>The name.</summary>
    public string Name { get; }

    private protected override int KindRank => 2;
    /// <inheritdoc />
    public override Expr Map(Func<Expr, Expr> map) => map(this);
    /// <inheritdoc />
    public override double Evaluate(Func<string, double> symbols, Func<string, int, double>? indexed = null) => symbols(Name);
    private protected override Expr Derivative(Expr variable) => Equals(variable) ? One : Zero;
    private protected override void Visit(Action<Expr> action) => action(this);
    /// <inheritdoc />
    public override bool Equals(Expr? other) => other is SymbolExpr s && s.Name == Name;
    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(1, Name);
    private protected override int CompareSameKind(Expr other) => string.CompareOrdinal(Name, ((SymbolExpr)other).Name);
}

/// <summary>An indexed symbol name[index].</summary>
public sealed class IndexedExpr : Expr
{
    internal IndexedExpr(string name, Expr index) { Name = name; Index = index; }

    /// <summary>The name.</summary>
    public string Name { get; }

    /// <summary>The index expression.</summary>
    public Expr Index { get; }

    private protected override int KindRank => 3;
    /// <inheritdoc />
    public override Expr Map(Func<Expr, Expr> map) => map(Indexed(Name, Index.Map(map)));
    /// <inheritdoc />
    public override double Evaluate(Func<string, double> symbols, Func<string, int, double>? indexed = null)
    {
        if (indexed is null) throw new InvalidOperationException($"No values were given for indexed symbols such as {this}.");
        double k = Index.Evaluate(symbols, indexed);
        if (k != Math.Round(k) || Math.Abs(k) > int.MaxValue) throw new InvalidOperationException($"The index of {this} evaluates to {k}, not an integer.");
        return indexed(Name, (int)k);
    }
    private protected override Expr Derivative(Expr variable) => Equals(variable) ? One : Zero;
    private protected override void Visit(Action<Expr> action) { action(this); Index.VisitAll(action); }
    /// <inheritdoc />
    public override bool Equals(Expr? other) => other is IndexedExpr s && s.Name == Name && s.Index.Equals(Index);
    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(2, Name, Index);
    private protected override int CompareSameKind(Expr other)
    {
        var o = (IndexedExpr)other;
        int c = string.CompareOrdinal(Name, o.Name);
        return c != 0 ? c : Index.CompareTo(o.Index);
    }
}

/// <summary>A named exact constant (π): a leaf that is not a free symbol, printed by name, evaluated and compiled as its
/// double value.</summary>
public sealed class ConstantExpr : Expr
{
    internal ConstantExpr(string name, double value) { Name = name; Value = value; }

    /// <summary>The name ("pi").</summary>
    public string Name { get; }

    /// <summary>The nearest double.</summary>
    public double Value { get; }

    private protected override int KindRank => 1;
    /// <inheritdoc />
    public override Expr Map(Func<Expr, Expr> map) => map(this);
    /// <inheritdoc />
    public override double Evaluate(Func<string, double> symbols, Func<string, int, double>? indexed = null) => Value;
    private protected override Expr Derivative(Expr variable) => Zero;
    private protected override void Visit(Action<Expr> action) => action(this);
    /// <inheritdoc />
    public override bool Equals(Expr? other) => other is ConstantExpr c && c.Name == Name;
    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(8, Name);
    private protected override int CompareSameKind(Expr other) => string.CompareOrdinal(Name, ((ConstantExpr)other).Name);
}

/// <summary>A function application: exp, sign, sqrt, asin, acos, erf, tanh or log.</summary>
public sealed class FunctionExpr : Expr
{
    internal FunctionExpr(string name, Expr argument) { Name = name; Argument = argument; }

    /// <summary>The canonical name: "exp", "sign", "sqrt", "asin", "acos", "erf", "tanh" or "log".</summary>
    public string Name { get; }

    /// <summary>The argument.</summary>
    public Expr Argument { get; }

    internal FunctionInfo Info => Functions.Get(Name);

    private protected override int KindRank => 4;
    /// <inheritdoc />
    public override Expr Map(Func<Expr, Expr> map) => map(Canonical.Function(Name, Argument.Map(map)));
    /// <inheritdoc />
    public override double Evaluate(Func<string, double> symbols, Func<string, int, double>? indexed = null) =>
        Info.Evaluate(Argument.Evaluate(symbols, indexed));
    // Chain rule: f′(x)·x′.
    private protected override Expr Derivative(Expr variable)
    {
        var inner = Argument.DerivativeOf(variable);
        return inner.Equals(Zero) ? Zero : Multiply(Info.Outer(Argument), inner);
    }
    private protected override void Visit(Action<Expr> action) { action(this); Argument.VisitAll(action); }
    /// <inheritdoc />
    public override bool Equals(Expr? other) => other is FunctionExpr f && f.Name == Name && f.Argument.Equals(Argument);
    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(3, Name, Argument);
    private protected override int CompareSameKind(Expr other)
    {
        var o = (FunctionExpr)other;
        int c = string.CompareOrdinal(Name, o.Name);
        return c != 0 ? c : Argument.CompareTo(o.Argument);
    }
}

/// <summary>base^exponent with an integer exponent ≠ 0, 1.</summary>
public sealed class PowerExpr : Expr
{
    internal PowerExpr(Expr b, int exponent) { Base = b; Exponent = exponent; }

    /// <summary>The base.</summary>
    public Expr Base { get; }

    /// <summary>The exponent.</summary>
    public int Exponent { get; }

    private protected override int KindRank => 5;
    /// <inheritdoc />
    public override Expr Map(Func<Expr, Expr> map) => map(Pow(Base.Map(map), Exponent));
    /// <inheritdoc />
    public override double Evaluate(Func<string, double> symbols, Func<string, int, double>? indexed = null) =>
        Math.Pow(Base.Evaluate(symbols, indexed), Exponent);
    private protected override Expr Derivative(Expr variable) =>
        Multiply(Number(Exponent), Pow(Base, Exponent - 1), Base.DerivativeOf(variable));
    private protected override void Visit(Action<Expr> action) { action(this); Base.VisitAll(action); }
    /// <inheritdoc />
    public override bool Equals(Expr? other) => other is PowerExpr p && p.Exponent == Exponent && p.Base.Equals(Base);
    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(4, Base, Exponent);
    private protected override int CompareSameKind(Expr other)
    {
        var o = (PowerExpr)other;
        int c = Base.CompareTo(o.Base);
        return c != 0 ? c : Exponent.CompareTo(o.Exponent);
    }
}

/// <summary>A product of at least two factors, the numeric coefficient (if not 1) first.</summary>
public sealed class ProductExpr : Expr
{
    internal ProductExpr(ImmutableArray<Expr> factors) => Factors = factors;

    /// <summary>The factors in canonical order.</summary>
    public ImmutableArray<Expr> Factors { get; }

    private protected override int KindRank => 6;
    /// <inheritdoc />
    public override Expr Map(Func<Expr, Expr> map) => map(Multiply(Factors.Select(f => f.Map(map)).ToArray()));
    /// <inheritdoc />
    public override double Evaluate(Func<string, double> symbols, Func<string, int, double>? indexed = null)
    {
        double p = 1;
        foreach (var f in Factors) p *= f.Evaluate(symbols, indexed);
        return p;
    }
    private protected override Expr Derivative(Expr variable)
    {
        var terms = new List<Expr>();
        for (int i = 0; i < Factors.Length; i++)
        {
            var d = Factors[i].DerivativeOf(variable);
            if (d.Equals(Zero)) continue;
            var rest = Factors.Select((f, j) => j == i ? d : f).ToArray();
            terms.Add(Multiply(rest));
        }
        return Add(terms.ToArray());
    }
    private protected override void Visit(Action<Expr> action) { action(this); foreach (var f in Factors) f.VisitAll(action); }
    /// <inheritdoc />
    public override bool Equals(Expr? other) => other is ProductExpr p && p.Factors.SequenceEqual(Factors);
    /// <inheritdoc />
    public override int GetHashCode() => Factors.Aggregate(5, HashCode.Combine);
    private protected override int CompareSameKind(Expr other) => Canonical.CompareLists(Factors, ((ProductExpr)other).Factors);
}

/// <summary>A sum of at least two terms, the constant (if not 0) first.</summary>
public sealed class SumExpr : Expr
{
    internal SumExpr(ImmutableArray<Expr> terms) => Terms = terms;

    /// <summary>The terms in canonical order.</summary>
    public ImmutableArray<Expr> Terms { get; }

    private protected override int KindRank => 7;
    /// <inheritdoc />
    public override Expr Map(Func<Expr, Expr> map) => map(Add(Terms.Select(t => t.Map(map)).ToArray()));
    /// <inheritdoc />
    public override double Evaluate(Func<string, double> symbols, Func<string, int, double>? indexed = null)
    {
        double s = 0;
        foreach (var t in Terms) s += t.Evaluate(symbols, indexed);
        return s;
    }
    private protected override Expr Derivative(Expr variable) => Add(Terms.Select(t => t.DerivativeOf(variable)).ToArray());
    private protected override void Visit(Action<Expr> action) { action(this); foreach (var t in Terms) t.VisitAll(action); }
    /// <inheritdoc />
    public override bool Equals(Expr? other) => other is SumExpr s && s.Terms.SequenceEqual(Terms);
    /// <inheritdoc />
    public override int GetHashCode() => Terms.Aggregate(6, HashCode.Combine);
    private protected override int CompareSameKind(Expr other) => Canonical.CompareLists(Terms, ((SumExpr)other).Terms);
}
