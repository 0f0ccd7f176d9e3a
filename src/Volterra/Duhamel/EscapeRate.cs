using System.Globalization;
using MathNet.Numerics.RootFinding;
using PhaseFlow.Core;

namespace PhaseFlow.Volterra.Duhamel;

/// <summary>Phase I (escape) of gradient flow as the convolution equation u = a_0 + 8∫K(t−τ)u dτ with
/// K(x) = Σ λ_i² (w*_i)² e^{4λ_i x}, a_0(t) = Σ λ_i w*_i w_i(0) e^{4λ_i t} (spec §4, s ≪ s* so Θ(t) ≈ s* t). Laplace
/// transform: û(p) = â_0(p) / (1 − 8K̂(p)); the growing mode is the root ρ &gt; 4λ_top of the dispersion relation
/// 1 = 8 Σ λ_j² C_j/(ρ − 4λ_j), and u(t) ≈ c e^{ρt} with the residue c = â_0(ρ) / (8 Σ λ_j² C_j/(ρ − 4λ_j)²).</summary>
/// <remarks>Written for s* = 1 in the spec; for general s* the linearised drift is 4λ_i s*, so K(x) = Σλ_i²(w*_i)²e^{4λ_i s* x}
/// and the poles sit at 4λ_j s* (isotropic: ρ = 12λs*).</remarks>
public sealed class EscapeRate
{
    private EscapeRate(double rate, double amplitude, double sStar, double topRate)
    {
        Rate = rate;
        Amplitude = amplitude;
        SStar = sStar;
        TopRate = topRate;
    }

    /// <summary>The escape rate ρ: u grows like e^{ρt} in Phase I.</summary>
    public double Rate { get; }

    /// <summary>The residue c of u(t) ≈ c e^{ρt} (sign of the initial overlap's projection on the growing mode).</summary>
    public double Amplitude { get; }

    /// <summary>s* of the nodes (levels are relative to it).</summary>
    public double SStar { get; }

    /// <summary>4 s* λ_top, the largest pole of K̂ (ρ exceeds it).</summary>
    public double TopRate { get; }

    /// <summary>Predicted time at which |u| = <paramref name="level"/>·s* on the growing mode alone: log(level·s*/|c|)/ρ.
    /// Exact for the linear Phase I equation once the other modes have decayed relative to e^{ρt}; at levels where s is no
    /// longer small against s* the nonlinear feedback slows the escape, so use small levels (≲ 0.1) for comparisons.</summary>
    public double TimeToReach(double level)
    {
        if (!(level > 0) || !double.IsFinite(level))
            throw new InvalidParameterException("level", "finite and > 0", level.ToString("R", CultureInfo.InvariantCulture));
        return Math.Log(level * SStar / Math.Abs(Amplitude)) / Rate;
    }

    /// <summary>The growing-mode approximation c e^{ρt} of Phase I's u(t).</summary>
    public double Approximation(double t) => Amplitude * Math.Exp(Rate * t);

    /// <summary>Solves the dispersion relation on the nodes (exact or compressed) with Brent's method to relative 1e-14.</summary>
    /// <exception cref="InvalidParameterException">The teacher has no weight on any node (C_j = 0 for all j).</exception>
    public static EscapeRate Solve(SpectralNodes nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var lambda = nodes.Lambda.ToArray();
        var c = nodes.C.ToArray();
        var b = nodes.B.ToArray();
        double sStar = nodes.SStar;
        int top = Array.FindIndex(c, x => x > 0);
        if (top < 0) throw new InvalidParameterException("teacher", "non-zero on some node (C_j > 0)", "C = 0 on every node");
        double pole = 4 * sStar * lambda[top];
        // 8Σλ²C/(ρ−p_j) − 1: decreasing on (p_top, ∞), +∞ at the pole, < 0 beyond p_top + 8Σλ²C.
        double weight = 0;
        for (int j = 0; j < lambda.Length; j++) weight += lambda[j] * lambda[j] * c[j];
        double Dispersion(double rho)
        {
            double sum = 0;
            for (int j = 0; j < lambda.Length; j++) sum += lambda[j] * lambda[j] * c[j] / (rho - 4 * sStar * lambda[j]);
            return 8 * sum - 1;
        }
        // Dispersion(p_top + δ) ≥ 8λ_top²C_top/δ − 1 > 0 for δ = λ_top²C_top.
        double low = pole + lambda[top] * lambda[top] * c[top], high = pole + 8 * weight * 1.01;
        double rho = Brent.FindRoot(Dispersion, low, high, Math.Max(1e-14 * high, 1e-300), 200);
        double residueDenominator = 0, forcing = 0;
        for (int j = 0; j < lambda.Length; j++)
        {
            double gap = rho - 4 * sStar * lambda[j];
            residueDenominator += lambda[j] * lambda[j] * c[j] / (gap * gap);
            forcing += lambda[j] * b[j] / gap;
        }
        return new EscapeRate(rho, forcing / (8 * sStar * residueDenominator), sStar, pole);
    }

    /// <summary>The escape rate of a direct problem's exact nodes.</summary>
    public static EscapeRate Solve(PhaseRetrievalProblem problem) => Solve(SpectralNodes.Exact(problem));
}
