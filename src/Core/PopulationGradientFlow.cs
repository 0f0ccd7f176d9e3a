using MathNet.Numerics.RootFinding;
using PhaseFlow.Ode;

namespace PhaseFlow.Core;

/// <summary>Population gradient flow ẇ = −∇L(w), per eigen-coordinate ẇ_i = 4λ_i(s* − 3s)w_i + 8λ_i u w*_i, integrated by an
/// adaptive ODE solver with dense output. Phase markers are located on the dense output to the solver's accuracy.</summary>
/// <remarks>The default integrator is explicit (Dormand–Prince 5(4)): right for short and moderately stiff horizons.
/// Long power-law horizons (t ≫ 1/λ_1) are stiff and need the Rosenbrock solver of PhaseFlow.Ode.</remarks>
public sealed record PopulationGradientFlow : IDirectSimulator
{
    /// <summary>Creates the simulator.</summary>
    /// <param name="relativeTolerance">rtol in (0, 1).</param>
    /// <param name="absoluteTolerance">atol ≥ 0.</param>
    /// <param name="integrator">ODE solver; null selects Dormand–Prince 5(4).</param>
    /// <param name="maxSteps">Step limit of the integrator.</param>
    public PopulationGradientFlow(double relativeTolerance = 1e-6, double absoluteTolerance = 1e-9, IOdeSolver? integrator = null,
        long maxSteps = 10_000_000)
    {
        if (!(relativeTolerance > 0 && relativeTolerance < 1))
            throw new InvalidParameterException("rtol", "in (0, 1)", InvalidParameterException.Format(relativeTolerance));
        Guard.NonNegative(absoluteTolerance, "atol");
        Guard.InRange(maxSteps, 1, long.MaxValue, "maxSteps");
        RelativeTolerance = relativeTolerance;
        AbsoluteTolerance = absoluteTolerance;
        Integrator = integrator ?? ExplicitRungeKutta.DormandPrince54();
        MaxSteps = maxSteps;
    }

    /// <summary>rtol.</summary>
    public double RelativeTolerance { get; }

    /// <summary>atol.</summary>
    public double AbsoluteTolerance { get; }

    /// <summary>The ODE solver.</summary>
    public IOdeSolver Integrator { get; }

    /// <summary>Step limit.</summary>
    public long MaxSteps { get; }

    /// <inheritdoc />
    public string Name => $"population GF ({Integrator.Name})";

    /// <inheritdoc />
    public TimeUnit Unit => TimeUnit.Time;

    /// <summary>The right-hand side −∇L(w) in the form the ODE solvers take.</summary>
    public static OdeFunction RightHandSide(PhaseRetrievalModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var lambda = model.Lambda.ToArray();
        var qt = model.QTeacher.ToArray();
        double sStar = model.SStar;
        return (_, w, dw) =>
        {
            var (s, u) = VectorKernels.QuadraticAndCross(lambda, qt, w);
            double alpha = 4 * (sStar - 3 * s), beta = 8 * u;
            for (int i = 0; i < w.Length; i++) dw[i] = alpha * lambda[i] * w[i] + beta * qt[i];
        };
    }

    /// <inheritdoc />
    public SimulationResult Solve(PhaseRetrievalProblem problem, SimulationOptions options, IProgress<SimulationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var model = problem.Model;
        var recorder = new RunRecorder(model, options, progress, Unit, double.NaN);
        double[] outputs = options.Output.Resolve(problem.Horizon, integerSteps: false);
        var ode = new OdeProblem(RightHandSide(model), 0, problem.InitialWeights, problem.Horizon);
        var scratch = new double[model.Dimension];
        var start = model.Statistics(problem.InitialWeights);
        recorder.Track(0, start.S, start.U);
        double sPrev = start.S, uPrev = start.U;
        long accepted = 0;
        bool OnStep(IDenseStep step)
        {
            accepted++;
            var end = model.Statistics(step.YEnd);
            if (recorder.NeedsEscape && Math.Abs(end.U) >= recorder.EscapeLevel)
                recorder.SetMarkers(Locate(step, w => Math.Abs(model.Statistics(w).U) - recorder.EscapeLevel, Math.Abs(uPrev) - recorder.EscapeLevel), null);
            if (recorder.NeedsCrossing && end.S >= recorder.CrossingLevel)
                recorder.SetMarkers(null, Locate(step, w => model.Statistics(w).S - recorder.CrossingLevel, sPrev - recorder.CrossingLevel));
            recorder.Track(step.TEnd, end.S, end.U);
            (sPrev, uPrev) = (end.S, end.U);
            recorder.Report(step.TEnd, problem.Horizon, accepted);
            return true;
        }
        double Locate(IDenseStep step, Func<double[], double> g, double gStart)
        {
            if (gStart >= 0) return step.TStart;
            double G(double t)
            {
                step.Interpolate(t, scratch);
                return g(scratch);
            }
            double tol = 1e-12 * Math.Max(1, Math.Abs(step.TEnd));
            return Brent.TryFindRoot(G, step.TStart, step.TEnd, tol, 100, out double root) ? root : step.TEnd;
        }
        var odeOptions = new OdeOptions
        {
            RelativeTolerance = RelativeTolerance,
            AbsoluteTolerance = AbsoluteTolerance,
            MaxSteps = MaxSteps,
            OutputTimes = outputs,
            OutputHandler = (t, w) => recorder.Record(t, w),
            StepCallback = OnStep,
        };
        OdeSolution solution;
        try
        {
            solution = Integrator.Solve(ode, odeOptions, null, cancellationToken);
        }
        catch (OdeIntegrationException e)
        {
            var failure = e.Failure switch
            {
                OdeFailure.MaxStepsExceeded => SimulationFailure.StepLimit,
                OdeFailure.NonFiniteValues => SimulationFailure.Diverged,
                _ => SimulationFailure.StepSizeTooSmall,
            };
            throw new SimulationFailedException(failure, $"{Name} stopped: {e.Message}", e.T, null, recorder.BuildTrajectory(), e);
        }
        recorder.Report(problem.Horizon, problem.Horizon, accepted, force: true);
        var st = solution.Statistics;
        return recorder.Result(solution.Y.ToArray(),
            new SimulationStatistics(Name, st.AcceptedSteps, st.RejectedSteps, st.FunctionEvaluations));
    }
}
