using PhaseFlow.Core;

namespace PhaseFlow.Hierarchy;

/// <summary>The inequalities every real w satisfies, checked on the scaled state x_k = s^(k)/ρ^k, y_k = u^(k)/ρ^k for the
/// orders a result reports (k ≤ <c>checkedOrder</c>): s^(k) ≥ 0, (u^(k))² ≤ s^(k)s*^(k) (at k = 0 this gives MSE ≥ 0) and,
/// when the higher moments are reported, (s^(k+1))² ≤ s^(k)s^(k+2). All are homogeneous, so the scaling by ρ^k cancels.</summary>
/// <remarks>Why not every order: the truncation's error enters at the top order and reaches s after K integrations, so the
/// top moments of a zero closure leave the possible set at once (t ≈ 1e-8 for K = 24, power law a = 2) while s and u stay
/// exact to 1e-11 over the escape; the check certifies what the result reports.</remarks>
/// <remarks>Slack: each state component carries the error allowance e_i = f·((rtol + κ·ε)·|x_i| + atol), the tolerance the
/// integrator holds per step (and the exact closure's rounding), times f = 16 + 4·(accepted steps): the order-0 moments
/// are bare integrals, nothing damps their errors, so local errors add up linearly. An inequality counts as violated only
/// when it fails by more than its first-order sensitivity to those allowances, Σ_i |∂g/∂x_i|·e_i, plus 8ε of its terms for
/// the rounding of the products, plus the relative floor (default 1e-6) of its terms: an exact closure with K > r − 1
/// carries a Jordan block that amplifies rounding polynomially in time (isotropic d = 1, K = 4, rtol 1e-13: 4e-9 relative
/// off Cauchy–Schwarz's equality by t = 15), and a violation below that certifies nothing about the values. So an inequality
/// that holds with equality (isotropic Hankel minors, d = 1, a start on the teacher's line, convergence to w*) is not
/// flagged because of rounding.</remarks>
internal sealed class MomentChecks
{
    /// <summary>Multiple of the per-step tolerance allowed before a deficit counts (see the remarks).</summary>
    internal const double SlackFactor = 16;

    private const double Eps = 2.220446049250313e-16;
    private readonly int _order, _checked;
    private readonly double[] _c;
    private readonly double _rtol, _atol, _floor;
    private readonly double _rho;

    public MomentChecks(int checkedOrder, double[] scaledTeacherMoments, double rtol, double atol, double conditionNumber, double rho, int order,
        double floor)
    {
        _floor = floor;
        _checked = checkedOrder;
        _order = order;
        _c = scaledTeacherMoments;
        _rtol = rtol + conditionNumber * Eps;
        _atol = atol;
        _rho = rho;
    }

    /// <summary>Accepted steps so far (the slack grows with them).</summary>
    public long Steps { get; set; }

    /// <summary>Multiple of the per-step tolerance added per accepted step (see the remarks).</summary>
    internal const double StepFactor = 4;

    private double Allowance(double x) => (SlackFactor + StepFactor * Steps) * (_rtol * Math.Abs(x) + _atol);

    /// <summary>max over the inequalities of (deficit − slack)/slack: negative while every inequality holds within its slack.</summary>
    public double Margin(ReadOnlySpan<double> y) => Worst(y).Margin;

    private Candidate Worst(ReadOnlySpan<double> y)
    {
        int n = _order + 1;
        var worst = new Candidate { Margin = double.NegativeInfinity };
        for (int k = 0; k <= _checked; k++)
        {
            double x = y[k], v = y[n + k], ex = Allowance(x), ev = Allowance(v);
            // s^(k) ≥ 0 has no terms to be relative to: the teacher's moment sets the scale.
            worst.Consider(0, x, ex + _floor * (Math.Abs(x) + _c[k]), MomentInequality.NonNegativity, k);
            double l = v * v, r = x * _c[k];
            worst.Consider(l, r, 2 * Math.Abs(v) * ev + _c[k] * ex + (8 * Eps + _floor) * (l + Math.Abs(r)), MomentInequality.CauchySchwarz, k);
            if (k + 2 <= _checked)
            {
                double x1 = y[k + 1], x2 = y[k + 2], lh = x1 * x1, rh = x * x2;
                double sh = 2 * Math.Abs(x1) * Allowance(x1) + Math.Abs(x2) * ex + Math.Abs(x) * Allowance(x2) + (8 * Eps + _floor) * (lh + Math.Abs(rh));
                worst.Consider(lh, rh, sh, MomentInequality.Hankel, k);
            }
        }
        return worst;
    }

    /// <summary>The inequality with the largest normalised deficit so far.</summary>
    private struct Candidate
    {
        public double Margin, Left, Right, Slack;
        public MomentInequality Which;
        public int Index;

        public void Consider(double left, double right, double slack, MomentInequality which, int index)
        {
            // NaN (a non-finite state) counts as the worst violation.
            // Exactly at the edge of its slack (also 0 = 0 with no slack, as for w = 0) still holds.
            double excess = left - right - slack;
            double m = excess == 0 ? -1 : excess / Math.Max(slack, 1e-300);
            if (double.IsNaN(m)) m = double.PositiveInfinity;
            if (m <= Margin) return;
            (Margin, Left, Right, Slack, Which, Index) = (m, left, right, slack, which, index);
        }
    }

    /// <summary>The worst inequality at <paramref name="t"/>, unscaled (Left, Right and Slack in the moments' own units).</summary>
    public ReductionViolation Describe(double t, ReadOnlySpan<double> y)
    {
        var w = Worst(y);
        var (which, k, l, r, sl) = (w.Which, w.Index, w.Left, w.Right, w.Slack);
        double unit = which switch
        {
            MomentInequality.NonNegativity => Math.Pow(_rho, k),
            MomentInequality.CauchySchwarz => Math.Pow(_rho, 2 * k),
            _ => Math.Pow(_rho, 2 * k + 2),
        };
        string statement = which switch
        {
            MomentInequality.NonNegativity => $"0 ≤ s^({k})",
            MomentInequality.CauchySchwarz => $"(u^({k}))² ≤ s^({k})·s*^({k})",
            _ => $"(s^({k + 1}))² ≤ s^({k})·s^({k + 2})",
        };
        return new ReductionViolation(t, which, k, l * unit, r * unit, sl * unit, statement);
    }
}
