using System.Globalization;
using System.Numerics;

namespace PhaseFlow.Symbolic;

/// <summary>An exact rational p/q in lowest terms with q &gt; 0.</summary>
public readonly struct Rational : IEquatable<Rational>, IComparable<Rational>
{
    /// <summary>Creates p/q, reduced.</summary>
    /// <exception cref="DivideByZeroException">q = 0.</exception>
    public Rational(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero) throw new DivideByZeroException("A rational needs a non-zero denominator.");
        if (denominator.Sign < 0) { numerator = -numerator; denominator = -denominator; }
        var g = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (!g.IsOne && !g.IsZero) { numerator /= g; denominator /= g; }
        Numerator = numerator;
        _denominator = numerator.IsZero ? BigInteger.One : denominator;
    }

    // default(Rational) is 0: a zero field stands for the denominator 1.
    private readonly BigInteger _denominator;

    /// <summary>Numerator.</summary>
    public BigInteger Numerator { get; }

    /// <summary>Denominator (&gt; 0).</summary>
    public BigInteger Denominator => _denominator.IsZero ? BigInteger.One : _denominator;

    /// <summary>0.</summary>
    public static Rational Zero => new(0, 1);

    /// <summary>1.</summary>
    public static Rational One => new(1, 1);

    /// <summary>Whether the value is an integer.</summary>
    public bool IsInteger => Denominator.IsOne;

    /// <summary>Sign: −1, 0 or 1.</summary>
    public int Sign => Numerator.Sign;

    /// <summary>Nearest double.</summary>
    public double ToDouble() => (double)Numerator / (double)Denominator is var d && double.IsFinite(d)
        ? d
        : Math.Exp(BigInteger.Log(BigInteger.Abs(Numerator)) - BigInteger.Log(Denominator)) * Sign;

    /// <summary>Sum.</summary>
    public static Rational operator +(Rational a, Rational b) =>
        new(a.Numerator * b.Denominator + b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    /// <summary>Difference.</summary>
    public static Rational operator -(Rational a, Rational b) => a + (-b);

    /// <summary>Negation.</summary>
    public static Rational operator -(Rational a) => new(-a.Numerator, a.Denominator);

    /// <summary>Product.</summary>
    public static Rational operator *(Rational a, Rational b) => new(a.Numerator * b.Numerator, a.Denominator * b.Denominator);

    /// <summary>Quotient.</summary>
    public static Rational operator /(Rational a, Rational b) => new(a.Numerator * b.Denominator, a.Denominator * b.Numerator);

    /// <summary>Integer power (negative exponents invert).</summary>
    public Rational Pow(int exponent) => exponent >= 0
        ? new(BigInteger.Pow(Numerator, exponent), BigInteger.Pow(Denominator, exponent))
        : new(BigInteger.Pow(Denominator, -exponent), BigInteger.Pow(Numerator, -exponent));

    /// <summary>An integer.</summary>
    public static implicit operator Rational(long value) => new(value, 1);

    /// <inheritdoc />
    public bool Equals(Rational other) => Numerator == other.Numerator && Denominator == other.Denominator;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Rational r && Equals(r);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Numerator, Denominator);

    /// <inheritdoc />
    public int CompareTo(Rational other) => (Numerator * other.Denominator).CompareTo(other.Numerator * Denominator);

    /// <summary>"p" or "p/q".</summary>
    public override string ToString() => IsInteger
        ? Numerator.ToString(CultureInfo.InvariantCulture)
        : $"{Numerator.ToString(CultureInfo.InvariantCulture)}/{Denominator.ToString(CultureInfo.InvariantCulture)}";
}
