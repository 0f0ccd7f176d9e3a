using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using PhaseFlow.Foundation;
using PhaseFlow.Symbolic;

namespace PhaseFlow.Hierarchy;

/// <summary>How a hierarchy truncated at order K supplies the first missing moments s^(K+1) and u^(K+1).</summary>
public abstract record HierarchyClosure
{
    private protected HierarchyClosure() { }

    /// <summary>s^(K+1) = u^(K+1) = 0.</summary>
    public static HierarchyClosure Zero { get; } = new ZeroClosure();

    /// <summary>x^(K+1) = r·x^(K) (top-eigenvalue dominance); <paramref name="ratio"/> r defaults to λ_1, the constants' scale.</summary>
    public static HierarchyClosure Geometric(double? ratio = null)
    {
        // r multiplies the top equations by up to 16: r = 1e308 printed "Infinity.0*s[3]" and integrated nothing.
        if (ratio is { } r && !(r > 0 && r <= 1e300))
            throw new InvalidParameterException("ratio", "in (0, 1e300]", r.ToString("R", CultureInfo.InvariantCulture));
        return new GeometricClosure(ratio);
    }

    /// <summary>The exact closure when Q has r ≤ K + 1 distinct eigenvalues μ_i: the minimal polynomial
    /// Q^r = Σ_{j&lt;r} c_j Q^j gives x^(K+1) = Σ_j c_j x^(K+1−r+j) for s, u alike (the order-0 statistics wᵀw and wᵀw*
    /// obey the same hierarchy, so K = r − 1 suffices). Refused when the Vandermonde matrix of the scaled eigenvalues is
    /// so ill-conditioned (κ·ε &gt; <see cref="DefaultRoundingLimit"/>) that rounding would be amplified beyond use.</summary>
    public static HierarchyClosure Exact { get; } = new ExactClosure(DefaultRoundingLimit);

    /// <summary>Default limit on the exact closure's rounding estimate κ·ε.</summary>
    public const double DefaultRoundingLimit = 1e-3;

    /// <summary>The exact closure with another limit on κ·ε, the condition number of the scaled eigenvalues' Vandermonde
    /// matrix times machine epsilon (measured: the deviation from the direct flow stays below about κ·ε, and is set by
    /// the tolerance while κ·ε is smaller). In (0, 1).</summary>
    public static HierarchyClosure ExactWithLimit(double roundingLimit)
    {
        if (!(roundingLimit > 0 && roundingLimit < 1))
            throw new InvalidParameterException("roundingLimit", "in (0, 1)", roundingLimit.ToString("R", CultureInfo.InvariantCulture));
        return new ExactClosure(roundingLimit);
    }

    /// <summary>A closure of your own: <paramref name="sNext"/> and <paramref name="uNext"/> give s^(K+1) and u^(K+1) in
    /// terms of s[0..K], u[0..K] and the constants s_star[k] (e.g. <c>Expr.Parse("2*s[3] - s[2]")</c>).</summary>
    public static HierarchyClosure Custom(Expr sNext, Expr uNext, string name = "custom")
    {
        ArgumentNullException.ThrowIfNull(sNext);
        ArgumentNullException.ThrowIfNull(uNext);
        if (string.IsNullOrWhiteSpace(name)) throw new InvalidParameterException("name", "a non-empty name", "\"\"");
        return new CustomClosure(sNext, uNext, name);
    }

    /// <summary>Short name for reports: zero, geometric, exact or the custom name.</summary>
    public abstract string Name { get; }

    /// <summary>The closing expressions for order <paramref name="order"/> (in unscaled moments), with the constants when
    /// known; symbolic coefficients otherwise.</summary>
    internal abstract ClosureForm Close(int order, HierarchyConstants? constants);

    /// <inheritdoc />
    public override string ToString() => Name;

    private sealed record ZeroClosure : HierarchyClosure
    {
        public override string Name => "zero";

        internal override ClosureForm Close(int order, HierarchyConstants? constants) => new(Expr.Zero, Expr.Zero, null, null);
    }

