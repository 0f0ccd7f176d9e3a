using PhaseFlow.Foundation;
using PhaseFlow.Ode;

namespace PhaseFlow.Core.Tests;

public class SimulatorTests
{
    private static PhaseRetrievalModel PowerLaw(int d, double a, int seed)
    {
        var sp = Spectrum.PowerLaw(d, a);
        return new PhaseRetrievalModel(sp, Teacher.Gaussian(sp, seed));
    }

    /// <summary>Q = λI closes at order one (spec §3); both sides at rtol 1e-10 agree to ~1e-8.</summary>
    [Theory]
    [InlineData(50, 1)]
    [InlineData(300, 2)]
    public void IsotropicGradientFlowFollowsTheTwoDimensionalSystem(int d, int seed)
    {
        double lambda = 2.0 / d, horizon = 10.0 * d;
        var sp = Spectrum.Isotropic(d, lambda);
        var model = new PhaseRetrievalModel(sp, Teacher.Gaussian(sp, seed, TeacherNormalization.NormD));
        var w0 = Initialization.Gaussian(d, seed + 1);
        var times = Enumerable.Range(0, 51).Select(i => horizon * i / 50).ToArray();
        var direct = new PopulationGradientFlow(1e-10, 1e-14).Solve(new PhaseRetrievalProblem(model, w0, horizon),
            new SimulationOptions { Output = OutputSchedule.At(times) });
        double sStar = model.SStar;
        var st0 = model.Statistics(w0);
        var reduced = ExplicitRungeKutta.DormandPrince54().Solve(new OdeProblem((_, y, dy) =>
        {
            dy[0] = 12 * lambda * y[0] * (sStar - y[1]);
            dy[1] = 8 * lambda * (sStar - 3 * y[1]) * y[1] + 16 * lambda * y[0] * y[0];
        }, 0, [st0.U, st0.S], horizon), new OdeOptions { RelativeTolerance = 1e-10, AbsoluteTolerance = 1e-14, OutputTimes = times });
        for (int i = 0; i < times.Length; i++)
        {
            var p = direct.Trajectory.Samples[i];
            Assert.Equal(reduced.OutputStates[i][0], p.U, 1e-7 * sStar);
            Assert.Equal(reduced.OutputStates[i][1], p.S, 1e-7 * sStar);
        }
        // The run must have gone through escape to convergence for the comparison to mean anything.
        Assert.True(Math.Abs(direct.Trajectory.Samples[^1].U) > 0.99 * sStar);
    }

    /// <summary>Rodas4 + Woodbury and Dormand–Prince are independent integrators of the same flow: on a non-stiff run at
    /// rtol 1e-9 both carry global errors ~1e-8, so they agree to 1e-6 through escape and convergence.</summary>
    [Theory]
    [InlineData(1.5, 1)]
    [InlineData(3.0, 2)]
    public void RosenbrockAndDormandPrinceAgreeOnTheFlow(double a, int seed)
    {
        var (implicitRun, _) = GenericSimulatorTests.RodasAndDormandPrince(
            new PhaseRetrievalProblem(PowerLaw(60, a, seed), Initialization.Sphere(60, seed + 1), 200));
        Assert.True(Math.Abs(implicitRun.Trajectory.Samples[^1].U) > 0.9);
    }

