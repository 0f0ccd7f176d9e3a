using System.Globalization;
using PhaseFlow.Core;
using PhaseFlow.Foundation;

namespace PhaseFlow.Experiments.Validation;

/// <summary>The direct simulators checked against each other on any model: GF by Rodas4 + Woodbury against Dormand–Prince,
/// GD → GF as η → 0 at order 1, and the mean of online SGD over seeds against population GD. Phase retrieval's rows and
/// the other single-index models' rows (<see cref="ModelChecks"/>) run the same code.</summary>
internal static class SimulatorChecks
{
    /// <summary>Two independent integrators of the same flow at rtol 1e-9 (global errors ~1e-8): agreement to 1e-6, at 41
    /// log-spaced times. <paramref name="motion"/> appends how far u moved (for models whose motion is not obvious).</summary>
    public static ValidationResult RosenbrockVsExplicit(string check, PhaseRetrievalProblem problem, string setting, bool motion = false)
    {
        var options = new SimulationOptions { Output = OutputSchedule.LogSpaced(40, 0.01, includeInitial: true) };
        var implicitRun = new PopulationGradientFlow(1e-9, 1e-13).Solve(problem, options);
        var explicitRun = new PopulationGradientFlow(1e-9, 1e-13, GradientFlowIntegrator.DormandPrince54).Solve(problem, options);
        double worst = implicitRun.Trajectory.Samples.Zip(explicitRun.Trajectory.Samples,
            (p, q) => Math.Max(Math.Abs(p.U - q.U), Math.Abs(p.S - q.S))).Max();
        return new ValidationResult(check, worst, 1e-6,
            $"{setting}; max |Δu|, |Δs| at 41 times, both at rtol 1e-9; steps {implicitRun.Statistics.Steps} vs {explicitRun.Statistics.Steps}" +
            (motion ? Motion(problem, implicitRun) : ""));
    }

    /// <summary>Explicit Euler on the flow: the global error at a fixed time is O(η), so halving η halves it. The order is
    /// measured from the last two step sizes (the O(η²) remainder below 10 % there) and held to 1 ± 0.1.</summary>
    public static ValidationResult GdOrder(string check, PhaseRetrievalModel model, double[] w0, double horizon, int[] counts, string setting)
    {
        var gf = new PopulationGradientFlow(1e-12, 1e-15).Solve(new PhaseRetrievalProblem(model, w0, horizon),
            new SimulationOptions { Output = OutputSchedule.At(horizon) });
        var reference = gf.FinalWeights.ToArray();
        var errors = counts.Select(n =>
        {
            var gd = new PopulationGradientDescent(horizon / n).Solve(new PhaseRetrievalProblem(model, w0, n),
                new SimulationOptions { Output = OutputSchedule.At(n) });
            return Math.Sqrt(gd.FinalWeights.Select((x, i) => (x - reference[i]) * (x - reference[i])).Sum());
        }).ToArray();
        double order = Math.Log2(errors[^2] / errors[^1]);
        return new ValidationResult(check, Math.Abs(order - 1), 0.1,
            $"{setting}, t = {horizon}, η = {horizon / counts[0]:G3}…{horizon / counts[^1]:G3}; " +
            $"errors {string.Join(", ", errors.Select(e => e.ToString("E2", CultureInfo.InvariantCulture)))}; order {order:F3} (design 1)");
    }

