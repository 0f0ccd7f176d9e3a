using System.Globalization;
using PhaseFlow.Core;
using PhaseFlow.Foundation;

namespace PhaseFlow.Hierarchy;

/// <summary>The numbers a truncated hierarchy needs besides its initial values: the teacher moments s*^(k) = w*ᵀQ^k w*,
/// the scale λ_1 (top eigenvalue: default geometric ratio and scaling of the moments), and optionally the dimension d
/// (for the MSE) and the distinct eigenvalues of Q (for the exact closure).</summary>
public sealed class HierarchyConstants
{
    private readonly double[] _sStar;

    private HierarchyConstants(double[] sStar, double scale, int? dimension, double[]? eigenvalues, string description)
    {
        _sStar = sStar;
        Scale = scale;
        Dimension = dimension;
        DistinctEigenvalues = eigenvalues is null ? null : Array.AsReadOnly(eigenvalues); // not castable back to the array
        Description = description;
    }

    /// <summary>Constants of a model (its spectrum and teacher; the loss plays no part): the eigenvalues are grouped (relative gap ≤ <paramref name="groupingTolerance"/>)
    /// into distinct values with their teacher weights, so s*^(k) is available at every order.</summary>
    /// <param name="model">Spectrum and teacher.</param>
    /// <param name="groupingTolerance">Eigenvalues closer than this (relative) count as one, in [0, 1e-6].</param>
    /// <param name="maxOrder">Highest order k of s*^(k) stored, in [1, 1024]; a system of order K needs K + 1.</param>
    public static HierarchyConstants FromModel(PhaseRetrievalModel model, double groupingTolerance = 1e-12, int maxOrder = HierarchySystem.MaxOrder + 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!(groupingTolerance >= 0 && groupingTolerance <= 1e-6))
            throw new InvalidParameterException("groupingTolerance", "in [0, 1e-6]", F(groupingTolerance));
        if (maxOrder < 1 || maxOrder > 1024)
            throw new InvalidParameterException("maxOrder", "an integer in [1, 1024]", maxOrder.ToString(CultureInfo.InvariantCulture));
        var lambda = model.Lambda;
        var teacher = model.Teacher;
        var order = Enumerable.Range(0, lambda.Length).ToArray();
        var values = lambda.ToArray();
        Array.Sort(values, order);
        Array.Reverse(order);
        // Groups in descending order; weights ω_g = Σ_{i∈g} w*_i² so that s*^(k) = Σ_g μ_g^k ω_g.
        var nodes = new List<double>();
        var weights = new List<double>();
        double current = double.NaN, sum = 0, weight = 0;
        int count = 0;
        foreach (int i in order)
        {
            double l = lambda[i];
            if (count > 0 && current - l <= groupingTolerance * current)
            {
                sum += l;
                count++;
                weight += teacher[i] * teacher[i];
                continue;
            }
            if (count > 0) { nodes.Add(sum / count); weights.Add(weight); }
            current = l;
            sum = l;
            count = 1;
            weight = teacher[i] * teacher[i];
        }
        nodes.Add(sum / count);
        weights.Add(weight);
        var sStar = new double[maxOrder + 1];
        var term = weights.ToArray(); // μ_g^k ω_g, advanced one power per order: O(groups) per order, no Math.Pow
        for (int k = 0; k <= maxOrder; k++)
        {
            double s = 0;
            for (int g = 0; g < term.Length; g++)
            {
                s += term[g];
                term[g] *= nodes[g];
            }
            sStar[k] = s;
        }
        return new HierarchyConstants(sStar, model.Spectrum.Max, model.Dimension, nodes.ToArray(), model.Spectrum.Description);
    }

    /// <summary>Constants given directly: s*^(k) for k = 0, 1, …, K + 1 at least (index k holds s*^(k)).</summary>
    /// <param name="sStarMoments">s*^(0), s*^(1), …; each finite and ≥ 0, s*^(1) &gt; 0.</param>
    /// <param name="scale">λ_1 or another positive scale of Q (moments are integrated as x^(k)/scale^k).</param>
    /// <param name="dimension">d, when the MSE should be reported.</param>
    /// <param name="distinctEigenvalues">The distinct eigenvalues of Q, when the exact closure is wanted.</param>
    public static HierarchyConstants FromMoments(IReadOnlyList<double> sStarMoments, double scale, int? dimension = null,
        IReadOnlyList<double>? distinctEigenvalues = null)
    {
        ArgumentNullException.ThrowIfNull(sStarMoments);
        if (sStarMoments.Count < 3)
            throw new InvalidParameterException("sStarMoments", "s*^(0), s*^(1), s*^(2) at least (3 values)", $"{sStarMoments.Count} values");
        for (int k = 0; k < sStarMoments.Count; k++)
            if (!(sStarMoments[k] >= 0) || !double.IsFinite(sStarMoments[k]))
                throw new InvalidParameterException($"sStarMoments[{k}]", "finite and >= 0", F(sStarMoments[k]));
        if (!(sStarMoments[1] > 0)) throw new InvalidParameterException("sStarMoments[1]", "> 0 (s* is the teacher's scale)", F(sStarMoments[1]));
        if (!(scale > 0) || !double.IsFinite(scale)) throw new InvalidParameterException("scale", "finite and > 0", F(scale));
        if (dimension is < 1) throw new InvalidParameterException("dimension", ">= 1", dimension.Value.ToString(CultureInfo.InvariantCulture));
        double[]? nodes = null;
        if (distinctEigenvalues is not null)
        {
            nodes = distinctEigenvalues.ToArray();
            for (int i = 0; i < nodes.Length; i++)
                if (!(nodes[i] > 0) || !double.IsFinite(nodes[i]))
                    throw new InvalidParameterException($"distinctEigenvalues[{i}]", "finite and > 0", F(nodes[i]));
            if (nodes.Length == 0 || nodes.Distinct().Count() != nodes.Length)
                throw new InvalidParameterException("distinctEigenvalues", "a non-empty list of distinct values", $"{nodes.Length} values");
            Array.Sort(nodes);
            Array.Reverse(nodes);
        }
        return new HierarchyConstants(sStarMoments.ToArray(), scale, dimension, nodes, "given moments");
    }

    /// <summary>Scale ρ of Q (λ_1 for a model): the geometric closure's default ratio, and the integration works with
    /// x^(k)/ρ^k so that moments spanning many decades stay of order one.</summary>
    public double Scale { get; }

    /// <summary>d, when known: the MSE needs it.</summary>
    public int? Dimension { get; }

    /// <summary>Distinct eigenvalues of Q in descending order (grouped), when known.</summary>
    public IReadOnlyList<double>? DistinctEigenvalues { get; }

    /// <summary>Highest order k with s*^(k) available.</summary>
    public int MaxOrder => _sStar.Length - 1;

    /// <summary>Where the constants came from.</summary>
    public string Description { get; }

    /// <summary>s* = s*^(1).</summary>
    public double SStar => _sStar[1];

    /// <summary>s*^(k) = w*ᵀQ^k w*.</summary>
    public double SStarMoment(int k)
    {
        if (k < 0 || k > MaxOrder)
            throw new InvalidParameterException("k", $"an integer in [0, {MaxOrder}] (the orders given)", k.ToString(CultureInfo.InvariantCulture));
        return _sStar[k];
    }

    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
