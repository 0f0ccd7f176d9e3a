using System.Globalization;
using MathNet.Numerics.RootFinding;
using PhaseFlow.Core;
using PhaseFlow.Foundation;

namespace PhaseFlow.Duhamel;

/// <summary>Why the escape theory does or does not apply to a model (spec single-index §5).</summary>
public enum EscapeVerdict
{
    /// <summary>P_u(0, 0, s*) = 0, c &gt; 0 and a growing mode exists: Phase I is linear and the dispersion relation gives ρ.</summary>
    Applies,

    /// <summary>P_u(0, 0, s*) ≠ 0: u is driven at O(1) from the start (information exponent 1); there is no escape phase.</summary>
    NoEscapePhase,

    /// <summary>P_u and P_uu both vanish at the origin (information exponent &gt; 2): Phase I is nonlinear; the escape is
    /// polynomial, not exponential, when α_0 &gt; 0, and with α_0 ≤ 0 a small start does not escape at all.</summary>
    NonlinearPhaseOne,

    /// <summary>c = −P_uu(0, 0, s*) &lt; 0: P is convex in u at the origin, so the coupling pulls u back to 0.</summary>
    RepulsiveCoupling,

    /// <summary>α_0 + c·s* ≤ 0: every mode decays on its own (α_0 ≤ 0) and the coupling is too weak to make up for it; a small
    /// start shrinks to w = 0.</summary>
    StableOrigin,

    /// <summary>P or its derivatives are not finite at the origin (a link not twice differentiable at 0, e.g. relu).</summary>
    NotSmooth,
}

/// <summary>Whether the linear escape theory applies to a model at s*, with the numbers it rests on.</summary>
/// <param name="Verdict">Applies, or why not.</param>
/// <param name="Drive">P_u(0, 0, s*) (must vanish).</param>
/// <param name="Coupling">c = −P_uu(0, 0, s*) (must be &gt; 0).</param>
/// <param name="Alpha0">α_0 = −2P_s(0, 0, s*), the drift of every mode at the origin (the poles are α_0λ_j).</param>
/// <param name="SStar">s*.</param>
/// <param name="Reason">Why the theory does not apply, in the user's terms; null when it does.</param>
public sealed record EscapeApplicability(EscapeVerdict Verdict, double Drive, double Coupling, double Alpha0, double SStar, string? Reason)
{
    /// <summary>True when the dispersion relation 1 = c Σ λ_j²C_j/(ρ − α_0λ_j) gives the escape rate.</summary>
    public bool Applies => Verdict == EscapeVerdict.Applies;
}

/// <summary>The model's escape theory refused: <see cref="Applicability"/> says why (its message is the reason).</summary>
public sealed class EscapeTheoryException : InvalidOperationException
{
    /// <summary>Creates the exception from a refused applicability.</summary>
    /// <param name="applicability">The verdict (not <see cref="EscapeVerdict.Applies"/>).</param>
    public EscapeTheoryException(EscapeApplicability applicability)
        : base((applicability ?? throw new ArgumentNullException(nameof(applicability))).Reason ?? "the escape theory applies")
    {
        Applicability = applicability;
    }

    /// <summary>The verdict and the numbers behind it.</summary>
    public EscapeApplicability Applicability { get; }
}

/// <summary>The precondition of the escape theory (spec single-index §5): from a small start (s, u ≈ 0), ẇ = λ ⊙ (αw + βw*)
/// with α ≈ α_0 = −2P_s(0, 0, s*) and β = −P_u ≈ −P_u(0, 0, s*) + c·u, c = −P_uu(0, 0, s*) (P_su·s is O(|w|²)). Phase I is
/// the linear equation u = a_0 + c∫K(t−τ)u dτ only when the drive P_u(0, 0, s*) vanishes and c ≠ 0; it has a growing root
/// only when c &gt; 0 and ρ &gt; 0.</summary>
public static class EscapeTheory
{
    /// <summary>A derivative counts as zero below this fraction of the scale of P at the origin (<see cref="Scale"/>). The
    /// least accurate way P is computed, Gauss–Hermite quadrature (QuadratureLoss), targets 1e-10 absolute for unit-scale
    /// links; exact Wick polynomials and closed forms are at rounding (~1e-15 of the terms). 1e-9 sits above both, and far
    /// below a real drive 2f′(0)E[g′], which is of the order of the scale itself.</summary>
    public const double ZeroTolerance = 1e-9;

