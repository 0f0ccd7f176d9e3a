using PhaseFlow.Core;
using PhaseFlow.Foundation;

namespace PhaseFlow.Tests.Flow;

/// <summary>How closely an exact reduction (hierarchy, spectral nodes) must follow direct gradient flow. Both runs control
/// local errors at rtol relative to quantities of size s*; over long horizons the global errors add up step by step, so
/// the agreement is bounded by (steps of both runs)·rtol·s*, and never asked below 100·rtol·s*.</summary>
public static class FlowAgreement
{
    public static double Tolerance(PhaseRetrievalModel model, long directSteps, long reducedSteps, double rtol) =>
        Math.Max(100, directSteps + reducedSteps) * rtol * Math.Max(1, model.SStar);

    /// <summary>s and u within <paramref name="tolerance"/> at every sample; the MSE (from the order-0 moments ‖w‖² and wᵀw*,
    /// relative to d) within tolerance·max(1, ‖w*‖²)/d·10; escape and s*/3 crossing times to 1e-6 relative.</summary>
    public static void AssertThroughAllPhases(PhaseRetrievalModel model, SimulationResult direct, Trajectory reduced, PhaseMarkers reducedMarkers,
        double tolerance)
    {
        var (s, u, mse) = direct.Trajectory.MaxDeviation(reduced);
        Assert.True(s <= tolerance && u <= tolerance, $"max |Δs| = {s:E2}, max |Δu| = {u:E2}, tolerance {tolerance:E2}");
        Assert.True(mse <= tolerance * Math.Max(1, model.TeacherNormSquared) / model.Dimension * 10, $"max |ΔMSE| = {mse:E2}");
        Assert.Equal(direct.Markers.EscapeTime!.Value, reducedMarkers.EscapeTime!.Value, 1e-6 * direct.Markers.EscapeTime.Value);
        Assert.Equal(direct.Markers.CriticalCrossingTime!.Value, reducedMarkers.CriticalCrossingTime!.Value, 1e-6 * direct.Markers.CriticalCrossingTime.Value);
    }
}
