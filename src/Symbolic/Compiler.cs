using System.Reflection;
using LinqExpr = System.Linq.Expressions.Expression;
using ParamExpr = System.Linq.Expressions.ParameterExpression;

namespace PhaseFlow.Symbolic;

/// <summary>A system of expressions compiled to one delegate: y = f(x), with common subexpressions computed once.</summary>
public sealed class CompiledSystem
{
    private readonly Action<double[], double[]> _evaluate;

    internal CompiledSystem(Action<double[], double[]> evaluate, int inputs, int outputs, int temporaries)
    {
        _evaluate = evaluate;
        InputCount = inputs;
        OutputCount = outputs;
        CommonSubexpressions = temporaries;
    }

    /// <summary>Number of inputs (length of x).</summary>
    public int InputCount { get; }

    /// <summary>Number of outputs (length of y).</summary>
    public int OutputCount { get; }

    /// <summary>How many repeated subexpressions are computed once and reused.</summary>
    public int CommonSubexpressions { get; }

    /// <summary>Writes the outputs for inputs <paramref name="x"/> into <paramref name="y"/>; allocates nothing.</summary>
    public void Evaluate(double[] x, double[] y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Length < InputCount) throw new ArgumentException($"x needs {InputCount} entries, got {x.Length}.", nameof(x));
        if (y.Length < OutputCount) throw new ArgumentException($"y needs {OutputCount} entries, got {y.Length}.", nameof(y));
        _evaluate(x, y);
    }
}

/// <summary>Compiles expressions to delegates through System.Linq.Expressions.</summary>
public static class Compiler
{
    private static readonly MethodInfo PowMethod = typeof(Math).GetMethod(nameof(Math.Pow), [typeof(double), typeof(double)])!;

    private static readonly MethodInfo ClearMethod = typeof(Array).GetMethod(nameof(Array.Clear), [typeof(Array)])!;

    /// <summary>Compiles <paramref name="outputs"/> as functions of <paramref name="inputs"/> (symbols or indexed symbols,
    /// in the order of the x array). Every free symbol must be an input.</summary>
    /// <exception cref="ArgumentException">A free symbol is not among the inputs, or an input is not a symbol.</exception>
    public static CompiledSystem Compile(IReadOnlyList<Expr> outputs, IReadOnlyList<Expr> inputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(inputs);
        var index = new Dictionary<Expr, int>();
        for (int i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is not (SymbolExpr or IndexedExpr)) throw new ArgumentException($"inputs[{i}] = {inputs[i]} is not a symbol.", nameof(inputs));
            if (!index.TryAdd(inputs[i], i)) throw new ArgumentException($"inputs[{i}] = {inputs[i]} appears twice.", nameof(inputs));
        }
        foreach (var o in outputs)
            foreach (var s in Leaves(o))
                if (!index.ContainsKey(s))
                    throw new ArgumentException($"{s} occurs in an output but is not an input.", nameof(inputs));

        // Count how often each compound subexpression occurs across all outputs.
        var counts = new Dictionary<Expr, int>();
        foreach (var o in outputs) Count(o, counts);

        var x = LinqExpr.Parameter(typeof(double[]), "x");
        var y = LinqExpr.Parameter(typeof(double[]), "y");
        var temps = new Dictionary<Expr, ParamExpr>();
        var body = new List<LinqExpr>();
        var variables = new List<ParamExpr>();

        LinqExpr Emit(Expr e)
        {
            if (temps.TryGetValue(e, out var t)) return t;
            LinqExpr code = e switch
            {
                NumberExpr n => LinqExpr.Constant(n.Value),
                ConstantExpr k => LinqExpr.Constant(k.Value),
                SymbolExpr or IndexedExpr => LinqExpr.ArrayIndex(x, LinqExpr.Constant(index[e])),
                SumExpr s => s.Terms.Select(Emit).Aggregate(LinqExpr.Add),
                ProductExpr p => p.Factors.Select(Emit).Aggregate(LinqExpr.Multiply),
                PowerExpr pw => EmitPower(Emit(pw.Base), pw.Exponent),
                FunctionExpr f => LinqExpr.Call(f.Info.Method, Emit(f.Argument)),
                _ => throw new NotSupportedException(e.GetType().Name),
            };
            if (counts.TryGetValue(e, out int c) && c > 1 && e is not (NumberExpr or ConstantExpr or SymbolExpr or IndexedExpr))
            {
                var v = LinqExpr.Variable(typeof(double), $"t{variables.Count}");
                variables.Add(v);
                body.Add(LinqExpr.Assign(v, code));
                temps[e] = v;
                return v;
            }
            return code;
        }