    /// <summary>The scale a derivative of P at (0, 0, s*) is measured against, in units of P_u: |P|/s* + |P_s| + |P_u| +
    /// s*(|P_ss| + |P_su| + |P_uu|) (P_s and P_u carry one power of the overlaps fewer than P, the second derivatives one more).</summary>
    public static double Scale(LossDerivatives p, double sStar) =>
        Math.Abs(p.Value) / sStar + Math.Abs(p.Ps) + Math.Abs(p.Pu) + sStar * (Math.Abs(p.Pss) + Math.Abs(p.Psu) + Math.Abs(p.Puu));

    /// <summary>Whether the escape theory applies to <paramref name="loss"/> at <paramref name="sStar"/>, and why not. Never
    /// throws for a model: reports show the refusal as a row.</summary>
    /// <exception cref="InvalidParameterException">s* not finite and &gt; 0.</exception>
    public static EscapeApplicability Applicability(SingleIndexLoss loss, double sStar)
    {
        ArgumentNullException.ThrowIfNull(loss);
        Guard.Positive(sStar, "sStar");
        var p = loss.Derivatives(0, 0, sStar);
        double drive = p.Pu, coupling = -p.Puu, alpha0 = -2 * p.Ps;
        EscapeApplicability Verdict(EscapeVerdict v, string? reason) => new(v, drive, coupling, alpha0, sStar, reason);
        string at = $"at the origin (s = u = 0, s* = {G(sStar)})";
        if (!double.IsFinite(p.Value) || !double.IsFinite(p.Ps) || !double.IsFinite(p.Pu) || !double.IsFinite(p.Puu))
            return Verdict(EscapeVerdict.NotSmooth, $"no linear escape theory for f = {loss.Student}, g = {loss.Teacher}: P or its derivatives are not finite {at} " +
                $"(P_s = {G(p.Ps)}, P_u = {G(p.Pu)}, P_uu = {G(p.Puu)}); a link not twice differentiable at 0 has no linear Phase I");
        double zero = ZeroTolerance * Scale(p, sStar);
        if (Math.Abs(drive) > zero)
            return Verdict(EscapeVerdict.NoEscapePhase, $"no escape phase: P_u(0,0,s*) = {G(drive)} ≠ 0 (= −2f′(0)E[g′], s* = {G(sStar)}), u is driven at O(1) " +
                "from the start (information exponent 1)");
        // With α_0 < 0 every mode decays while the drive −P_u is of order u²: a small start collapses to w = 0 (He₃ at s* = 1,
        // α_0 = −18, loss stuck at 6 in reproduce information-exponent); only α_0 > 0 lets it grow, polynomially.
        if (Math.Abs(coupling) * sStar <= zero)
            return Verdict(EscapeVerdict.NonlinearPhaseOne, $"nonlinear Phase I: P_u and P_uu vanish at the origin (s* = {G(sStar)}; information exponent > 2), " +
                (alpha0 > zero
                    ? "the escape is polynomial, not exponential; no dispersion relation applies"
                    : $"and α_0 = −2P_s(0,0,s*) = {G(alpha0)} ≤ 0: every mode decays while the drive is of higher order in u, so a small start does not " +
                      "escape at all (it shrinks to w = 0; only a start past the saddle on the line of w* learns); no dispersion relation applies"));
        if (coupling < 0)
            return Verdict(EscapeVerdict.RepulsiveCoupling, $"c < 0: c = −P_uu(0,0,s*) = {G(coupling)} (= 2f″(0)E[g″], s* = {G(sStar)}), P is convex in u at " +
                "the origin, so the coupling pulls u back to 0 and no mode aligned with w* grows");
        // The relation's value at ρ = 0 is c Σ λ_j C_j/(−α_0) = c s*/(−α_0) when α_0 < 0: a root ρ > 0 needs α_0 + c s* > 0
        // (always true for α_0 ≥ 0, where ρ exceeds the top pole α_0 λ_1 ≥ 0).
        if (!(alpha0 + coupling * sStar > 0))
            return Verdict(EscapeVerdict.StableOrigin, $"no escape: α_0 = −2P_s(0,0,s*) = {G(alpha0)} ≤ 0, so every mode decays on its own, and the coupling " +
                $"c·s* = {G(coupling * sStar)} does not exceed −α_0; a small start shrinks to w = 0 (s* = {G(sStar)})");
        return Verdict(EscapeVerdict.Applies, null);
    }

