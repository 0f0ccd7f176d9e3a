
namespace PhaseFlow.Ode.Tests;

/// <summary>Stiff test problems of the IVP test set (Mazzia and Magherini) with their analytic Jacobians.</summary>
internal static class StiffProblems
{
    /// <summary>Robertson's chemical kinetics, y(0) = (1, 0, 0).</summary>
    public static void Robertson(double t, ReadOnlySpan<double> y, Span<double> dy)
    {
        dy[0] = -0.04 * y[0] + 1e4 * y[1] * y[2];
        dy[1] = 0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] * y[1];
        dy[2] = 3e7 * y[1] * y[1];
    }

    public static void RobertsonJacobian(double t, ReadOnlySpan<double> y, MathNet.Numerics.LinearAlgebra.Matrix<double> j)
    {
        j[0, 0] = -0.04; j[0, 1] = 1e4 * y[2]; j[0, 2] = 1e4 * y[1];
        j[1, 0] = 0.04; j[1, 1] = -1e4 * y[2] - 6e7 * y[1]; j[1, 2] = -1e4 * y[1];
        j[2, 0] = 0; j[2, 1] = 6e7 * y[1]; j[2, 2] = 0;
    }

    public const double VanDerPolMu = 1000;

    /// <summary>Van der Pol, y0' = y1, y1' = μ(1 − y0²)y1 − y0 with μ = 1000, y(0) = (2, 0).</summary>
    public static void VanDerPol(double t, ReadOnlySpan<double> y, Span<double> dy)
    {
        dy[0] = y[1];
        dy[1] = VanDerPolMu * (1 - y[0] * y[0]) * y[1] - y[0];
    }

    public static void VanDerPolJacobian(double t, ReadOnlySpan<double> y, MathNet.Numerics.LinearAlgebra.Matrix<double> j)
    {
        j[0, 0] = 0; j[0, 1] = 1;
        j[1, 0] = -2 * VanDerPolMu * y[0] * y[1] - 1; j[1, 1] = VanDerPolMu * (1 - y[0] * y[0]);
    }

    public const double HiresEnd = 321.8122;
    public static readonly double[] HiresStart = [1, 0, 0, 0, 0, 0, 0, 0.0057];

    /// <summary>HIRES: eight reactions of plant physiology (Schäfer), y(0) = (1, 0, …, 0, 0.0057), to t = 321.8122.</summary>
    public static void Hires(double t, ReadOnlySpan<double> y, Span<double> dy)
    {
        dy[0] = -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007;
        dy[1] = 1.71 * y[0] - 8.75 * y[1];
        dy[2] = -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4];
        dy[3] = 8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3];
        dy[4] = -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6];
        dy[5] = -280 * y[5] * y[7] + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6];
        dy[6] = 280 * y[5] * y[7] - 1.81 * y[6];
        dy[7] = -dy[6];
    }

    public static void HiresJacobian(double t, ReadOnlySpan<double> y, MathNet.Numerics.LinearAlgebra.Matrix<double> j)
    {
        j.Clear();
        j[0, 0] = -1.71; j[0, 1] = 0.43; j[0, 2] = 8.32;
        j[1, 0] = 1.71; j[1, 1] = -8.75;
        j[2, 2] = -10.03; j[2, 3] = 0.43; j[2, 4] = 0.035;
        j[3, 1] = 8.32; j[3, 2] = 1.71; j[3, 3] = -1.12;
        j[4, 4] = -1.745; j[4, 5] = 0.43; j[4, 6] = 0.43;
        j[5, 3] = 0.69; j[5, 4] = 1.71; j[5, 5] = -280 * y[7] - 0.43; j[5, 6] = 0.69; j[5, 7] = -280 * y[5];
        j[6, 5] = 280 * y[7]; j[6, 6] = -1.81; j[6, 7] = 280 * y[5];
        j[7, 5] = -280 * y[7]; j[7, 6] = 1.81; j[7, 7] = -280 * y[5];
    }
}