    /// <summary>With s and u frozen the flow is linear, ẇ_i = αλ_i w_i + β λ_i w*_i, with the closed form
    /// w_i(t) = e^{αλ_i t} w_i(0) + βλ_i w*_i (e^{αλ_i t} − 1)/(αλ_i). Rodas4 with the diagonal (rank-0) Woodbury solver
    /// must follow it over twelve decades of stiffness at the requested tolerance.</summary>
    [Fact]
    public void RosenbrockFollowsTheFrozenLinearFlowExactly()
    {
        int d = 2000;
        var model = PowerLaw(d, 2, 13);
        var lambda = model.Lambda.ToArray();
        var qt = model.QTeacher.ToArray();
        var w0 = Initialization.Sphere(d, 14);
        double alpha = 4 * (model.SStar - 3 * 1.0), beta = 8 * 0.9, horizon = 1e7;
        var problem = new OdeProblem((_, w, dw) => VectorKernels.FlowField(lambda, qt, w, dw, alpha, beta), 0, w0, horizon);
        var jacobian = new DiagonalLowRankJacobianSolver(d, 0, (_, _, diagonal, _, _) =>
        {
            for (int i = 0; i < d; i++) diagonal[i] = alpha * lambda[i];
        });
        double[] times = [1, 100, 1e4, 1e6, 1e7];
        var sol = Rosenbrock.Rodas4(jacobian, autonomous: true).Solve(problem,
            new OdeOptions { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-12, OutputTimes = times });
        for (int k = 0; k < times.Length; k++)
        {
            double t = times[k], worst = 0;
            for (int i = 0; i < d; i++)
            {
                double rate = alpha * lambda[i], decay = Math.Exp(rate * t);
                double exact = decay * w0[i] + beta * qt[i] * double.ExpM1(rate * t) / rate;
                worst = Math.Max(worst, Math.Abs(sol.OutputStates[k][i] - exact));
            }
            Assert.True(worst < 1e-6, $"t = {t}: max error {worst:E2}");
        }
        Assert.True(sol.Statistics.AcceptedSteps < 2000, $"{sol.Statistics.AcceptedSteps} steps");
    }

    /// <summary>GD is explicit Euler on the flow: the error at fixed time halves with η (order 1).</summary>
    [Fact]
    public void GradientDescentConvergesToGradientFlowAtFirstOrder() =>
        GenericSimulatorTests.AssertGradientDescentIsFirstOrder(PowerLaw(30, 2, 5), Initialization.Sphere(30, 6));

    [Fact]
    public void GradientDescentStepMatchesTheGradient()
    {
        var model = PowerLaw(17, 1.5, 8);
        var w0 = Initialization.Sphere(17, 9);
        double eta = 0.3;
        var gd = new PopulationGradientDescent(eta).Solve(new PhaseRetrievalProblem(model, w0, 1), new SimulationOptions { Output = OutputSchedule.At(1) });
        var g = new double[17];
        model.Gradient(w0, g);
        for (int i = 0; i < 17; i++) Assert.Equal(w0[i] - eta * g[i], gd.FinalWeights[i], 1e-15);
    }

    [Fact]
    public void DivergingGradientDescentReportsTheStep()
    {
        var model = PowerLaw(20, 1, 1);
        var e = Assert.Throws<SimulationFailedException>(() => new PopulationGradientDescent(50).Solve(
            new PhaseRetrievalProblem(model, Initialization.Sphere(20, 2, 3), 10_000), new SimulationOptions { Output = OutputSchedule.At(0, 5000) }));
        Assert.Equal(SimulationFailure.Diverged, e.Failure);
        Assert.NotNull(e.Step);
        Assert.InRange(e.Step!.Value, 1, 100);
        Assert.Equal(e.Step.Value * 50, e.Time);
        Assert.Contains($"step {e.Step}", e.Message);
        Assert.Single(e.Partial.Samples); // the t = 0 sample
    }

    [Fact]
    public void DivergingSgdReportsTheStep()
    {
        var model = PowerLaw(20, 1, 1);
        var e = Assert.Throws<SimulationFailedException>(() => new OnlineSgd(5, 0, 1, 4).Solve(
            new PhaseRetrievalProblem(model, Initialization.Sphere(20, 2, 3), 10_000), new SimulationOptions { Output = OutputSchedule.At(5000) }));
        Assert.Equal(SimulationFailure.Diverged, e.Failure);
        Assert.InRange(e.Step!.Value, 1, 1000);
    }