    /// <summary>The model's phase-marker levels for <see cref="PhaseAnalysis"/>: phase retrieval's s = s*/3 (exactly as
    /// before), otherwise the crossing P_s(s, u, s*) = 0 (α changes sign) and T_1' at −α/α_0 = 3·margin.</summary>
    /// <exception cref="InvalidParameterException">s* not finite and &gt; 0.</exception>
    public static PhaseMarkerLevels MarkerLevels(SingleIndexLoss loss, double sStar)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return loss is PhaseRetrievalLoss ? PhaseMarkerLevels.PhaseRetrieval
            : PhaseMarkerLevels.FromPs($"{loss}: P_s(s, u, s*) = 0", (s, u, st) => loss.Derivatives(s, u, st).Ps, sStar);
    }

    /// <summary>Throws <see cref="EscapeTheoryException"/> with the reason when the theory does not apply.</summary>
    public static EscapeApplicability Require(SingleIndexLoss loss, double sStar)
    {
        var a = Applicability(loss, sStar);
        return a.Applies ? a : throw new EscapeTheoryException(a);
    }

    private static string G(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
}

/// <summary>Phase I (escape) of gradient flow as the convolution equation u = a_0 + c∫K(t−τ)u dτ with
/// K(x) = Σ λ_i² (w*_i)² e^{α_0λ_i x}, a_0(t) = Σ λ_i w*_i w_i(0) e^{α_0λ_i t} (spec single-index §5: α_0 = −2P_s(0, 0, s*),
/// c = −P_uu(0, 0, s*); phase retrieval: α_0 = 4s*, c = 8). Laplace transform: û(p) = â_0(p) / (1 − cK̂(p)); the growing
/// mode is the root ρ &gt; α_0λ_top of the dispersion relation 1 = c Σ λ_j² C_j/(ρ − α_0λ_j), and u(t) ≈ r e^{ρt} with
/// the residue r = â_0(ρ) / (c Σ λ_j² C_j/(ρ − α_0λ_j)²). Only when <see cref="EscapeTheory.Applicability"/> says so.</summary>
/// <remarks>For phase retrieval at s* = 1 as in phase-retrieval.md; in general the poles sit at α_0λ_j (isotropic:
/// ρ = (α_0 + c s*)λ, phase retrieval 12λs*).</remarks>
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

    /// <summary>α_0 λ_top, the largest pole of K̂ (ρ exceeds it; 4 s* λ_top for phase retrieval).</summary>
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
    /// <exception cref="EscapeTheoryException">The model has no linear escape phase (<see cref="EscapeTheory.Applicability"/>).</exception>
    public static EscapeRate Solve(SpectralNodes nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var relation = DispersionRelation.Of(nodes);
        double rho = relation.GrowthRate();
        return new EscapeRate(rho, relation.Residue(rho), nodes.SStar, relation.Poles[0]);
    }

    /// <summary>The escape rate of a direct problem's exact nodes.</summary>
    public static EscapeRate Solve(PhaseRetrievalProblem problem) => Solve(SpectralNodes.Exact(problem));
}

