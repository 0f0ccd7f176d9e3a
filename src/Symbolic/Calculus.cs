namespace PhaseFlow.Symbolic;

/// <summary>Gradients and Jacobians of expressions and systems.</summary>
public static class Calculus
{
    /// <summary>∂f/∂x_j for each variable.</summary>
    public static Expr[] Gradient(Expr f, IReadOnlyList<Expr> variables)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(variables);
        return variables.Select(f.Differentiate).ToArray();
    }

    /// <summary>J[i, j] = ∂f_i/∂x_j.</summary>
    public static Expr[,] Jacobian(IReadOnlyList<Expr> system, IReadOnlyList<Expr> variables)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(variables);
        var j = new Expr[system.Count, variables.Count];
        for (int r = 0; r < system.Count; r++)
            for (int c = 0; c < variables.Count; c++) j[r, c] = system[r].Differentiate(variables[c]);
        return j;
    }
}
