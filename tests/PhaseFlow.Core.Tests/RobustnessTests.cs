using PhaseFlow.Foundation;

namespace PhaseFlow.Core.Tests;

/// <summary>Issue 13: extreme scales, divergence, degenerate starts and schedules are either handled correctly or refused
/// with a typed error; never a silent wrong answer.</summary>
public class RobustnessTests
{
    private static PhaseRetrievalModel Model(Spectrum spectrum, int seed = 1) => new(spectrum, Teacher.Gaussian(spectrum, seed));

    private static Spectrum Constant(int d, double lambda) => Spectrum.FromValues(Enumerable.Repeat(lambda, d).ToArray());

    /// <summary>With v = √λ·w the flow depends on λ and t only through λt, so eigenvalues 1e100 up to t = 1e-98 are
    /// eigenvalues 1 up to t = 100 from w(0)·1e50. The default atol must follow w* down to 1e-50 (it used to end at
    /// s = 8e76).</summary>
    [Fact]
    public void DefaultAtolFollowsTheScaleOfTheProblem()
    {
        const int d = 10;
        var big = Model(Constant(d, 1e100));
        var unit = Model(Constant(d, 1));
        var w0 = Initialization.Sphere(d, 2);
        var times = new[] { 0, 1e-4, 1e-3, 1e-2, 0.1, 1, 10, 100 };
        var options = new SimulationOptions { Output = OutputSchedule.At(times.Select(t => Math.Min(t * 1e-100, 1e-98)).ToArray()) };
        var flow = new PopulationGradientFlow();
        Assert.Equal(1e-9 * Math.Sqrt(1e-100), flow.EffectiveAbsoluteTolerance(big), 1e-70);
        Assert.Equal(1e-9, flow.EffectiveAbsoluteTolerance(unit));
        var a = flow.Solve(new PhaseRetrievalProblem(big, w0, 1e-98), options).Trajectory.Samples;
        var b = flow.Solve(new PhaseRetrievalProblem(unit, w0.Select(x => x * 1e50).ToArray(), 100),
            new SimulationOptions { Output = OutputSchedule.At(times) }).Trajectory.Samples;
        Assert.Equal(times.Length, a.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(b[i].S, a[i].S, Math.Abs(b[i].S) * 1e-4);
            Assert.Equal(b[i].U, a[i].U, Math.Abs(b[i].S) * 1e-4);
        }
        Assert.Equal(1, a[^1].S, 1e-6);
        Assert.Equal(1, Math.Abs(a[^1].U), 1e-6);
        // A given atol is used as given.
        Assert.Equal(1e-9, new PopulationGradientFlow(1e-6, 1e-9).EffectiveAbsoluteTolerance(big));
    }

