using PhaseFlow.Core;
using PhaseFlow.Foundation;
using PhaseFlow.Tests.Shared;

namespace PhaseFlow.Duhamel.Tests;

/// <summary>One node set, problem or trajectory shared by 64 concurrent solves gives each solve bit for bit what it gives
/// alone (issue 13).</summary>
public class ThreadSafetyTests
{
    private static double[] Fingerprint(Trajectory trajectory)
    {
        var numbers = new List<double>();
        foreach (var p in trajectory.Samples)
        {
            numbers.AddRange([p.T, p.S, p.U, p.Mse, p.Loss]);
            numbers.AddRange(p.Extra);
        }
        return [.. numbers];
    }

    private static readonly PhaseRetrievalProblem Direct = FlowCases.Flow(Spectrum.PowerLaw(40, 1.5), 3, 1, 60).Problem;

    [Fact]
    public void SharedNodesGiveBitIdenticalReductionsUnderConcurrency()
    {
        // Compressed nodes, so that every solve also coarsens them for its node-error estimate.
        var nodes = SpectralNodes.PowerLaw(2, 1e4, 16, 200);
        Assert.True(nodes.CanCoarsen);
        var options = new SpectralNodeOptions { RelativeTolerance = 1e-9, Output = OutputSchedule.LogSpaced(20, 0.1) };
        Sharing.AssertConcurrentSolvesMatch("spectral nodes", k =>
        {
            var r = SpectralNodeReduction.Solve(nodes, 100 + k, options);
            var e = r.NodeErrorEstimate!;
            return [.. Fingerprint(r.Trajectory), r.FinalTheta, r.EndTime, r.MaxTheta, e.S, e.U, e.CoarseNodes, r.Statistics.Steps];
        });
    }

    [Fact]
    public void SharedDirectProblemGivesBitIdenticalExactReductionsUnderConcurrency()
    {
        var options = new SpectralNodeOptions { Output = OutputSchedule.LogSpaced(20, 0.1) };
        Sharing.AssertConcurrentSolvesMatch("exact nodes", k =>
            Fingerprint(SpectralNodeReduction.Solve(Direct, k % 3 == 0 ? null : 8 + k % 5, options with { RelativeTolerance = 1e-8 * (1 + k) }).Trajectory));
    }

    [Fact]
    public void SharedNodesAndTrajectoryGiveBitIdenticalVerificationsUnderConcurrency()
    {
        var nodes = SpectralNodes.Exact(Direct);
        var direct = DuhamelVerification.DirectOnGrid(Direct, 128).Trajectory;
        Sharing.AssertConcurrentSolvesMatch("Duhamel verification", k =>
        {
            var r = DuhamelVerification.Verify(nodes, direct, new DuhamelVerificationOptions { Steps = 64 + 4 * k });
            return [r.TwoTime.MaxDeviation, .. r.TwoTime.Volterra!, r.Printed!.MaxDeviation, r.QuadratureErrorEstimate!.Value,
                r.InterpolationErrorEstimate!.Value, r.ThetaRange.Min, r.ThetaRange.Max, r.Statistics.KernelEvaluations];
        });
    }

    [Fact]
    public void SharedNodesGiveBitIdenticalEscapeRatesUnderConcurrency()
    {
        var nodes = SpectralNodes.Exact(Direct);
        Sharing.AssertConcurrentSolvesMatch("escape rate", k =>
        {
            var rate = EscapeRate.Solve(nodes);
            var phaseOne = PhaseOneSolution.Solve(nodes);
            return [rate.Rate, rate.Amplitude, rate.TimeToReach(0.1 + k / 100.0), phaseOne.Value(k), phaseOne.TimeToReach(0.2 + k / 100.0)];
        });
    }

    [Fact]
    public void SharedPhaseThreeBenchmarksGiveBitIdenticalValuesUnderConcurrency()
    {
        var tail = new PowerLawTail(2, 1e6);
        var prediction = PhaseThreePrediction.FromState(Direct.Model, Direct.InitialWeights, 5);
        Sharing.AssertConcurrentSolvesMatch("phase three", k =>
        {
            double tau = Math.Pow(10, k / 8.0);
            return [tail.Survival(tau), tail.Decrement(tau), tail.LearntIndex(tau), prediction.Survival(tau), prediction.Mse(tau)];
        });
    }

    [Fact]
    public void ShareableTypesHaveNoWritableSurface() => Sharing.AssertImmutableSurface(typeof(SpectralNodes), typeof(SpectralNodeOptions),
        typeof(DuhamelVerificationOptions), typeof(EscapeRate), typeof(PhaseOneSolution), typeof(PhaseThreePrediction), typeof(PowerLawTail));

    [Fact]
    public void PublicStaticsAreReadOnly() => Sharing.AssertNoWritableStatics(typeof(SpectralNodeReduction).Assembly);
}
