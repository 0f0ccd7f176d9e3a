using System.Globalization;

namespace PhaseFlow.Foundation;

/// <summary>When a simulator records samples: given times, or log-spaced times up to the horizon.</summary>
public abstract record OutputSchedule
{
    private OutputSchedule() { }

    /// <summary>Exactly these times (each in [0, horizon]); sorted and de-duplicated when resolved.</summary>
    public static OutputSchedule At(params double[] times) => new Given(times.ToArray());

    /// <summary><paramref name="count"/> ≥ 2 geometrically spaced times from <paramref name="from"/> &gt; 0 to the horizon,
    /// preceded by t = 0 when <paramref name="includeInitial"/> is set.</summary>
    public static OutputSchedule LogSpaced(int count, double from, bool includeInitial = false) => new Logarithmic(count, from, includeInitial);

    /// <summary>The concrete times for a run to <paramref name="horizon"/>; with <paramref name="integerSteps"/>
    /// every time is rounded to a whole step and duplicates are dropped.</summary>
    /// <exception cref="InvalidParameterException">A time lies outside [0, horizon] or the spacing is invalid.</exception>
    public abstract double[] Resolve(double horizon, bool integerSteps);

    private static double[] Finish(IEnumerable<double> times, bool integerSteps)
    {
        var result = (integerSteps ? times.Select(t => Math.Round(t)) : times).Distinct().Order().ToArray();
        // A NaN here would never be reached by a discrete run: its samples would be lost without a word.
        if (result.Length == 0 || !result.All(double.IsFinite)) throw new InvalidOperationException("output schedule resolved to no finite times");
        return result;
    }

    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    private sealed record Given(double[] Times) : OutputSchedule
    {
        public override double[] Resolve(double horizon, bool integerSteps)
        {
            if (Times.Length == 0) throw new InvalidParameterException("times", "a non-empty list", "[]");
            for (int i = 0; i < Times.Length; i++)
                if (!(Times[i] >= 0 && Times[i] <= horizon))
                    throw new InvalidParameterException($"times[{i}]", $"in [0, horizon = {F(horizon)}]", F(Times[i]));
            return Finish(Times, integerSteps);
        }
    }

    private sealed record Logarithmic(int Count, double From, bool IncludeInitial) : OutputSchedule
    {
        public override double[] Resolve(double horizon, bool integerSteps)
        {
            Guard.InRange(Count, 2, 1_000_000, "logSpaced");
            if (!(From > 0 && From < horizon))
                throw new InvalidParameterException("from", $"in (0, horizon = {F(horizon)})", F(From));
            // horizon/from overflows for a tiny from: then the difference of logarithms (kept otherwise, for identical times).
            double quotient = horizon / From;
            double ratio = (double.IsFinite(quotient) ? Math.Log(quotient) : Math.Log(horizon) - Math.Log(From)) / (Count - 1);
            var times = new double[Count];
            for (int i = 0; i < Count; i++) times[i] = From * Math.Exp(ratio * i);
            times[^1] = horizon;
            return Finish(IncludeInitial ? times.Prepend(0) : times, integerSteps);
        }
    }
}
