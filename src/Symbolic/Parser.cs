using System.Globalization;
using System.Numerics;

namespace PhaseFlow.Symbolic;

/// <summary>Thrown when text is not an expression; says where.</summary>
public sealed class ExpressionParseException(string message, int position) : FormatException(message)
{
    /// <summary>Zero-based character position of the problem.</summary>
    public int Position { get; } = position;
}

public abstract partial class Expr
{
    /// <summary>Reads the text form: numbers (integers are exact, a '.' or exponent makes a double), symbols, indexed
    /// symbols <c>s[k+1]</c>, <c>+ - * /</c>, integer powers <c>^</c>, parentheses, the constant <c>pi</c> (or <c>π</c>) and the
    /// functions <c>exp sign sqrt asin acos erf tanh log</c> (<c>arcsin</c>, <c>arccos</c> are read as asin, acos).</summary>
    /// <exception cref="ExpressionParseException">The text is not an expression.</exception>
    public static Expr Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var p = new ExpressionParser(text);
        var e = p.ParseSum();
        p.SkipSpace();
        if (!p.AtEnd) throw p.Error($"unexpected '{p.Current}'");
        return e;
    }

    private sealed class ExpressionParser(string text)
    {
        private int _pos;

        public bool AtEnd => _pos >= text.Length;
        public char Current => text[_pos];

        public ExpressionParseException Error(string what) => new($"{what} at position {_pos + 1} of \"{text}\"", _pos);

        public void SkipSpace()
        {
            while (!AtEnd && char.IsWhiteSpace(Current)) _pos++;
        }

        private bool Accept(char c)
        {
            SkipSpace();
            if (!AtEnd && Current == c) { _pos++; return true; }
            return false;
        }

        private void Expect(char c)
        {
            if (!Accept(c)) throw Error(AtEnd ? $"expected '{c}' but the text ended" : $"expected '{c}'");
        }

        public Expr ParseSum()
        {
            var result = ParseProduct();
            while (true)
            {
                if (Accept('+')) result = result + ParseProduct();
                else if (Accept('-')) result = result - ParseProduct();
                else return result;
            }
        }

        private Expr ParseProduct()
        {
            var result = ParseUnary();
            while (true)
            {
                if (Accept('*')) result = result * ParseUnary();
                else if (Accept('/')) result = result / ParseUnary();
                else return result;
            }
        }

        private Expr ParseUnary() => Accept('-') ? -ParseUnary() : Accept('+') ? ParseUnary() : ParsePower();

        private Expr ParsePower()
        {
            var b = ParseAtom();
            if (!Accept('^')) return b;
            bool negative = Accept('-');
            SkipSpace();
            int start = _pos;
            Expr exponent = Accept('(') ? ParseParenthesized() : ParseNumber();
            if (exponent is not NumberExpr { IsExact: true } n || !n.Exact.IsInteger || BigInteger.Abs(n.Exact.Numerator) > int.MaxValue)
                throw new ExpressionParseException($"exponents must be integers, at position {start + 1} of \"{text}\"", start);
            int k = (int)n.Exact.Numerator;
            return Pow(b, negative ? -k : k);
        }

        private Expr ParseParenthesized()
        {
            var e = ParseSum();
            Expect(')');
            return e;
        }

        private Expr ParseAtom()
        {
            SkipSpace();
            if (AtEnd) throw Error("expected a number, symbol or '(' but the text ended");
            char c = Current;
            if (Accept('(')) return ParseParenthesized();
            if (char.IsAsciiDigit(c) || c == '.') return ParseNumber();
            if (c == 'π') { _pos++; return Pi; }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                int start = _pos;
                while (!AtEnd && (char.IsAsciiLetterOrDigit(Current) || Current == '_')) _pos++;
                string name = text[start.._pos];
                if (Functions.TryResolve(name, out var function))
                {
                    Expect('(');
                    return Canonical.Function(function.Name, ParseParenthesized());
                }
                if (name == "pi") return Pi;
                if (Accept('['))
                {
                    var index = ParseSum();
                    Expect(']');
                    return Indexed(name, index);
                }
                return Symbol(name);
            }
            throw Error($"unexpected '{c}'");
        }

        private Expr ParseNumber()
        {
            SkipSpace();
            int start = _pos;
            while (!AtEnd && char.IsAsciiDigit(Current)) _pos++;
            bool isDouble = false;
            if (!AtEnd && Current == '.')
            {
                isDouble = true;
                _pos++;
                while (!AtEnd && char.IsAsciiDigit(Current)) _pos++;
            }
            if (!AtEnd && (Current is 'e' or 'E') && _pos + 1 < text.Length &&
                (char.IsAsciiDigit(text[_pos + 1]) || (text[_pos + 1] is '+' or '-' && _pos + 2 < text.Length && char.IsAsciiDigit(text[_pos + 2]))))
            {
                isDouble = true;
                _pos += 2;
                while (!AtEnd && char.IsAsciiDigit(Current)) _pos++;
            }
            string token = text[start.._pos];
            if (token.Length == 0 || token == ".") throw Error("expected a number");
            if (isDouble)
            {
                if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !double.IsFinite(d))
                    throw new ExpressionParseException($"'{token}' is not a finite number, at position {start + 1} of \"{text}\"", start);
                return Number(d);
            }
            return Number(new Rational(BigInteger.Parse(token, CultureInfo.InvariantCulture), 1));
        }
    }
}
