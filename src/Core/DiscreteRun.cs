using PhaseFlow.Foundation;

namespace PhaseFlow.Core;

/// <summary>The state after one discrete step: s, u, P(s, u, s*) (for the divergence check) and P_s (for the critical
/// crossing), the last two from the one evaluation of P's derivatives the step makes.</summary>
internal readonly record struct DiscreteState(double S, double U, double P, double Ps);

/// <summary>The step loop of the discrete simulators (GD, online SGD): steps 1..horizon of an update of w, each followed
/// by the markers and the divergence check, the samples at the output steps, cancellation and progress every
/// <c>reportEvery</c> steps. The update is the simulator's own; the loop adds no arithmetic of its own.</summary>
internal sealed class DiscreteRun
{
    private readonly double[] _outputs;

    /// <summary>Validates the problem and the options and prepares the run (w = w(0), copied; into a 32-byte-aligned buffer
    /// when <paramref name="alignWeights"/>, else into a whole array of its own).</summary>
    public DiscreteRun(IDirectSimulator simulator, double stepSize, PhaseRetrievalProblem problem, SimulationOptions options,
        IProgress<SimulationProgress>? progress, bool stochastic, bool alignWeights = false)
    {
        ArgumentNullException.ThrowIfNull(problem);
        SimulationMemory.EnsureFits(simulator, problem.Model.Dimension);
        Steps = DiscreteSteps.Count(problem.Horizon);
        Name = simulator.Name;
        Recorder = new RunRecorder(Name, problem.Model, options, progress, simulator.Unit, stepSize);
        Recorder.Notes = SimulationNote.ForStart(problem, stochastic);
        _outputs = options.Output.Resolve(problem.Horizon, integerSteps: true);
        Weights = alignWeights ? VectorKernels.Aligned(problem.InitialWeights.ToArray()) : problem.InitialWeights.ToArray();
    }

    /// <summary>The simulator's name.</summary>
    public string Name { get; }

    /// <summary>Number of steps.</summary>
    public long Steps { get; }

    /// <summary>w, updated in place by the step (the whole of its array unless aligned).</summary>
    public ArraySegment<double> Weights { get; }

    /// <summary>The run's samples and markers.</summary>
    public RunRecorder Recorder { get; }

    /// <summary>Runs the loop from the start's (s, u); <paramref name="step"/>(k) moves w from step k − 1 to k and returns
    /// the new (s, u) and P's derivatives there (for the markers and the divergence check). <paramref name="reportEvery"/> is a
    /// power of two. A step may leave part of its update of w pending (online SGD finishes it in the next step's pass);
    /// <paramref name="settle"/> then completes w before it is recorded or returned.</summary>
    public SimulationResult Run(double s0, double u0, Func<long, DiscreteState> step, long reportEvery, long evaluationsPerStep,
        CancellationToken cancellationToken, Action? settle = null)
    {
        var recorder = Recorder;
        var w = Weights.AsSpan();
        long steps = Steps, mask = reportEvery - 1;
        recorder.Track(0, s0, u0);
        int next = 0;
        if (_outputs[0] == 0) { recorder.Record(0, w); next++; }
        for (long k = 1; k <= steps; k++)
        {
            var state = step(k);
            recorder.Track(k, state); // throws on a non-finite s, u or loss
            if (next < _outputs.Length && _outputs[next] == k)
            {
                settle?.Invoke();
                recorder.Record(k, w);
                next++;
            }
            if ((k & mask) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                recorder.Report(k, steps, k);
            }
        }
        recorder.Report(steps, steps, steps, force: true);
        settle?.Invoke();
        return recorder.Result(Weights.Offset == 0 && Weights.Count == Weights.Array!.Length ? Weights.Array : w.ToArray(), new SimulationStatistics(Name, steps, 0, steps * evaluationsPerStep));
    }
}