/// <summary>The exact solution of the linear Phase I equation u = a_0 + c∫K(t−τ)u dτ on spectral nodes: with poles
/// p_j = α_0λ_j of K̂ (4λ_j s* for phase retrieval), the roots of 1 = c Σ λ_j²C_j/(p − p_j) are the escape rate ρ &gt; p_top
/// and one root between each pair of consecutive poles, and u(t) = Σ_k r_k e^{q_k t} with residues
/// r_k = â_0(q_k)/(c Σ λ_j²C_j/(q_k − p_j)²). Any model that <see cref="EscapeTheory.Applicability"/> accepts.
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
    /// <exception cref="EscapeTheoryException">The model has no linear escape phase (<see cref="EscapeTheory.Applicability"/>).</exception>
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
/// p_j = α_0λ_j (descending), weights λ_j²C_j of K̂, forcing λ_j B_j of â_0 and the coupling c. Shared by
/// <see cref="EscapeRate"/> and <see cref="PhaseOneSolution"/>.</summary>
internal sealed class DispersionRelation
{
    private DispersionRelation(double[] poles, double[] weights, double[] forcing, double coupling)
    {
        Poles = poles;
        Weights = weights;
        Forcing = forcing;
        Coupling = coupling;
    }

    /// <summary>c = −P_uu(0, 0, s*) (8 for phase retrieval).</summary>
    public double Coupling { get; }

    public double[] Poles { get; }

    public double[] Weights { get; }

    public double[] Forcing { get; }

    /// <exception cref="InvalidParameterException">The teacher has no weight on any node.</exception>
    /// <exception cref="EscapeTheoryException">The model has no linear escape phase.</exception>
    public static DispersionRelation Of(SpectralNodes nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        double sStar = nodes.SStar;
        var keep = Enumerable.Range(0, nodes.Count).Where(j => nodes.C[j] > 0).ToArray();
        if (keep.Length == 0) throw new InvalidParameterException("teacher", "non-zero on some node (C_j > 0)", "C = 0 on every node");
        // Phase retrieval: P_s(0, 0, s*) = 6·0 − 2s* = −2s* and P_uu = −8 exactly, so α_0 = 4s* and c = 8 bit for bit.
        var theory = EscapeTheory.Require(nodes.Loss, sStar);
        double alpha0 = theory.Alpha0;
        // Poles descending: the nodes' λ_j descend, so for α_0 < 0 (modes that decay on their own) the order flips.
        if (alpha0 < 0) Array.Reverse(keep);
        return new DispersionRelation(
            keep.Select(j => alpha0 * nodes.Lambda[j]).ToArray(),
            keep.Select(j => nodes.Lambda[j] * nodes.Lambda[j] * nodes.C[j]).ToArray(),
            keep.Select(j => nodes.Lambda[j] * nodes.B[j]).ToArray(),
            theory.Coupling);
    }

    /// <summary>c Σ λ_j²C_j/(p − p_j) − 1.</summary>
    public double Value(double p)
    {
        double sum = 0;
        for (int j = 0; j < Poles.Length; j++) sum += Weights[j] / (p - Poles[j]);
        return Coupling * sum - 1;
    }

    /// <summary>The root above the top pole, by Brent to relative 1e-14: the value falls from +∞ at p_top to below 0 at
    /// p_top + c Σ λ_j²C_j, and is ≥ cλ_top²C_top/δ − 1 ≥ 1 &gt; 0 at p_top + δ for δ = min(1, c/2)·λ_top²C_top (phase
    /// retrieval: δ = λ_top²C_top).</summary>
    public double GrowthRate()
    {
        double top = Poles[0], low = top + Math.Min(1, Coupling / 2) * Weights[0], high = top + Coupling * Weights.Sum() * 1.01;
        return Brent.FindRoot(Value, low, high, Math.Max(1e-14 * high, 1e-300), 200);
    }

    /// <summary>Residue of û = â_0/(1 − cK̂) at a root q: â_0(q) / (c Σ λ_j²C_j/(q − p_j)²). Both sums are scaled by the
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
        // r = (g·Σ F_j g/(q − p_j)) / (c Σ W_j (g/(q − p_j))²).
        return nearest * numerator / (Coupling * denominator);
    }
}
