using PhaseFlow.Foundation;

namespace PhaseFlow.Core;

/// <summary>SGD's fluctuations around the population trajectory in the linear-noise approximation, valid once s ≈ u ≈ s* = 1.
/// Near w*, one step's gradient is 4(2(xᵀe)(xᵀw*) − ξ)(xᵀw*)x to first order in e = w − w*, whose covariance has diagonal
/// 16λ_i(σ² + 12 L_Q) with L_Q = eᵀQe = s − 2|u| + s* (Isserlis, xᵀe and xᵀw* nearly independent); the mean restoring
/// rate of e_i is 8λ_i. So each mode's variance obeys v_i' = 16λ_i (η(σ² + 12 L_Q) − v_i), integrated exactly on each
/// sampling interval of the population run from its T_2(ε), with L_Q from the population plus Σλ_j v_j (SGD's own noise).
/// Once the population has converged the variances settle where v_i = η(σ² + 12Σλ_j v_j): with tr Λ = 1, an excess MSE
/// ησ²/(1 − 12η). Used by the reproduced Figures 1 and 5 (SGD's MSE and order parameters at the horizon).</summary>
public sealed class SgdLinearNoise
{
    private SgdLinearNoise(double[] variance, double[] times, double[] mse, double[] qTrace, double[] uVariance)
    {
        Variance = variance;
        Times = times;
        MseSeries = mse;
        QTraceSeries = qTrace;
        UVarianceSeries = uVariance;
    }

    /// <summary>v_i at the last sample.</summary>
    public double[] Variance { get; }

    /// <summary>Flow times of the population samples.</summary>
    public double[] Times { get; }

    /// <summary>(1/d)Σv_i at each sample: SGD's expected excess MSE.</summary>
    public double[] MseSeries { get; }

    /// <summary>Σλ_i v_i at each sample: the expected excess of eᵀQe.</summary>
    public double[] QTraceSeries { get; }

    /// <summary>Σλ_i²w*_i²v_i at each sample: the variance of u.</summary>
    public double[] UVarianceSeries { get; }

    /// <summary>Excess MSE at the last sample.</summary>
    public double Mse => MseSeries[^1];

    /// <summary>Standard deviation of u at the last sample.</summary>
    public double UDeviation => Math.Sqrt(UVarianceSeries[^1]);

    /// <summary>Standard deviation of s at the last sample: δs = 2 Σλ_i w_i e_i to first order.</summary>
    public double SDeviation(PhaseRetrievalModel model, IReadOnlyList<double> w)
    {
        var lambda = model.Lambda;
        double sum = 0;
        for (int i = 0; i < Variance.Length; i++) sum += 4 * lambda[i] * lambda[i] * w[i] * w[i] * Variance[i];
        return Math.Sqrt(sum);
    }

    /// <summary>Standard deviation of the MSE at the last sample around the population's weights w: (1/d)√Σ(2v_i² + 4ē_i²v_i)
    /// with ē = w ∓ w* (Gaussian fluctuations).</summary>
    public double MseDeviation(PhaseRetrievalModel model, IReadOnlyList<double> w)
    {
        var teacher = model.Teacher;
        double minus = 0, plus = 0;
        for (int i = 0; i < w.Count; i++)
        {
            minus += (w[i] - teacher[i]) * (w[i] - teacher[i]);
            plus += (w[i] + teacher[i]) * (w[i] + teacher[i]);
        }
        double sign = minus <= plus ? 1 : -1, sum = 0;
        for (int i = 0; i < w.Count; i++)
        {
            double e = w[i] - sign * teacher[i], v = Variance[i];
            sum += 2 * v * v + 4 * e * e * v;
        }
        return Math.Sqrt(sum) / w.Count;
    }

    /// <summary>Integrates the variances along <paramref name="population"/> (discrete dynamics with step η) from the first sample
    /// with |u| ≥ (1 − ε)s*.</summary>
    /// <param name="model">The model the population run solved.</param>
    /// <param name="population">Population GD with the SGD step η (its trajectory is the mean SGD follows).</param>
    /// <param name="eta">SGD's step size η.</param>
    /// <param name="noise">Label-noise standard deviation σ.</param>
    /// <param name="accuracy">ε: integration starts at the first sample with |u| ≥ (1 − ε)s*.</param>
    /// <exception cref="InvalidParameterException">η not finite and &gt; 0, σ or ε not finite and ≥ 0.</exception>
    public static SgdLinearNoise Predict(PhaseRetrievalModel model, SimulationResult population, double eta, double noise, double accuracy)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(population);
        model.RequirePhaseRetrieval("the SGD linear-noise prediction");
        Guard.Positive(eta, nameof(eta));
        Guard.NonNegative(noise, nameof(noise));
        Guard.NonNegative(accuracy, nameof(accuracy));
        var samples = population.Trajectory.Samples;
        var lambda = model.Lambda;
        var teacher = model.Teacher;
        int d = model.Dimension;
        var v = new double[d];
        var trajectory = population.Trajectory;
        // Flow time of each sample: steps × η for discrete dynamics.
        var times = samples.Select(p => trajectory.Unit == TimeUnit.Steps ? p.T * trajectory.StepSize : p.T).ToArray();
        var mse = new double[samples.Count];
        var qTrace = new double[samples.Count];
        var uVariance = new double[samples.Count];
        int start = Enumerable.Range(0, samples.Count).FirstOrDefault(k => Math.Abs(samples[k].U) >= (1 - accuracy) * model.SStar, samples.Count);
        for (int k = start + 1; k < samples.Count; k++)
        {
            double h = times[k] - times[k - 1];
            double q = 0;
            for (int i = 0; i < d; i++) q += lambda[i] * v[i];
            var mid = samples[k - 1];
            double loss = Math.Max(0, mid.S - 2 * Math.Abs(mid.U) + model.SStar) + q;
            double target = eta * (noise * noise + 12 * loss);
            double m = 0, uv = 0;
            q = 0;
            for (int i = 0; i < d; i++)
            {
                double decay = Math.Exp(-16 * lambda[i] * h);
                v[i] = v[i] * decay + target * (1 - decay);
                m += v[i];
                q += lambda[i] * v[i];
                uv += lambda[i] * lambda[i] * teacher[i] * teacher[i] * v[i];
            }
            mse[k] = m / d;
            qTrace[k] = q;
            uVariance[k] = uv;
        }
        return new SgdLinearNoise(v, times, mse, qTrace, uVariance);
    }
}
