using PhaseFlow.Core;
using PhaseFlow.Foundation;

namespace PhaseFlow.Experiments.Reproduce;

/// <summary>Building blocks the experiments share: problems with fixed seeds, sampling grids, progress splitting.</summary>
internal static class Runs
{
    /// <summary>Teacher seed and initialisation seed of every reproduced run (a seed fixes every draw).</summary>
    public const int TeacherSeed = 1, InitSeed = 2;

    /// <summary>A power-law problem λ_i ∝ i^{−a} (trace 1), Gaussian teacher with s* = 1, random unit start.</summary>
    public static PhaseRetrievalProblem PowerLaw(int d, double a, double horizon) => Of(Spectrum.PowerLaw(d, a), horizon);

    /// <summary>The problem on <paramref name="spectrum"/> with the shared seeds.</summary>
    public static PhaseRetrievalProblem Of(Spectrum spectrum, double horizon) =>
        new(new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, TeacherSeed)), Initialization.Sphere(spectrum.Dimension, InitSeed), horizon);

    /// <summary>Output times for a discrete run of <paramref name="steps"/> steps: <paramref name="linear"/> evenly spaced
    /// steps up to <paramref name="linearEnd"/> (default: all; resolving Phase I's exponential growth) merged with
    /// <paramref name="logarithmic"/> log-spaced ones from step 1 (resolving the algebraic phases), and step 0.</summary>
    public static OutputSchedule StepGrid(long steps, int linear, int logarithmic, long? linearEnd = null)
    {
        var times = new SortedSet<double> { 0 };
        long end = Math.Clamp(linearEnd ?? steps, 1, steps);
        for (int i = 1; i <= linear; i++) times.Add(Math.Max(1, Math.Round((double)end * i / linear)));
        for (int i = 0; i < logarithmic; i++) times.Add(Math.Round(Math.Pow(steps, (double)i / (logarithmic - 1))));
        return OutputSchedule.At([.. times]);
    }

    /// <summary>Reports the i-th of n equal parts of an experiment's progress.</summary>
    public static IProgress<SimulationProgress>? Part(IProgress<double>? progress, int index, int count) =>
        progress is null ? null : new SynchronousProgress<SimulationProgress>(p => progress.Report((index + p.Fraction) / count));

    /// <summary>Flow time of a sample (steps × η for discrete dynamics).</summary>
    public static double FlowTime(Trajectory trajectory, double t) => trajectory.Unit == TimeUnit.Steps ? t * trajectory.StepSize : t;

    /// <summary>Columns t (flow time), s, u, mse of a trajectory, for CSV tables and curves.</summary>
    public static double[][] Rows(Trajectory trajectory, params double[] extra) =>
        trajectory.Samples.Select(p => (double[])[.. extra, FlowTime(trajectory, p.T), p.S, p.U, p.Mse]).ToArray();
}