    /// <summary>Online SGD is population GD plus a martingale of zero-mean gradient noise: the mean of u over the seeds
    /// follows GD's u within the sampling error, up to a bias of first order in η (the noise's second-order effect through
    /// the gradient's curvature). Tolerance at each of 30 sampled times: 4 standard errors of the mean + c·η, c from a
    /// measurement of the bias (<paramref name="biasNote"/>); the time with the largest error/tolerance is shown. With
    /// <paramref name="biasPerEta"/> null (a model whose bias was never measured) c is measured here, at 2η over the same
    /// seeds and flow times, as the largest (gap + 4 SE)/(2η): an upper bound of the first-order bias, so the row tests that
    /// halving η at least halves the gap beyond the sampling error.</summary>
    public static ValidationResult SgdVsPopulation(string check, PhaseRetrievalProblem problem, double eta, int seeds, double? biasPerEta,
        string setting, string span, string biasNote, bool motion = false)
    {
        long steps = (long)problem.Horizon;
        var times = Enumerable.Range(1, 30).Select(i => (double)(steps * i / 30)).ToArray();
        var (gaps, errors, population) = Gaps(problem, eta, seeds, times);
        double c;
        if (biasPerEta is { } given) c = given;
        else
        {
            var coarse = new PhaseRetrievalProblem(problem.Model, problem.InitialWeights.ToArray(), steps / 2);
            var (coarseGaps, coarseErrors, _) = Gaps(coarse, 2 * eta, seeds, times.Select(t => Math.Floor(t / 2)).ToArray());
            c = coarseGaps.Zip(coarseErrors, (g, se) => (g + 4 * se) / (2 * eta)).Max();
            biasNote = string.Create(CultureInfo.InvariantCulture, $"c measured at 2η as max (gap + 4 SE)/(2η)");
        }
        double worst = double.NegativeInfinity, worstError = 0, worstTolerance = 0;
        for (int j = 0; j < times.Length; j++)
        {
            double error = gaps[j], tolerance = 4 * errors[j] + c * eta;
            if (error / tolerance > worst) (worst, worstError, worstTolerance) = (error / tolerance, error, tolerance);
        }
        string cText = biasPerEta is null ? c.ToString("G3", CultureInfo.InvariantCulture) : c.ToString(CultureInfo.InvariantCulture);
        return new ValidationResult(check, worstError, worstTolerance,
            $"{setting}, η = {eta}, {span}, {seeds} seeds, 30 times; the time with the largest " +
            $"error/tolerance is shown; tolerance 4 SE + {cText}η ({biasNote})" +
            (motion ? Motion(problem, population) : ""));
    }

    /// <summary>|mean of u over the seeds − GD's u| and the standard error of the mean, at <paramref name="times"/> (steps).</summary>
    private static (double[] Gaps, double[] StandardErrors, SimulationResult Population) Gaps(PhaseRetrievalProblem problem, double eta, int seeds, double[] times)
    {
        var options = new SimulationOptions { Output = OutputSchedule.At(times) };
        var population = new PopulationGradientDescent(eta).Solve(problem, options);
        double[] gd = population.Trajectory.Samples.Select(p => p.U).ToArray();
        double[][] runs;
        try
        {
            runs = Enumerable.Range(0, seeds).AsParallel().AsOrdered()
                .Select(seed => new OnlineSgd(eta, seed: 1000 + seed).Solve(problem, options).Trajectory.Samples.Select(p => p.U).ToArray()).ToArray();
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<SimulationFailedException>().FirstOrDefault() is { } first)
        {
            // The seeds run in parallel; a failure of one is the check's failure, reported as the simulator said it.
            throw first;
        }
        var gaps = new double[times.Length];
        var errors = new double[times.Length];
        for (int j = 0; j < times.Length; j++)
        {
            double mean = runs.Average(r => r[j]);
            errors[j] = Math.Sqrt(runs.Sum(r => (r[j] - mean) * (r[j] - mean)) / (seeds - 1) / seeds);
            gaps[j] = Math.Abs(mean - gd[j]);
        }
        return (gaps, errors, population);
    }

    /// <summary>u at the start and at the end of a run, and the MSE's fall: evidence that the check saw a moving model.</summary>
    private static string Motion(PhaseRetrievalProblem problem, SimulationResult run)
    {
        var model = problem.Model;
        var last = run.Trajectory.Samples[^1];
        return string.Create(CultureInfo.InvariantCulture,
            $"; u {model.Statistics(problem.InitialWeights).U:F3} → {last.U:F3}, MSE {model.Mse(problem.InitialWeights):G3} → {last.Mse:G3}");
    }
}
