using System.Globalization;

namespace PhaseFlow.Foundation;

/// <summary>A scalar function of the weights, recorded as an extra trajectory column.</summary>
/// <param name="w">The current weights; valid only during the call.</param>
public delegate double WeightFunctional(ReadOnlySpan<double> w);

/// <summary>An extra trajectory column: a name (CSV header) and the functional that fills it.</summary>
/// <param name="Name">Column name: letters, digits, '_' or '^', not one of t, s, u, mse, loss.</param>
/// <param name="Function">Value of the column at the current weights.</param>
public sealed record TrajectoryColumn(string Name, WeightFunctional Function);

/// <summary>The unit of the time axis of a trajectory.</summary>
public enum TimeUnit
{
    /// <summary>Continuous time (gradient flow and reductions).</summary>
    Time,

    /// <summary>Iteration count (gradient descent, online SGD); the flow-equivalent time is η·k.</summary>
    Steps,
}

/// <summary>One recorded point: time, order parameters, sign-invariant MSE, population loss and any extra columns.</summary>
/// <param name="T">Time (or step count for discrete dynamics).</param>
/// <param name="S">s = wᵀQw.</param>
/// <param name="U">u = wᵀQw*.</param>
/// <param name="Mse">(1/d) min ‖w ∓ w*‖².</param>
/// <param name="Loss">Population loss.</param>
/// <param name="Extra">Values of the extra columns, in the trajectory's order.</param>
public sealed record TrajectorySample(double T, double S, double U, double Mse, double Loss, IReadOnlyList<double> Extra);

/// <summary>Receives every recorded sample together with the weights it was computed from.</summary>
public interface ITrajectoryObserver
{
    /// <summary>Called at each output time.</summary>
    /// <param name="sample">The recorded values.</param>
    /// <param name="w">The weights at that time; valid only during the call. Reductions that carry no weights pass their
    /// own state instead (the hierarchy: s^(0..K), u^(0..K)).</param>
    void OnSample(TrajectorySample sample, ReadOnlySpan<double> w);
}

/// <summary>A recorded trajectory: samples at the requested output times.</summary>
public sealed class Trajectory : ITabularTrajectory
{
    /// <summary>The fixed leading columns of every trajectory.</summary>
    public static readonly IReadOnlyList<string> BaseColumns = ["t", "s", "u", "mse", "loss"];

    /// <summary>Creates a trajectory.</summary>
    public Trajectory(IReadOnlyList<TrajectorySample> samples, IReadOnlyList<string> extraColumns, TimeUnit unit, double stepSize)
    {
        Samples = samples;
        ExtraColumns = extraColumns;
        Unit = unit;
        StepSize = stepSize;
    }

    /// <summary>Samples in time order.</summary>
    public IReadOnlyList<TrajectorySample> Samples { get; }

    /// <summary>Names of the extra columns.</summary>
    public IReadOnlyList<string> ExtraColumns { get; }

    /// <summary>Unit of <see cref="TrajectorySample.T"/>.</summary>
    public TimeUnit Unit { get; }

    /// <summary>η for discrete dynamics; NaN for flows.</summary>
    public double StepSize { get; }

    /// <summary>All column names: t, s, u, mse, loss, then the extras.</summary>
    public IReadOnlyList<string> Columns => [.. BaseColumns, .. ExtraColumns];

    /// <summary>Number of samples.</summary>
    public int RowCount => Samples.Count;

    /// <summary>Sample <paramref name="index"/> as a row of <see cref="Columns"/>: t, s, u, mse, loss, then the extras.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in [0, <see cref="RowCount"/>).</exception>
    public IReadOnlyList<double> Row(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Samples.Count);
        var p = Samples[index];
        return [p.T, p.S, p.U, p.Mse, p.Loss, .. p.Extra];
    }

    /// <summary>Largest |Δs|, |Δu| and |ΔMSE| against <paramref name="other"/>, recorded at the same times (NaN MSEs, as of
    /// d = ∞, give NaN).</summary>
    /// <exception cref="ArgumentException">The two have different sample counts or times.</exception>
    public (double S, double U, double Mse) MaxDeviation(Trajectory other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Samples.Count != Samples.Count)
            throw new ArgumentException($"the trajectories have {Samples.Count} and {other.Samples.Count} samples", nameof(other));
        double s = 0, u = 0, mse = 0;
        for (int i = 0; i < Samples.Count; i++)
        {
            var (a, b) = (Samples[i], other.Samples[i]);
            if (a.T != b.T) throw new ArgumentException($"sample {i} is at t = {F(a.T)} and t = {F(b.T)}", nameof(other));
            s = Math.Max(s, Math.Abs(a.S - b.S));
            u = Math.Max(u, Math.Abs(a.U - b.U));
            mse = Math.Max(mse, Math.Abs(a.Mse - b.Mse));
        }
        return (s, u, mse);
    }

    /// <summary>Writes the trajectory as CSV (invariant culture, round-trip precision) with a header line.</summary>
    public void WriteCsv(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(string.Join(',', Columns));
        writer.Write('\n');
        foreach (var p in Samples)
        {
            writer.Write(F(p.T)); writer.Write(',');
            writer.Write(F(p.S)); writer.Write(',');
            writer.Write(F(p.U)); writer.Write(',');
            writer.Write(F(p.Mse)); writer.Write(',');
            writer.Write(F(p.Loss));
            foreach (double x in p.Extra) { writer.Write(','); writer.Write(F(x)); }
            writer.Write('\n');
        }
    }

    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
