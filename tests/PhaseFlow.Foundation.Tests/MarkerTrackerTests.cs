using PhaseFlow.Ode;

namespace PhaseFlow.Foundation.Tests;

public class MarkerTrackerTests
{
    [Fact]
    public void SampledMarkerIsTheFirstSampleAtWhichItHolds()
    {
        var tracker = new MarkerTracker();
        var rising = tracker.Add("up", 1.0);
        double[] values = [0.2, 0.9, 1.0, 0.5, 3.0];
        for (int k = 0; k < values.Length; k++) rising.Observe(10 * k, values[k], step: k);
        Assert.Equal(20, rising.Time); // the level itself counts, and later samples do not move the marker
        Assert.Equal(2, rising.Step);

        var strict = tracker.Add("up strictly", 1.0, strict: true);
        for (int k = 0; k < values.Length; k++) strict.Observe(10 * k, values[k]);
        Assert.Equal(40, strict.Time);
        Assert.Null(strict.Step);
    }

    [Fact]
    public void DirectionDecidesWhichSideOfTheLevelHolds()
    {
        var tracker = new MarkerTracker();
        var falling = tracker.Add("down", 0.5, EventDirection.Falling);
        var fallingStrict = tracker.Add("below", 0.5, EventDirection.Falling, strict: true);
        var rising = tracker.Add("up", 2.0);
        double[] values = [1.0, 0.7, 0.5, 0.4];
        for (int k = 0; k < values.Length; k++)
        {
            falling.Observe(k, values[k]);
            fallingStrict.Observe(k, values[k]);
            rising.Observe(k, values[k]);
        }
        Assert.Equal(2, falling.Time);
        Assert.Equal(3, fallingStrict.Time);
        Assert.False(rising.Reached);
        Assert.Throws<ArgumentException>(() => tracker.Add("either", 0, EventDirection.Both));
        Assert.Throws<ArgumentException>(() => tracker.Add("down", 1));
    }

    // y' = ±y, y(0) = 1: y = e^{±t} reaches 5 (rising) and 1/5 (falling) at exactly t = ln 5.
    private static OdeSolution Integrate(double sign, IReadOnlyList<OdeEvent> events, double rtol, Func<IDenseStep, bool>? callback = null) =>
        ExplicitRungeKutta.DormandPrince54().Solve(
            new OdeProblem((_, y, dy) => dy[0] = sign * y[0], 0, [1.0], 3),
            new OdeOptions { RelativeTolerance = rtol, AbsoluteTolerance = 1e-14, Events = events, StepCallback = callback });

    [Theory]
    [InlineData(1e-6)]
    [InlineData(1e-9)]
    public void EventsLocateTheCrossingToTheIntegratorsAccuracy(double rtol)
    {
        var tracker = new MarkerTracker();
        var up = tracker.Add("up", 5, eventFunction: (_, y) => y[0] - 5);
        var down = tracker.Add("down", 0.2, EventDirection.Falling, eventFunction: (_, y) => y[0] - 0.2);
        var rising = Integrate(+1, tracker.PendingEvents(), rtol);
        tracker.Locate(rising.Events);
        Assert.False(down.Reached); // e^t never falls to 1/5
        var falling = Integrate(-1, tracker.PendingEvents(), rtol);
        Assert.Equal(new[] { "down" }, falling.Events.Select(e => e.Name).Distinct().ToArray()); // "up", reached, is no longer handed out
        tracker.Locate(falling.Events);
        // The error in y is a small multiple of rtol·|y| (global error of the 5(4) pair over t ≤ 3, and the dense output
        // of the same order), and |y'| = |y|: the crossing time is off by that multiple of rtol. Ten allows the multiple.
        double tolerance = 10 * rtol;
        Assert.Equal(Math.Log(5), up.Time!.Value, tolerance);
        Assert.Equal(Math.Log(5), down.Time!.Value, tolerance);
        Assert.Null(up.Step);
    }

    [Fact]
    public void MarkersReachedAtTheStartKeepTimeZero()
    {
        var tracker = new MarkerTracker();
        var up = tracker.Add("up", 0.5, eventFunction: (_, y) => y[0] - 0.5);
        var higher = tracker.Add("higher", 5, eventFunction: (_, y) => y[0] - 5);
        up.Observe(0, 1.0);
        higher.Observe(0, 1.0);
        Assert.Equal(0, up.Time);
        var events = tracker.PendingEvents();
        Assert.Equal(new[] { "higher" }, events.Select(e => e.Name).ToArray());
        tracker.Locate(Integrate(+1, events, 1e-8).Events);
        Assert.Equal(0, up.Time);
        Assert.Equal(Math.Log(5), higher.Time!.Value, 10 * 1e-8);

        // An occurrence for a marker already set is kept out, unless it replaces (a located time over a sampled one).
        tracker.Locate([new OdeEventOccurrence("up", 0.25, [0.5])]);
        Assert.Equal(0, up.Time);
        tracker.Locate([new OdeEventOccurrence("up", 0.25, [0.5]), new OdeEventOccurrence("up", 0.75, [0.5])], replace: true);
        Assert.Equal(0.25, up.Time);
    }

    [Fact]
    public void RetiredEventsLocateTheSameCrossingAndStopEvaluating()
    {
        int calls = 0;
        var plain = new MarkerTracker();
        var plainUp = plain.Add("up", 5, eventFunction: (_, y) => y[0] - 5);
        var retiring = new MarkerTracker();
        var retiringUp = retiring.Add("up", 5, eventFunction: (_, y) =>
        {
            calls++;
            return y[0] - 5;
        });
        plain.Locate(Integrate(+1, plain.PendingEvents(), 1e-8).Events);
        int callsAtCrossing = -1;
        var solution = Integrate(+1, retiring.PendingEvents(retireOnceHeld: true), 1e-8, step =>
        {
            retiring.StepAccepted();
            if (callsAtCrossing < 0 && step.YEnd[0] >= 5) callsAtCrossing = calls;
            return true;
        });
        retiring.Locate(solution.Events);
        Assert.Equal(plainUp.Time, retiringUp.Time); // bit for bit
        Assert.True(solution.Statistics.AcceptedSteps > 3);
        // After the step that ends past the level, g is evaluated once more at most (the next step end, before the
        // step callback retires it) and then never again.
        Assert.InRange(calls - callsAtCrossing, 0, 1);
        Assert.Single(solution.Events);
    }
}