    [Fact]
    public void SgdIsBitIdenticalForASeedAndDiffersAcrossSeeds()
    {
        var model = PowerLaw(40, 2, 3);
        var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(40, 4), 500);
        var options = new SimulationOptions { Output = OutputSchedule.At(500) };
        var a = new OnlineSgd(0.01, 0.05, 2, 7).Solve(problem, options).FinalWeights;
        var b = new OnlineSgd(0.01, 0.05, 2, 7).Solve(problem, options).FinalWeights;
        var c = new OnlineSgd(0.01, 0.05, 2, 8).Solve(problem, options).FinalWeights;
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    /// <summary>SGD follows s and u in O(1) per step from the sample's sums and recomputes them every
    /// <see cref="OnlineSgd.ExactEvery"/> steps. Over 10^6 steps the tracked values stay within 1e-12 (relative; u relative
    /// to √(s s*), its Cauchy–Schwarz scale) of a recomputation from w: between recomputations the drift is at most K = 1024
    /// updates' rounding, each ≲ (d + 2)·2^-53 of the scale here (d = 8), so K·10·1.1e-16 ≈ 1.1e-12 at the very worst and
    /// √K times less for rounding errors of random sign. Settling w every step (the probe does) changes no bit of the run.</summary>
    [Fact]
    public void SgdOverlapUpdatesStayWithinRoundingOfTheExactOnes()
    {
        const int d = 8, steps = 1_000_000;
        var model = PowerLaw(d, 1, 5);
        var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(d, 6), steps);
        var options = new SimulationOptions { Output = OutputSchedule.At(steps) };
        double worstS = 0, worstU = 0;
        long checkedSteps = 0;
        var probed = new OnlineSgd(0.01, 0.05, 1, 7)
        {
            DriftProbe = (_, tracked, exact) =>
            {
                worstS = Math.Max(worstS, Math.Abs(tracked.S - exact.S) / exact.S);
                worstU = Math.Max(worstU, Math.Abs(tracked.U - exact.U) / Math.Sqrt(exact.S * model.SStar));
                checkedSteps++;
            },
        }.Solve(problem, options);
        Assert.Equal(steps, checkedSteps);
        Assert.True(worstS <= 1e-12 && worstU <= 1e-12, $"drift of s {worstS:E2}, of u {worstU:E2}");
        Assert.True(Math.Abs(probed.Trajectory.Samples[^1].U) > 0.5, "the run must move (escape) for the check to mean anything");
        Assert.Equal(new OnlineSgd(0.01, 0.05, 1, 7).Solve(problem, options).FinalWeights, probed.FinalWeights);
    }

    /// <summary>The recorded samples do not depend on which steps are recorded: w is settled before a sample, with the same
    /// arithmetic the next step would have used.</summary>
    [Fact]
    public void SgdRunDoesNotDependOnTheOutputSchedule()
    {
        var model = PowerLaw(30, 2, 8);
        var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(30, 9), 3000);
        var every = Enumerable.Range(0, 3001).Select(k => (double)k).ToArray();
        var dense = new OnlineSgd(0.01, 0.05, 1, 3).Solve(problem, new SimulationOptions { Output = OutputSchedule.At(every) });
        var sparse = new OnlineSgd(0.01, 0.05, 1, 3).Solve(problem, new SimulationOptions { Output = OutputSchedule.At(1000, 3000) });
        Assert.Equal(dense.FinalWeights, sparse.FinalWeights);
        var (a, b) = (dense.Trajectory.Samples.Single(p => p.T == 1000), sparse.Trajectory.Samples[0]);
        Assert.Equal((a.S, a.U, a.Mse), (b.S, b.U, b.Mse));
        Assert.Equal((dense.Markers.EscapeTime, dense.Markers.CriticalCrossingTime), (sparse.Markers.EscapeTime, sparse.Markers.CriticalCrossingTime));
    }

    /// <summary>Mini-batch SGD with small η follows GF: E[w_SGD] − w_GF = O(η) and the fluctuation is O(√(η/B)).
    /// Averaged over R runs at η = 1e-3, B = 8, both are well below 0.05 in u over the escape.</summary>
    [Fact]
    public void SmallStepSgdTracksGradientFlowOnAverage()
    {
        int d = 10, runs = 8;
        var sp = Spectrum.Isotropic(d, 0.5);
        var model = new PhaseRetrievalModel(sp, Teacher.Gaussian(sp, 1));
        var w0 = Initialization.Sphere(d, 2, 0.3);
        double eta = 1e-3, horizon = 2;
        int steps = (int)(horizon / eta);
        var gf = new PopulationGradientFlow(1e-10, 1e-14).Solve(new PhaseRetrievalProblem(model, w0, horizon),
            new SimulationOptions { Output = OutputSchedule.At(horizon) });
        double meanU = Enumerable.Range(0, runs).Average(r => new OnlineSgd(eta, 0.05, 8, 100 + r)
            .Solve(new PhaseRetrievalProblem(model, w0, steps), new SimulationOptions { Output = OutputSchedule.At(steps) })
            .Trajectory.Samples[^1].U);
        Assert.True(Math.Abs(gf.Trajectory.Samples[^1].U) > 0.3, "the horizon must include growth of u");
        Assert.Equal(gf.Trajectory.Samples[^1].U, meanU, 0.05);
    }

    [Fact]
    public void GradientFlowMarkersAreLocatedOnTheDenseOutput()
    {
        var model = PowerLaw(200, 2, 11);
        var w0 = Initialization.Sphere(200, 12);
        var result = new PopulationGradientFlow(1e-9, 1e-13).Solve(new PhaseRetrievalProblem(model, w0, 20), new SimulationOptions());
        var markers = result.Markers;
        Assert.NotNull(markers.EscapeTime);
        Assert.NotNull(markers.CriticalCrossingTime);
        var atMarkers = new PopulationGradientFlow(1e-11, 1e-15).Solve(new PhaseRetrievalProblem(model, w0, 20),
            new SimulationOptions { Output = OutputSchedule.At(markers.EscapeTime!.Value, markers.CriticalCrossingTime!.Value) });
        var samples = atMarkers.Trajectory.Samples.OrderBy(s => s.T).ToArray();
        var escape = samples.Single(s => s.T == markers.EscapeTime);
        var crossing = samples.Single(s => s.T == markers.CriticalCrossingTime);
        Assert.Equal(0.5 * model.SStar, Math.Abs(escape.U), 1e-6);
        Assert.Equal(model.SStar / 3, crossing.S, 1e-6);
    }

    [Fact]
    public void GradientDescentMarkersAreTheFirstStepsPastTheThresholds()
    {
        var model = PowerLaw(100, 2, 11);
        var w0 = Initialization.Sphere(100, 12);
        var result = new PopulationGradientDescent(0.05).Solve(new PhaseRetrievalProblem(model, w0, 400),
            new SimulationOptions { Output = OutputSchedule.At(Enumerable.Range(0, 401).Select(i => (double)i).ToArray()) });
        long crossing = (long)result.Markers.CriticalCrossingTime!.Value;
        var samples = result.Trajectory.Samples;
        Assert.True(samples[(int)crossing].S >= model.SStar / 3);
        Assert.True(samples[(int)crossing - 1].S < model.SStar / 3);
    }

    [Fact]
    public void ObserverAndExtraColumnsSeeEverySample()
    {
        var model = PowerLaw(25, 1.5, 2);
        var observer = new CountingObserver(model);
        var result = new PopulationGradientFlow().Solve(new PhaseRetrievalProblem(model, Initialization.Sphere(25, 3), 5),
            new SimulationOptions { Output = OutputSchedule.LogSpaced(10, 0.1, includeInitial: true), ExtraColumns = model.MomentColumns(3), Observer = observer });
        Assert.Equal(11, result.Trajectory.Samples.Count);
        Assert.Equal(11, observer.Count);
        Assert.Equal(["t", "s", "u", "mse", "loss", "s2", "u2", "s3", "u3"], result.Trajectory.Columns);
        Assert.All(observer.Checks, c => Assert.Equal(c.Expected, c.Actual, 1e-15));
        Assert.Equal(0, result.Trajectory.Samples[0].T);
        Assert.Equal(5, result.Trajectory.Samples[^1].T);
        var csv = new StringWriter();
        result.Trajectory.WriteCsv(csv);
        Assert.StartsWith("t,s,u,mse,loss,s2,u2,s3,u3\n0,", csv.ToString());
    }

    /// <summary>Recomputes s, s^(2) and u^(3) from the weights it is handed and pairs them with the recorded values.</summary>
    private sealed class CountingObserver(PhaseRetrievalModel model) : ITrajectoryObserver
    {
        public int Count;
        public readonly List<(double Expected, double Actual)> Checks = [];

        public void OnSample(TrajectorySample sample, ReadOnlySpan<double> w)
        {
            Count++;
            Checks.Add((model.Statistics(w).S, sample.S));
            Checks.Add((model.S(w, 2), sample.Extra[0]));
            Checks.Add((model.U(w, 3), sample.Extra[3]));
        }
    }

    [Fact]
    public void OutputScheduleResolvesAndValidates()
    {
        var log = OutputSchedule.LogSpaced(5, 1).Resolve(1e4, integerSteps: false);
        Assert.Equal([1, 10, 100, 1000, 1e4], log.Select(x => Math.Round(x, 9)).ToArray());
        Assert.Equal([0, 1, 2, 3, 4, 5, 6], OutputSchedule.LogSpaced(30, 1, true).Resolve(6, integerSteps: true));
        var e = Assert.Throws<InvalidParameterException>(() => OutputSchedule.At(1, 20).Resolve(10, false));
        Assert.Equal("times[1]", e.Parameter);
        Assert.Equal("from", Assert.Throws<InvalidParameterException>(() => OutputSchedule.LogSpaced(5, 20).Resolve(10, false)).Parameter);
    }

    [Fact]
    public void InvalidSimulatorSettingsAreTypedErrors()
    {
        Assert.Equal("eta", Assert.Throws<InvalidParameterException>(() => new PopulationGradientDescent(0)).Parameter);
        Assert.Equal("noise", Assert.Throws<InvalidParameterException>(() => new OnlineSgd(0.1, -1)).Parameter);
        Assert.Equal("batch", Assert.Throws<InvalidParameterException>(() => new OnlineSgd(0.1, 0, 0)).Parameter);
        Assert.Equal("rtol", Assert.Throws<InvalidParameterException>(() => new PopulationGradientFlow(2)).Parameter);
        var model = PowerLaw(5, 2, 1);
        var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(5, 1), 10.5);
        Assert.Equal("horizon", Assert.Throws<InvalidParameterException>(() => new PopulationGradientDescent(0.1).Solve(problem, new SimulationOptions())).Parameter);
        Assert.Equal("horizon", Assert.Throws<InvalidParameterException>(() => new PhaseRetrievalProblem(model, new double[5], -1)).Parameter);
    }

    [Fact]
    public void CancellationAndProgressWork()
    {
        var model = PowerLaw(50, 2, 1);
        var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(50, 1), 100_000);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => new PopulationGradientDescent(0.01).Solve(problem, new SimulationOptions(), null, cts.Token));
        var reports = new List<SimulationProgress>();
        new PopulationGradientDescent(0.01).Solve(problem, new SimulationOptions(), new Sync(reports.Add));
        Assert.Equal(1, reports[^1].Fraction);
    }

    private sealed class Sync(Action<SimulationProgress> action) : IProgress<SimulationProgress>
    {
        public void Report(SimulationProgress value) => action(value);
    }
}