    /// <summary>η = 1e100 overflows the loss at step 1 although s is still finite: a typed divergence naming the step, never
    /// an ∞ in a result.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public void DivergingDiscreteRunsSayWhere(int horizon)
    {
        var model = Model(Spectrum.PowerLaw(10, 2));
        var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(10, 2), horizon);
        var gd = Assert.Throws<SimulationFailedException>(() => new PopulationGradientDescent(1e100).Solve(problem, new SimulationOptions()));
        Assert.Equal(SimulationFailure.Diverged, gd.Failure);
        Assert.Equal(1, gd.Step);
        Assert.Contains("at step 1", gd.Message);
        var sgd = Assert.Throws<SimulationFailedException>(() => new OnlineSgd(1e100).Solve(problem, new SimulationOptions()));
        Assert.Equal(SimulationFailure.Diverged, sgd.Failure);
        Assert.Equal(1, sgd.Step);
        Assert.All(gd.Partial.Samples.Concat(sgd.Partial.Samples), p => Assert.True(double.IsFinite(p.Loss) && double.IsFinite(p.Mse)));
    }

    [Fact]
    public void EigenvaluesOutsideTheRepresentableRangeAreRefusedByName()
    {
        var sub = Assert.Throws<InvalidParameterException>(() => Spectrum.Isotropic(10, 5e-324));
        Assert.Equal("lambda", sub.Parameter);
        Assert.Contains("2.2250738585072014E-308, 1E+150", sub.Message);
        Assert.Equal("values[1]", Assert.Throws<InvalidParameterException>(() => Spectrum.FromValues([1, 1e308, 1])).Parameter);
        Assert.Equal("bulk", Assert.Throws<InvalidParameterException>(() => Spectrum.Spiked(5, 1, 2, 1e-320)).Parameter);
        Assert.Equal("lambda", Assert.Throws<InvalidParameterException>(() => Spectrum.Isotropic(3, 0)).Parameter);
        // The extremes of the range work end to end (at λ_min the escape, ~30/λ, lies beyond the largest double).
        foreach (double lambda in new[] { Spectrum.MinEigenvalue, Spectrum.MaxEigenvalue })
        {
            var model = Model(Spectrum.Isotropic(10, lambda));
            Assert.Equal(1, model.SStar, 1e-12);
            double horizon = lambda > 1 ? 100 / lambda : 1 / lambda;
            var r = new PopulationGradientFlow().Solve(new PhaseRetrievalProblem(model, Initialization.Sphere(10, 2), horizon),
                new SimulationOptions { Output = OutputSchedule.LogSpaced(20, 1e-4 * horizon, includeInitial: true) });
            Assert.All(r.Trajectory.Samples, p => Assert.True(double.IsFinite(p.Loss) && double.IsFinite(p.Mse)));
            if (lambda > 1) Assert.Equal(1, r.Trajectory.Samples[^1].S, 1e-6);
        }
    }

    [Fact]
    public void OverflowingTeachersAndStartsAreRefused()
    {
        var sp = Spectrum.Isotropic(3, 1);
        Assert.Equal("teacher", Assert.Throws<InvalidParameterException>(() => new PhaseRetrievalModel(sp, [1e200, 0, 0])).Parameter);
        var model = Model(sp);
        Assert.Equal("init", Assert.Throws<InvalidParameterException>(() => new PhaseRetrievalProblem(model, [1e100, 0, 0], 1)).Parameter);
    }

    /// <summary>from = 5e-324 made horizon/from overflow: NaN times crashed GF and made GD record nothing.</summary>
    [Fact]
    public void TinyLogSpacedStartResolvesOrIsRefused()
    {
        var times = OutputSchedule.LogSpaced(10, 5e-324).Resolve(100, integerSteps: false);
        Assert.Equal(10, times.Length);
        Assert.Equal(5e-324, times[0]);
        Assert.Equal(100, times[^1]);
        Assert.True(times.Zip(times.Skip(1)).All(p => p.First < p.Second));
        var model = Model(Spectrum.PowerLaw(10, 2));
        var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(10, 2), 100);
        var options = new SimulationOptions { Output = OutputSchedule.LogSpaced(10, 5e-324) };
        Assert.Equal(10, new PopulationGradientFlow().Solve(problem, options).Trajectory.Samples.Count);
        // Discrete runs round to steps: 0 (the first times), then the steps up to the horizon, each recorded.
        var steps = options.Output.Resolve(100, integerSteps: true);
        Assert.Equal([0, 100], steps);
        var gd = new PopulationGradientDescent(0.01).Solve(problem, options).Trajectory.Samples;
        Assert.Equal(steps, gd.Select(p => p.T).ToArray());
        Assert.Equal(steps, new OnlineSgd(0.01).Solve(problem, options).Trajectory.Samples.Select(p => p.T).ToArray());
    }

    /// <summary>The estimate bounds what a run allocates (measured on this thread, d = 2^18, one step or a short flow).</summary>
    [Fact]
    public void MemoryEstimateBoundsTheAllocations()
    {
        const int d = 1 << 18;
        IDirectSimulator[] simulators = [new PopulationGradientFlow(), new PopulationGradientFlow(integrator: GradientFlowIntegrator.DormandPrince54),
            new PopulationGradientDescent(0.01), new OnlineSgd(0.001), new OnlineSgd(0.001, batchSize: 2)];
        foreach (var simulator in simulators)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var model = Model(Spectrum.PowerLaw(d, 2));
            var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(d, 2), 1);
            simulator.Solve(problem, new SimulationOptions { Output = OutputSchedule.At(0, 1) });
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            long estimate = SimulationMemory.Estimate(simulator, d)!.Value;
            Assert.True(allocated <= estimate, $"{simulator.Name}: {allocated} B allocated, estimate {estimate}");
            Assert.True(allocated > 0.5 * (estimate - (64L << 20)), $"{simulator.Name}: the estimate {estimate} is far above {allocated}");
        }
    }

    [Fact]
    public void DimensionsThatDoNotFitAreRefusedWithTheEstimate()
    {
        var e = Assert.Throws<InvalidParameterException>(() =>
            SimulationMemory.EnsureFits(new PopulationGradientFlow(), 1 << 27, "spectrum.d", availableBytes: 23L << 30));
        Assert.Equal("spectrum.d", e.Parameter);
        Assert.Contains("needs ≈ 285 B per dimension, with 23.0 GiB available", e.Message);
        Assert.Contains("got 134217728 (needs ≈ 35.7 GiB)", e.Message);
        SimulationMemory.EnsureFits(new PopulationGradientDescent(0.1), 1 << 27, availableBytes: 23L << 30);
    }

    /// <summary>w(0) = 0 is a fixed point of all three dynamics: the run is kept (it is correct) and says so.</summary>
    [Fact]
    public void StartAtZeroStaysAndIsNoted()
    {
        var model = Model(Spectrum.PowerLaw(10, 2));
        var problem = new PhaseRetrievalProblem(model, new double[10], 100);
        var options = new SimulationOptions { Output = OutputSchedule.At(0, 50, 100) };
        foreach (var simulator in new IDirectSimulator[] { new PopulationGradientFlow(), new PopulationGradientDescent(0.01), new OnlineSgd(0.01) })
        {
            var r = simulator.Solve(problem, options);
            Assert.Equal(SimulationNoteKind.StartedAtFixedPoint, Assert.Single(r.Notes).Kind);
            Assert.All(r.Trajectory.Samples, p => Assert.True(p.S == 0 && p.U == 0));
            Assert.All(r.FinalWeights, x => Assert.Equal(0, x));
        }
        var normal = new PopulationGradientFlow().Solve(new PhaseRetrievalProblem(model, Initialization.Sphere(10, 2), 1), options with { Output = OutputSchedule.At(0, 1) });
        Assert.Empty(normal.Notes);
    }

    /// <summary>u = 0 is invariant for population GF/GD only when w(0) ⟂ Q^k w* for all k: for isotropic Q that is u(0) = 0;
    /// for anisotropic Q u(0) = 0 alone is not enough (u̇ = 4(s* − 3s)u^(2) ≠ 0) and the run escapes, without a note.</summary>
    [Fact]
    public void ZeroAlignmentIsNotedOnlyWhereItIsInvariant()
    {
        var iso = Spectrum.Isotropic(2, 0.5);
        var isoModel = new PhaseRetrievalModel(iso, [1, -1]);
        var gd = new PopulationGradientDescent(0.1).Solve(new PhaseRetrievalProblem(isoModel, [0.3, 0.3], 2000), new SimulationOptions());
        Assert.Equal(SimulationNoteKind.AlignmentInvariant, Assert.Single(gd.Notes).Kind);
        Assert.All(gd.Trajectory.Samples, p => Assert.Equal(0, p.U));
        Assert.Equal(isoModel.SStar / 3, gd.Trajectory.Samples[^1].S, 1e-9);
        Assert.Empty(new OnlineSgd(0.01).Solve(new PhaseRetrievalProblem(isoModel, [0.3, 0.3], 10), new SimulationOptions()).Notes);

        var aniso = Spectrum.FromValues([1, 0.5]);
        var anisoModel = new PhaseRetrievalModel(aniso, [1, 1]);
        double[] w0 = [0.25, -0.5]; // u = 1·0.25 + 0.5·(−0.5) = 0, but u^(2) = 0.25 − 0.125 ≠ 0
        Assert.Equal(0, anisoModel.Statistics(w0).U);
        var gf = new PopulationGradientFlow().Solve(new PhaseRetrievalProblem(anisoModel, w0, 100), new SimulationOptions());
        Assert.Empty(gf.Notes);
        Assert.True(Math.Abs(gf.Trajectory.Samples[^1].U) > 0.9 * anisoModel.SStar);
    }

    /// <summary>A small start (|w(0)| = 1e-3 or 1e-10) escapes at t ≈ 2–6, whatever the horizon. Rodas4's first step was
    /// 1e-6·horizon: 1e6 at horizon 1e12, an L-stable step that damped the growing mode and carried w to the fixed point
    /// 0 (s = 1e-176 reported with exit 0). The same run to t = 100 and the long one must end at w*.</summary>
    [Theory]
    [InlineData(1e-3, 1e12)]
    [InlineData(1e-10, 1e12)]
    [InlineData(1e-3, 1e20)]
    public void SmallStartsEscapeAtEveryHorizon(double radius, double horizon)
    {
        var model = new PhaseRetrievalModel(Constant(2, 1), [1, 0]);
        var w0 = new[] { radius, radius };
        var options = new SimulationOptions { Output = OutputSchedule.At([10, 100]) };
        var shortRun = new PopulationGradientFlow().Solve(new PhaseRetrievalProblem(model, w0, 100), options).Trajectory.Samples;
        var longRun = new PopulationGradientFlow().Solve(new PhaseRetrievalProblem(model, w0, horizon),
            new SimulationOptions { Output = OutputSchedule.At([10, 100, horizon]) }).Trajectory.Samples;
        Assert.Equal(1, shortRun[^1].S, 1e-9);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(shortRun[i].S, longRun[i].S, 1e-6);
            Assert.Equal(shortRun[i].U, longRun[i].U, 1e-6);
        }
        Assert.Equal(1, longRun[^1].S, 1e-9);
        Assert.Equal(1, longRun[^1].U, 1e-9);
    }

    /// <summary>Starts far below the default atol 1e-9 are resolved: the sign of u is kept by the isotropic flow (u̇ ∝ u),
    /// and escape happens near t = ln(1/|w(0)|)/4. From 1e-20 the run used to end at w = 0 at t = 100, from 1e-12 at
    /// u = +1 although u(0) &lt; 0.</summary>
    [Theory]
    [InlineData(1e-12)]
    [InlineData(1e-20)]
    [InlineData(1e-150)]
    public void StartsBelowTheDefaultAtolAreResolved(double radius)
    {
        var model = Model(Constant(2, 1));
        var w0 = Initialization.Sphere(2, 2).Select(x => x * radius).ToArray();
        double u0 = model.Statistics(w0).U;
        var problem = new PhaseRetrievalProblem(model, w0, 1e6);
        Assert.Equal(1e-6 * radius, new PopulationGradientFlow().EffectiveAbsoluteTolerance(problem), radius * 1e-15);
        var end = new PopulationGradientFlow().Solve(problem, new SimulationOptions()).Trajectory.Samples[^1];
        Assert.Equal(1, end.S, 1e-9);
        Assert.Equal(Math.Sign(u0), Math.Sign(end.U));
        Assert.Equal(1, Math.Abs(end.U), 1e-9);
    }

    /// <summary>A non-zero start whose s or ‖w‖² underflows is refused by name (it reported s = 0 beside u ≠ 0, and the
    /// spectral nodes stopped on a false Cauchy–Schwarz violation); w = 0 stays allowed.</summary>
    [Fact]
    public void UnderflowingStartsAreRefused()
    {
        var model = Model(Constant(2, 1));
        var e = Assert.Throws<InvalidParameterException>(() => new PhaseRetrievalProblem(model, [1e-300, 1e-300], 1));
        Assert.Equal("init", e.Parameter);
        Assert.Contains("underflow", e.Message);
        _ = new PhaseRetrievalProblem(model, [0, 0], 1);
        _ = new PhaseRetrievalProblem(model, [1e-150, 1e-150], 1);
    }

    /// <summary>rtol 0.9999 or atol 1e300 let Rodas4 leave the flow (s = 212, loss 2.9 → 1.3e5 at t = 10, exit 0):
    /// gradient flow never raises the loss, so such a run fails as inaccurate; rtol 0.1 still follows it.</summary>
    [Theory]
    [InlineData(0.9999, null)]
    [InlineData(1e-6, 1e300)]
    public void LooseTolerancesThatRaiseTheLossFail(double rtol, double? atol)
    {
        var model = Model(Spectrum.PowerLaw(20, 2));
        var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(20, 2), 10);
        var e = Assert.Throws<SimulationFailedException>(() => new PopulationGradientFlow(rtol, atol).Solve(problem, new SimulationOptions()));
        Assert.Equal(SimulationFailure.Inaccurate, e.Failure);
        Assert.Contains("loss rose", e.Message);
        var loose = new PopulationGradientFlow(0.1).Solve(problem, new SimulationOptions()).Trajectory.Samples;
        Assert.True(loose[^1].Loss < loose[0].Loss);
    }
}