    private sealed record GeometricClosure(double? Ratio) : HierarchyClosure
    {
        public override string Name => "geometric";

        internal override ClosureForm Close(int order, HierarchyConstants? constants)
        {
            Expr r = Ratio is { } given ? Expr.Number(given) : constants is not null ? Expr.Number(constants.Scale) : Expr.Symbol("r");
            return new(r * HierarchySymbols.S(order), r * HierarchySymbols.U(order), null, null);
        }
    }

    private sealed record ExactClosure(double RoundingLimit) : HierarchyClosure
    {
        public override string Name => "exact";

        internal override ClosureForm Close(int order, HierarchyConstants? constants)
        {
            if (constants is null)
            {
                // Printing only: the general form with r = K + 1 and symbolic coefficients c[j].
                Expr s = Expr.Zero, u = Expr.Zero;
                for (int j = 0; j <= order; j++)
                {
                    s += Expr.Indexed("c", j) * HierarchySymbols.S(j);
                    u += Expr.Indexed("c", j) * HierarchySymbols.U(j);
                }
                return new(s, u, null, null);
            }
            var nodes = constants.DistinctEigenvalues
                ?? throw new InvalidParameterException("closure", "zero, geometric or custom when the eigenvalues of Q are not known (exact needs them)", "exact");
            int r = nodes.Count;
            if (r > order + 1)
                throw new InvalidParameterException("order",
                    $">= r - 1 = {r - 1} for the exact closure over the r = {r} distinct eigenvalues of Q (or use the geometric closure)",
                    order.ToString(CultureInfo.InvariantCulture));
            double rho = constants.Scale;
            var scaled = nodes.Select(m => m / rho).ToArray();
            double[] c = MinimalPolynomial(scaled);
            double condition = Matrix<double>.Build.Dense(r, r, (i, j) => Math.Pow(scaled[i], j)).ConditionNumber();
            if (!(condition * Epsilon <= RoundingLimit))
                throw new InvalidParameterException("closure",
                    $"well conditioned: the exact closure over the r = {r} distinct eigenvalues of Q has a Vandermonde condition number " +
                    $"κ = {condition:G3}, so rounding alone may grow to κ·ε = {condition * Epsilon:G3} (limit {RoundingLimit:G3}); " +
                    "group nearby eigenvalues, or use the geometric closure or the spectral-node reduction",
                    "exact");
            Expr sTop = Expr.Zero, uTop = Expr.Zero;
            for (int j = 0; j < r; j++)
            {
                // Unscaled: x^(K+1) = Σ c_j ρ^{r−j} x^(K+1−r+j).
                var coefficient = Expr.Number(c[j] * Math.Pow(rho, r - j));
                sTop += coefficient * HierarchySymbols.S(order + 1 - r + j);
                uTop += coefficient * HierarchySymbols.U(order + 1 - r + j);
            }
            return new(sTop, uTop, condition, r);
        }

        private const double Epsilon = 2.220446049250313e-16;

        /// <summary>c_j with Π(x − ν_i) = x^r − Σ_{j&lt;r} c_j x^j.</summary>
        private static double[] MinimalPolynomial(double[] roots)
        {
            // p holds the monic product's coefficients, lowest degree first.
            var p = new double[roots.Length + 1];
            p[0] = 1;
            int degree = 0;
            foreach (double root in roots)
            {
                for (int j = degree + 1; j >= 1; j--) p[j] = p[j - 1] - root * p[j];
                p[0] = -root * p[0];
                degree++;
            }
            return p.Take(roots.Length).Select(x => -x).ToArray();
        }
    }

    private sealed record CustomClosure(Expr SNext, Expr UNext, string CustomName) : HierarchyClosure
    {
        public override string Name => CustomName;

        internal override ClosureForm Close(int order, HierarchyConstants? constants) => new(SNext, UNext, null, null);
    }
}

/// <summary>Closing expressions; for the exact closure, the Vandermonde condition number and the node count.</summary>
internal sealed record ClosureForm(Expr SNext, Expr UNext, double? ConditionNumber, int? Nodes);
