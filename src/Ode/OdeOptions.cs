namespace PhaseFlow.Ode;

/// <summary>Error control, output and limits of an integration. Immutable (lists are copied when set); use <c>with</c> to vary.</summary>
public sealed record OdeOptions
{
    /// <summary>Relative tolerance, in (0, 1). Default 1e-6.</summary>
    public double RelativeTolerance { get; init; } = 1e-6;

    /// <summary>Absolute tolerance applied to every component, ≥ 0 (with <see cref="RelativeTolerance"/>
    /// it must not make the scale zero). Default 1e-9.</summary>
    public double AbsoluteTolerance { get; init; } = 1e-9;

    /// <summary>Optional per-component relative tolerances, each in (0, 1); overrides <see cref="RelativeTolerance"/>.</summary>
    public IReadOnlyList<double>? RelativeTolerances { get; init => field = value?.ToArray().AsReadOnly(); }

    /// <summary>Optional per-component absolute tolerances; overrides <see cref="AbsoluteTolerance"/>.</summary>
    public IReadOnlyList<double>? AbsoluteTolerances { get; init => field = value?.ToArray().AsReadOnly(); }

    /// <summary>First step size; null chooses it automatically (Hairer's starting-step algorithm).</summary>
    public double? InitialStep { get; init; }

    /// <summary>When set, every step has exactly this size (the last one shortened to land on tEnd) and no error
    /// control is done: for convergence studies and for methods without an error estimate.</summary>
    public double? FixedStep { get; init; }

    /// <summary>Largest step allowed. Default: unbounded.</summary>
    public double MaxStep { get; init; } = double.PositiveInfinity;

    /// <summary>Largest number of steps (accepted + rejected) before the run stops with an error.</summary>
    public long MaxSteps { get; init; } = 10_000_000;

    /// <summary>Times at which the solution is reported (ascending, within [t0, tEnd]); values come from the
    /// method's dense output, not from shortened steps.</summary>
    public IReadOnlyList<double> OutputTimes { get; init => field = value?.ToArray().AsReadOnly()!; } = [];

    /// <summary>Receives each output time; when null, outputs are stored in the solution.</summary>
    public OdeOutputHandler? OutputHandler { get; init; }

    /// <summary>Called after every accepted step with a view of that step (its dense output included);
    /// returning false stops the integration at the end of that step.</summary>
    public Func<IDenseStep, bool>? StepCallback { get; init; }

    /// <summary>Events located on the dense output after each accepted step.</summary>
    public IReadOnlyList<OdeEvent> Events { get; init => field = value?.ToArray().AsReadOnly()!; } = [];

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    public void Validate(OdeProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (!(RelativeTolerance > 0 && RelativeTolerance < 1))
            throw new ArgumentOutOfRangeException(nameof(RelativeTolerance), RelativeTolerance, "RelativeTolerance must be in (0, 1).");
        if (!(AbsoluteTolerance >= 0) || !double.IsFinite(AbsoluteTolerance))
            throw new ArgumentOutOfRangeException(nameof(AbsoluteTolerance), AbsoluteTolerance, "AbsoluteTolerance must be finite and >= 0.");
        if (RelativeTolerances is { } rtols)
        {
            if (rtols.Count != problem.Dimension)
                throw new ArgumentOutOfRangeException(nameof(RelativeTolerances), rtols.Count, $"RelativeTolerances must have {problem.Dimension} entries.");
            for (int i = 0; i < rtols.Count; i++)
                if (!(rtols[i] > 0 && rtols[i] < 1))
                    throw new ArgumentOutOfRangeException(nameof(RelativeTolerances), rtols[i], $"RelativeTolerances[{i}] must be in (0, 1).");
        }
        if (AbsoluteTolerances is { } atols)
        {
            if (atols.Count != problem.Dimension)
                throw new ArgumentOutOfRangeException(nameof(AbsoluteTolerances), atols.Count, $"AbsoluteTolerances must have {problem.Dimension} entries.");
            for (int i = 0; i < atols.Count; i++)
                if (!(atols[i] >= 0) || !double.IsFinite(atols[i]))
                    throw new ArgumentOutOfRangeException(nameof(AbsoluteTolerances), atols[i], $"AbsoluteTolerances[{i}] must be finite and >= 0.");
        }
        if (InitialStep is { } h0 && !(h0 > 0 && double.IsFinite(h0)))
            throw new ArgumentOutOfRangeException(nameof(InitialStep), h0, "InitialStep must be finite and > 0.");
        if (FixedStep is { } hf && !(hf > 0 && double.IsFinite(hf)))
            throw new ArgumentOutOfRangeException(nameof(FixedStep), hf, "FixedStep must be finite and > 0.");
        if (!(MaxStep > 0))
            throw new ArgumentOutOfRangeException(nameof(MaxStep), MaxStep, "MaxStep must be > 0.");
        if (MaxSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, "MaxSteps must be >= 1.");
        double previous = double.NegativeInfinity;
        for (int i = 0; i < OutputTimes.Count; i++)
        {
            double t = OutputTimes[i];
            if (!(t >= problem.T0 && t <= problem.TEnd) || t < previous)
                throw new ArgumentOutOfRangeException(nameof(OutputTimes), t,
                    $"OutputTimes[{i}] must be ascending and within [{problem.T0}, {problem.TEnd}].");
            previous = t;
        }
    }
}

/// <summary>Progress of a running integration.</summary>
/// <param name="T">Current time.</param>
/// <param name="T0">Initial time.</param>
/// <param name="TEnd">Final time.</param>
/// <param name="AcceptedSteps">Steps accepted so far.</param>
public readonly record struct OdeProgress(double T, double T0, double TEnd, long AcceptedSteps)
{
    /// <summary>Fraction of the interval covered, in [0, 1].</summary>
    public double Fraction => (T - T0) / (TEnd - T0);
}
