using System.Globalization;
using MathNet.Numerics.RootFinding;
using PhaseFlow.Core;
using PhaseFlow.Foundation;

namespace PhaseFlow.Duhamel;

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
    /// longer small against s* the nonlinear feedback slows the escape, so use small levels (≲ 0.1) for comparisons.
    /// +∞ when the growing mode carries no weight (<see cref="Amplitude"/> = 0, as for w(0) = 0, a fixed point).</summary>
    public double TimeToReach(double level)
    {
        if (!(level > 0) || !double.IsFinite(level))
            throw new InvalidParameterException("level", "finite and > 0", level.ToString("R", CultureInfo.InvariantCulture));
        return Math.Log(level * SStar / Math.Abs(Amplitude)) / Rate;
    }

    /// <summary>The escape rate of population GD with step <paramref name="stepSize"/> η, per unit of flow time η·k: GD's
    /// linear Phase I map is I + η·A, A the flow's linear operator, so the growing mode is multiplied by 1 + ηρ per step
    /// and grows at log(1 + ηρ)/η ≤ ρ.</summary>
    public double GradientDescentRate(double stepSize)
    {
        Guard.Positive(stepSize, "stepSize");
        return double.LogP1(stepSize * Rate) / stepSize;
    }

    /// <summary>The growing-mode approximation c e^{ρt} of Phase I's u(t).</summary>
    public double Approximation(double t) => Amplitude * Math.Exp(Rate * t);

    /// <summary>Solves the dispersion relation on the nodes (exact or compressed) with Brent's method to relative 1e-14.</summary>
    /// <exception cref="InvalidParameterException">The teacher has no weight on any node (C_j = 0 for all j).</exception>
    public static EscapeRate Solve(SpectralNodes nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.Loss is not PhaseRetrievalLoss)
            throw new InvalidParameterException("model", "phase retrieval (f = g = z²) for the escape-rate theory, which is not yet derived for other single-index models",
                nodes.Loss.ToString());
        var relation = DispersionRelation.Of(nodes);
        double rho = relation.GrowthRate();
        return new EscapeRate(rho, relation.Residue(rho), nodes.SStar, relation.Poles[0]);
    }

    /// <summary>The escape rate of a direct problem's exact nodes.</summary>
    public static EscapeRate Solve(PhaseRetrievalProblem problem) => Solve(SpectralNodes.Exact(problem));
}

/// <summary>The exact solution of the linear Phase I equation u = a_0 + 8∫K(t−τ)u dτ on spectral nodes: with poles
/// p_j = 4λ_j s* of K̂, the roots of 1 = 8 Σ λ_j²C_j/(p − p_j) are the escape rate ρ &gt; p_top and one root between each pair
/// of consecutive poles, and u(t) = Σ_k r_k e^{q_k t} with residues r_k = â_0(q_k)/(8 Σ λ_j²C_j/(q_k − p_j)²).
/// O(M²) to build: meant for exact nodes of small spectra and for compressed nodes.</summary>
public sealed class PhaseOneSolution
{
    /// <summary>Most nodes accepted (the roots cost O(M²)).</summary>
    public const int MaxNodes = 4096;

    private readonly double[] _roots, _residues;

    private PhaseOneSolution(double[] roots, double[] residues, double sStar)
    {
        _roots = roots;
        _residues = residues;
        SStar = sStar;
    }

    /// <summary>Exponents q_k, descending; q_0 = ρ.</summary>
    public ReadOnlySpan<double> Exponents => _roots;

    /// <summary>Residues r_k.</summary>
    public ReadOnlySpan<double> Residues => _residues;

    /// <summary>s* of the nodes.</summary>
    public double SStar { get; }

    /// <summary>u(t) of the linear Phase I equation.</summary>
    public double Value(double t)
    {
        double sum = 0;
        for (int k = 0; k < _roots.Length; k++) sum += _residues[k] * Math.Exp(_roots[k] * t);
        return sum;
    }

    /// <summary>|Σ_{k≥1} r_k e^{q_k t}| / |r_0 e^{ρt}|: how far u(t) is from the growing mode alone.</summary>
    public double RelativeTransient(double t)
    {
        double rest = 0;
        for (int k = 1; k < _roots.Length; k++) rest += _residues[k] * Math.Exp((_roots[k] - _roots[0]) * t);
        return Math.Abs(rest / _residues[0]);
    }

