
namespace PhaseFlow.Volterra.Tests;

/// <summary>A problem with its exact solution u(t) (length n).</summary>
public sealed record ClosedForm(string Name, VolterraProblem Problem, Action<double, double[]> Exact)
{
    public override string ToString() => Name;

    /// <summary>max over the grid and components of |u_i − u(t_i)|.</summary>
    public double MaxError(VolterraSolution solution)
    {
        var exact = new double[solution.Dimension];
        double error = 0;
        for (int i = 0; i < solution.Times.Length; i++)
        {
            Exact(solution.Times[i], exact);
            var u = solution.At(i);
            for (int c = 0; c < exact.Length; c++) error = Math.Max(error, Math.Abs(u[c] - exact[c]));
        }
        return error;
    }
}

public static class ClosedForms
{
    private static void One(double t, Span<double> f) => f.Fill(1);

    /// <summary>u = 1 + ∫_0^t u → e^t, as a general kernel.</summary>
    public static ClosedForm ExponentialGeneral(double tEnd = 2) => new("u = 1 + ∫u (general)",
        new VolterraProblem(One, new GeneralKernel(1, (t, s, u, k) => k[0] = u[0], (t, s, u, j) => j[0] = 1), tEnd),
        (t, u) => u[0] = Math.Exp(t));

    /// <summary>u = 1 + λ∫(t − τ)u → cosh(√λ t) (λ &gt; 0) or cos(√−λ t).</summary>
    public static ClosedForm Cosh(double lambda, double tEnd = 2) => new($"u = 1 + {lambda}∫(t−τ)u",
        new VolterraProblem(One, ConvolutionKernel.Scalar(x => lambda * x), tEnd),
        (t, u) => u[0] = lambda > 0 ? Math.Cosh(Math.Sqrt(lambda) * t) : Math.Cos(Math.Sqrt(-lambda) * t));

    /// <summary>u = u0 + ∫A u, A = [[0, 1], [−1, 0]] → rotation, as a matrix convolution kernel (K constant).</summary>
    public static ClosedForm Rotation(double tEnd = 3) => new("rotation",
        new VolterraProblem((t, f) => { f[0] = 1; f[1] = 0.5; },
            ConvolutionKernel.Matrix(2, (x, k) => { k[0] = 0; k[1] = 1; k[2] = -1; k[3] = 0; }), tEnd),
        (t, u) => { u[0] = Math.Cos(t) + 0.5 * Math.Sin(t); u[1] = -Math.Sin(t) + 0.5 * Math.Cos(t); });

    /// <summary>f(t) = cos t − ∫_0^t e^{t−τ} cos²τ dτ, so that u = cos t solves u = f + ∫ e^{t−τ} u(τ)² dτ.</summary>
    public static void ManufacturedForcing(double t, Span<double> f) =>
        f[0] = Math.Cos(t) - Math.Exp(t) * ((1 - Math.Exp(-t)) / 2 + (Math.Exp(-t) * (2 * Math.Sin(2 * t) - Math.Cos(2 * t)) + 1) / 10);

    private static void Square(double t, ReadOnlySpan<double> u, Span<double> g) => g[0] = u[0] * u[0];

    private static void SquareJacobian(double t, ReadOnlySpan<double> u, Span<double> j) => j[0] = 2 * u[0];

    public static VolterraKernel ManufacturedKernel(string kind, bool jacobian = true) => kind switch
    {
        "general" => new GeneralKernel(1, (t, s, u, k) => k[0] = Math.Exp(t - s) * u[0] * u[0],
            jacobian ? (t, s, u, j) => j[0] = 2 * Math.Exp(t - s) * u[0] : null),
        "convolution" => ConvolutionKernel.Scalar(Math.Exp, Square, jacobian ? SquareJacobian : null),
        "exponential" => new ExponentialSumKernel(1, [1.0], [1.0], t => t, Square, jacobian ? SquareJacobian : null),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>u = cos t with k = e^{t−τ} u(τ)², posed with the given kernel class.</summary>
    public static ClosedForm Manufactured(string kind, double tEnd = 2, bool jacobian = true) => new($"cos t, {kind}",
        new VolterraProblem(ManufacturedForcing, ManufacturedKernel(kind, jacobian), tEnd), (t, u) => u[0] = Math.Cos(t));

    /// <summary>u = 1 + ∫ e^{β(Θ(t) − Θ(τ))} u dτ with Θ = −c t: u' = (1 − a)u + a, a = βc, so
    /// u = (a − e^{(1−a)t})/(a − 1).</summary>
    public static ClosedForm ExponentialSum(double beta, double c, double tEnd) => new($"exp-sum β={beta} Θ=−{c}t",
        new VolterraProblem(One, new ExponentialSumKernel(1, [1.0], [beta], t => -c * t), tEnd),
        (t, u) => { double a = beta * c; u[0] = (a - Math.Exp((1 - a) * t)) / (a - 1); });
}
