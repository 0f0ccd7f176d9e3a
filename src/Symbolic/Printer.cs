using System.Text;

namespace PhaseFlow.Symbolic;

/// <summary>Text and LaTeX printing with minimal parentheses.</summary>
internal static class Printer
{
    private const int SumLevel = 1, ProductLevel = 2, PowerLevel = 3, AtomLevel = 4;

    public static string Text(Expr e) => Print(e, latex: false);

    public static string Latex(Expr e) => Print(e, latex: true);

    private static string Print(Expr e, bool latex)
    {
        var sb = new StringBuilder();
        Write(sb, e, latex);
        return sb.ToString();
    }

    private static int Level(Expr e) => e switch
    {
        SumExpr => SumLevel,
        ProductExpr => ProductLevel,
        NumberExpr n when n.Value < 0 || (n.IsExact && !n.Exact.IsInteger) => ProductLevel,
        PowerExpr => PowerLevel,
        _ => AtomLevel,
    };

    private static void Write(StringBuilder sb, Expr e, bool latex)
    {
        switch (e)
        {
            case NumberExpr n:
                WriteNumber(sb, n, latex);
                break;
            case SymbolExpr s:
                sb.Append(latex ? LatexName(s.Name) : s.Name);
                break;
            case IndexedExpr ix:
                if (latex)
                {
                    sb.Append(LatexName(ix.Name)).Append("^{(");
                    Write(sb, ix.Index, latex);
                    sb.Append(")}");
                }
                else
                {
                    sb.Append(ix.Name).Append('[');
                    Write(sb, ix.Index, latex);
                    sb.Append(']');
                }
                break;
            case FunctionExpr f:
                sb.Append(latex ? f.Info.LatexOpen : f.Name + "(");
                Write(sb, f.Argument, latex);
                sb.Append(latex ? f.Info.LatexClose : ")");
                break;
            case ConstantExpr c:
                sb.Append(latex ? @"\" + c.Name : c.Name);
                break;
            case PowerExpr p when latex && p.Base is IndexedExpr:
                // s^{(1)} already carries a superscript: group it, {s^{(1)}}^{2}, since s^{(1)}^{2} is not valid LaTeX.
                sb.Append('{');
                Write(sb, p.Base, latex);
                sb.Append("}^{").Append(p.Exponent).Append('}');
                break;
            case PowerExpr p:
                WriteOperand(sb, p.Base, PowerLevel + 1, latex);
                if (latex) sb.Append("^{").Append(p.Exponent).Append('}');
                else sb.Append('^').Append(p.Exponent);
                break;
            case ProductExpr p:
                WriteProduct(sb, p, latex);
                break;
            case SumExpr s:
                for (int i = 0; i < s.Terms.Length; i++)
                {
                    var (c, _) = Canonical.SplitCoefficient(s.Terms[i]);
                    var term = s.Terms[i];
                    if (i > 0)
                    {
                        if (c.Value < 0 || (term is NumberExpr tn && tn.Value < 0))
                        {
                            sb.Append(" - ");
                            // −(a + b) stays a product in canonical form, so the negated term may be a sum.
                            WriteOperand(sb, Expr.Multiply(Expr.Number(-1), term), ProductLevel, latex);
                            continue;
                        }
                        sb.Append(" + ");
                    }
                    Write(sb, term, latex);
                }
                break;
        }
    }

    private static void WriteProduct(StringBuilder sb, ProductExpr p, bool latex)
    {
        var factors = p.Factors.AsEnumerable();
        if (p.Factors[0] is NumberExpr c)
        {
            if (c.IsExact && c.Exact.Equals(-Rational.One))
            {
                sb.Append('-');
                factors = factors.Skip(1);
            }
            else if (latex && c.IsExact && !c.Exact.IsInteger)
            {
                // \frac{p}{q} x
                sb.Append(c.Exact.Sign < 0 ? "-" : "").Append(@"\frac{").Append(System.Numerics.BigInteger.Abs(c.Exact.Numerator))
                  .Append("}{").Append(c.Exact.Denominator).Append('}');
                factors = factors.Skip(1);
                foreach (var f in factors) { sb.Append(' '); WriteOperand(sb, f, ProductLevel + 1, latex); }
                return;
            }
        }
        bool first = true;
        foreach (var f in factors)
        {
            if (!first) sb.Append(latex ? " " : "*");
            // The leading number may be written bare (it is first); later factors need parentheses below product level.
            if (first && f is NumberExpr) WriteNumber(sb, (NumberExpr)f, latex);
            else WriteOperand(sb, f, ProductLevel + 1, latex);
            first = false;
        }
    }

    private static void WriteOperand(StringBuilder sb, Expr e, int minimumLevel, bool latex)
    {
        bool parens = Level(e) < minimumLevel;
        if (parens) sb.Append(latex ? @"\left(" : "(");
        Write(sb, e, latex);
        if (parens) sb.Append(latex ? @"\right)" : ")");
    }

    private static void WriteNumber(StringBuilder sb, NumberExpr n, bool latex)
    {
        if (!n.IsExact) sb.Append(Expr.Format(n.Value));
        else if (latex && !n.Exact.IsInteger)
            sb.Append(n.Exact.Sign < 0 ? "-" : "").Append(@"\frac{").Append(System.Numerics.BigInteger.Abs(n.Exact.Numerator))
              .Append("}{").Append(n.Exact.Denominator).Append('}');
        else sb.Append(n.Exact.ToString());
    }

    private static string LatexName(string name)
    {
        // s_star → s_{*}; names with one trailing part after '_' become subscripts.
        int u = name.IndexOf('_');
        if (u <= 0 || u == name.Length - 1) return name;
        string head = name[..u], tail = name[(u + 1)..];
        return $"{head}_{{{(tail == "star" ? "*" : tail)}}}";
    }
}