    /// <summary>First time at which |u(t)| = <paramref name="level"/>·s*.</summary>
    /// <exception cref="OperationCanceledException">Cancelled (checked every 1024 steps of the search).</exception>
    public double TimeToReach(double level, CancellationToken cancellationToken = default)
    {
        if (!(level > 0) || !double.IsFinite(level))
            throw new InvalidParameterException("level", "finite and > 0", level.ToString("R", CultureInfo.InvariantCulture));
        double target = level * SStar, rho = _roots[0];
        double G(double t) => Math.Abs(Value(t)) - target;
        if (G(0) >= 0) return 0;
        // Steps of 1/(8ρ) resolve every exponent's variation up to the crossing; u grows like e^{ρt} eventually.
        double dt = 1 / (8 * rho), t = 0;
        for (int i = 0; i < 1_000_000; i++, t += dt)
        {
            if ((i & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
            if (G(t + dt) >= 0) return Brent.FindRoot(G, t, t + dt, 1e-14 * (t + dt), 200);
        }
        throw new InvalidOperationException($"|u| did not reach {target:G4} by t = {t:G4}");
    }

    /// <summary>The sign change of a function decreasing on (lo, hi), by bisection to adjacent doubles (always terminates).</summary>
    private static double Bisect(Func<double, double> f, double lo, double hi)
    {
        for (int i = 0; i < 200; i++)
        {
            double mid = lo + (hi - lo) / 2;
            if (mid <= lo || mid >= hi) break;
            if (f(mid) > 0) lo = mid;
            else hi = mid;
        }
        return lo + (hi - lo) / 2;
    }

    /// <summary>Computes every exponent and residue on <paramref name="nodes"/> (nodes without teacher weight carry no pole).</summary>
    /// <exception cref="InvalidParameterException">More than <see cref="MaxNodes"/> nodes with teacher weight, or none.</exception>
    public static PhaseOneSolution Solve(SpectralNodes nodes)
    {
        var relation = DispersionRelation.Of(nodes);
        var poles = relation.Poles;
        if (poles.Length > MaxNodes)
            throw new InvalidParameterException("nodes", $"at most {MaxNodes} with teacher weight (compress the spectrum)", poles.Length.ToString(CultureInfo.InvariantCulture));
        Func<double, double> dispersion = relation.Value;
        int m = poles.Length;
        var roots = new double[m];
        roots[0] = relation.GrowthRate();
        for (int k = 1; k < m; k++)
        {
            // One root in (p_k, p_{k−1}): +∞ just above p_k, −∞ just below p_{k−1}.
            double lo = poles[k], hi = poles[k - 1], width = hi - lo;
            double a = lo + width * 1e-15, b = hi - width * 1e-15;
            if (!Brent.TryFindRoot(dispersion, a, b, Math.Max(1e-15 * Math.Abs(hi), double.Epsilon), 200, out roots[k]))
                roots[k] = Bisect(dispersion, lo, hi);
        }
        // A root within rounding of a pole belongs to a node with almost no teacher weight: its residue is ~0 either way.
        var residues = roots.Select(relation.Residue).ToArray();
        return new PhaseOneSolution(roots, residues, nodes.SStar);
    }
}

/// <summary>The Laplace-domain data of the linear Phase I equation on the nodes with teacher weight (C_j &gt; 0): poles
/// p_j = 4λ_j s* (descending), weights λ_j²C_j of K̂, and forcing λ_j B_j of â_0. Shared by <see cref="EscapeRate"/> and
/// <see cref="PhaseOneSolution"/>.</summary>
internal sealed class DispersionRelation
{
    private DispersionRelation(double[] poles, double[] weights, double[] forcing)
    {
        Poles = poles;
        Weights = weights;
        Forcing = forcing;
    }

    public double[] Poles { get; }

    public double[] Weights { get; }

    public double[] Forcing { get; }

    /// <exception cref="InvalidParameterException">The teacher has no weight on any node.</exception>
    public static DispersionRelation Of(SpectralNodes nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        double sStar = nodes.SStar;
        var keep = Enumerable.Range(0, nodes.Count).Where(j => nodes.C[j] > 0).ToArray();
        if (keep.Length == 0) throw new InvalidParameterException("teacher", "non-zero on some node (C_j > 0)", "C = 0 on every node");
        return new DispersionRelation(
            keep.Select(j => 4 * sStar * nodes.Lambda[j]).ToArray(),
            keep.Select(j => nodes.Lambda[j] * nodes.Lambda[j] * nodes.C[j]).ToArray(),
            keep.Select(j => nodes.Lambda[j] * nodes.B[j]).ToArray());
    }

    /// <summary>8 Σ λ_j²C_j/(p − p_j) − 1.</summary>
    public double Value(double p)
    {
        double sum = 0;
        for (int j = 0; j < Poles.Length; j++) sum += Weights[j] / (p - Poles[j]);
        return 8 * sum - 1;
    }

    /// <summary>The root above the top pole, by Brent to relative 1e-14: the value falls from +∞ at p_top to below 0 at
    /// p_top + 8 Σ λ_j²C_j, and is ≥ 8λ_top²C_top/δ − 1 &gt; 0 at p_top + δ for δ = λ_top²C_top.</summary>
    public double GrowthRate()
    {
        double top = Poles[0], low = top + Weights[0], high = top + 8 * Weights.Sum() * 1.01;
        return Brent.FindRoot(Value, low, high, Math.Max(1e-14 * high, 1e-300), 200);
    }

    /// <summary>Residue of û = â_0/(1 − 8K̂) at a root q: â_0(q) / (8 Σ λ_j²C_j/(q − p_j)²). Both sums are scaled by the
    /// nearest pole's gap g (terms g/(q − p_j) ∈ [−1, 1]): between poles a few ulps apart (a = 3, d ≈ 1000) the root can
    /// land on a pole in double precision, where the plain form is ∞/∞; the scaled form gives the limit g·(…) → 0.</summary>
    public double Residue(double q)
    {
        double nearest = double.PositiveInfinity;
        for (int j = 0; j < Poles.Length; j++) nearest = Math.Min(nearest, Math.Abs(q - Poles[j]));
        double numerator = 0, denominator = 0;
        for (int j = 0; j < Poles.Length; j++)
        {
            double gap = q - Poles[j];
            double ratio = gap == 0 ? 1 : nearest / gap;
            numerator += Forcing[j] * ratio;
            denominator += Weights[j] * ratio * ratio;
        }
        // r = (g·Σ F_j g/(q − p_j)) / (8 Σ W_j (g/(q − p_j))²).
        return nearest * numerator / (8 * denominator);
    }
}