        // Sparse outputs (Jacobians): clear y once instead of assigning each structural zero.
        bool clear = outputs.Count(o => o.Equals(Expr.Zero)) > 16;
        if (clear) body.Add(LinqExpr.Call(ClearMethod, y));
        for (int i = 0; i < outputs.Count; i++)
        {
            if (clear && outputs[i].Equals(Expr.Zero)) continue;
            var value = Emit(outputs[i]);
            body.Add(LinqExpr.Assign(LinqExpr.ArrayAccess(y, LinqExpr.Constant(i)), value));
        }
        body.Add(LinqExpr.Empty());
        var lambda = LinqExpr.Lambda<Action<double[], double[]>>(LinqExpr.Block(variables, body), x, y);
        return new CompiledSystem(lambda.Compile(), inputs.Count, outputs.Count, variables.Count);
    }

    /// <summary>Compiles a system f(x) together with its symbolic Jacobian, flattened row by row after the n values.</summary>
    public static CompiledSystem CompileWithJacobian(IReadOnlyList<Expr> system, IReadOnlyList<Expr> variables)
    {
        var j = Calculus.Jacobian(system, variables);
        var all = new List<Expr>(system);
        for (int r = 0; r < system.Count; r++)
            for (int c = 0; c < variables.Count; c++) all.Add(j[r, c]);
        return Compile(all, variables);
    }


    /// <summary>The symbols and indexed symbols an evaluation reads (an index such as k in s[k+1] is part of the name).</summary>
    private static IEnumerable<Expr> Leaves(Expr e) => e switch
    {
        SymbolExpr or IndexedExpr => [e],
        SumExpr s => s.Terms.SelectMany(Leaves),
        ProductExpr p => p.Factors.SelectMany(Leaves),
        PowerExpr pw => Leaves(pw.Base),
        FunctionExpr f => Leaves(f.Argument),
        _ => [],
    };

    private static void Count(Expr e, Dictionary<Expr, int> counts)
    {
        if (e is NumberExpr or ConstantExpr or SymbolExpr or IndexedExpr) return;
        counts[e] = counts.GetValueOrDefault(e) + 1;
        if (counts[e] > 1) return; // its children were counted the first time
        switch (e)
        {
            case SumExpr s: foreach (var t in s.Terms) Count(t, counts); break;
            case ProductExpr p: foreach (var f in p.Factors) Count(f, counts); break;
            case PowerExpr pw: Count(pw.Base, counts); break;
            case FunctionExpr f: Count(f.Argument, counts); break;
        }
    }

    /// <summary>Integer powers by repeated squaring (exact for small exponents, no Math.Pow call).</summary>
    private static LinqExpr EmitPower(LinqExpr b, int exponent)
    {
        if (Math.Abs(exponent) > 64) return LinqExpr.Call(PowMethod, b, LinqExpr.Constant((double)exponent));
        var v = LinqExpr.Variable(typeof(double), "b");
        var result = default(LinqExpr);
        LinqExpr square = v;
        var block = new List<LinqExpr> { LinqExpr.Assign(v, b) };
        int k = Math.Abs(exponent);
        while (k > 0)
        {
            if ((k & 1) == 1) result = result is null ? square : LinqExpr.Multiply(result, square);
            k >>= 1;
            if (k > 0)
            {
                var next = LinqExpr.Variable(typeof(double), "b2");
                block.Add(LinqExpr.Assign(next, LinqExpr.Multiply(square, square)));
                square = next;
            }
        }
        var value = exponent < 0 ? LinqExpr.Divide(LinqExpr.Constant(1.0), result!) : result!;
        block.Add(value);
        var locals = block.OfType<System.Linq.Expressions.BinaryExpression>()
            .Where(a => a.NodeType == System.Linq.Expressions.ExpressionType.Assign)
            .Select(a => (ParamExpr)a.Left).ToArray();
        return LinqExpr.Block(typeof(double), locals, block);
    }
}
