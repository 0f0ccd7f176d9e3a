using PhaseFlow.Foundation;

namespace PhaseFlow.Core.Tests;

/// <summary>Test-only single-index losses, derived by hand with Isserlis/Wick (spec single-index.md §1) and each checked against
/// Monte Carlo in <see cref="GenericSimulatorTests.TestLossesAreTheirMonteCarloExpectation"/> before anything relies on them.</summary>
internal static class TestLosses
{
    /// <summary>f = g = He₃ = z³ − 3z: P = 15s³ − 18s² + 9s − 18ss*u + 18su − 12u³ − 18u + 15s*³ − 18s*² + 9s* + 18s*u.
    /// Odd: w and −w are not equivalent.</summary>
    public sealed class Hermite3(double noise = 0) : SingleIndexLoss(Link, Link, noise)
    {
        private static readonly LinkFunction Link = new("z^3 - 3*z", z => z * z * z - 3 * z, z => 3 * z * z - 3, z => 6 * z, isEven: false);

        public override double Value(double s, double u, double sStar) =>
            15 * s * s * s - 18 * s * s + 9 * s - 18 * s * sStar * u + 18 * s * u - 12 * u * u * u - 18 * u
            + 15 * sStar * sStar * sStar - 18 * sStar * sStar + 9 * sStar + 18 * sStar * u;

        public override LossDerivatives Derivatives(double s, double u, double sStar) => new(Value(s, u, sStar),
            45 * s * s - 36 * s + 9 - 18 * sStar * u + 18 * u,
            -18 * s * sStar + 18 * s - 36 * u * u - 18 + 18 * sStar,
            90 * s - 36, 18 - 18 * sStar, -72 * u);
    }

    /// <summary>f = g = z + z²/2: E f(z₁)² = s + ¾s², E f(z₁)g(z₂) = u + (ss* + 2u²)/4, so
    /// P = s + ¾s² − 2u − ½ss* − u² + s* + ¾s*². Neither even nor odd.</summary>
    public sealed class LinearPlusHalfSquare(double noise = 0) : SingleIndexLoss(Link, Link, noise)
    {
        private static readonly LinkFunction Link = new("z + z^2/2", z => z + z * z / 2, z => 1 + z, _ => 1, isEven: false);

        public override double Value(double s, double u, double sStar) =>
            s + 0.75 * s * s - 2 * u - 0.5 * s * sStar - u * u + sStar + 0.75 * sStar * sStar;

        public override LossDerivatives Derivatives(double s, double u, double sStar) =>
            new(Value(s, u, sStar), 1 + 1.5 * s - 0.5 * sStar, -2 - 2 * u, 1.5, 0, -2);
    }

    /// <summary>Phase retrieval's P written as a general loss (not <see cref="PhaseRetrievalLoss"/>): it takes every generic
    /// branch of the simulators (the critical crossing as the root of P_s), on the very arithmetic of phase retrieval.</summary>
    public sealed class GenericSquare() : SingleIndexLoss(LinkFunction.Square, LinkFunction.Square, 0)
    {
        private static readonly PhaseRetrievalLoss Oracle = new();

        public override double Value(double s, double u, double sStar) => Oracle.Value(s, u, sStar);

        public override LossDerivatives Derivatives(double s, double u, double sStar) => Oracle.Derivatives(s, u, sStar);
    }

    public static IEnumerable<Func<SingleIndexLoss>> NonPhaseRetrieval => [() => new Hermite3(), () => new LinearPlusHalfSquare()];
}

public class GenericSimulatorTests
{
    public static TheoryData<string> Losses => ["He3", "z+z2/2"];

    private static SingleIndexLoss Loss(string name, double noise = 0) =>
        name == "He3" ? new TestLosses.Hermite3(noise) : new TestLosses.LinearPlusHalfSquare(noise);

    /// <summary>A power-law model with the teacher scaled to s* = 0.64, so that He₃'s P_su = 18(1 − s*) is not zero and the
    /// cross terms of the Jacobian and the Hessian are exercised.</summary>
    private static PhaseRetrievalModel Model(SingleIndexLoss? loss, int d, double a, int seed, double teacherScale = 0.8)
    {
        var sp = Spectrum.PowerLaw(d, a);
        return new PhaseRetrievalModel(sp, Teacher.Gaussian(sp, seed).Select(x => teacherScale * x).ToArray(), loss);
    }

    private static double RelativeDistance(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        double diff = 0, norm = 0;
        for (int i = 0; i < a.Count; i++)
        {
            diff += (a[i] - b[i]) * (a[i] - b[i]);
            norm += b[i] * b[i];
        }
        return Math.Sqrt(diff / norm);
    }

    // ---- Phase retrieval through the generic path is today's arithmetic ----

    /// <summary>Today's hand-written loss, gradient and Hessian-vector product (as of ee46554), the oracle: the generic
    /// formulas 2P_s Qw + P_u Qw* and 2P_s Qv + [2Qw, Qw*] H [2Qw, Qw*]ᵀ v give them to the last bit.</summary>
    [Fact]
    public void PhaseRetrievalLossGradientAndHessianAreTodaysToTheBit()
    {
        int d = 37;
        var sp = Spectrum.PowerLaw(d, 1.7);
        var model = new PhaseRetrievalModel(sp, Teacher.Gaussian(sp, 4).Select(x => 1.3 * x).ToArray());
        var lambda = model.Lambda.ToArray();
        var qt = model.QTeacher.ToArray();
        double sStar = model.SStar;
        var g = new double[d];
        var h = new double[d];
        for (int trial = 0; trial < 25; trial++)
        {
            var w = Initialization.Sphere(d, 10 + trial, 0.05 + 0.2 * trial);
            var v = Initialization.Gaussian(d, 50 + trial);
            var st = model.Statistics(w);
            double s = st.S, u = st.U;
            Assert.Equal(3 * s * s + 3 * sStar * sStar - 4 * u * u - 2 * sStar * s, model.Loss(w));
            model.Gradient(w, g);
            double alpha = 12 * s - 4 * sStar, beta = -8 * u;
            for (int i = 0; i < d; i++) Assert.Equal(lambda[i] * (alpha * w[i]) + beta * qt[i], g[i]);
            model.HessianVectorProduct(w, v, h);
            double qwv = 0, qtv = 0;
            for (int i = 0; i < d; i++)
            {
                qwv += lambda[i] * w[i] * v[i];
                qtv += qt[i] * v[i];
            }
            for (int i = 0; i < d; i++)
                Assert.Equal(24 * lambda[i] * w[i] * qwv + alpha * lambda[i] * v[i] - 8 * qt[i] * qtv, h[i]);
        }
    }

    /// <summary>Today's GD loop written out (w ← w + 4η(s* − 3s)Qw + 8ηu Qw*, scalar sums) against the simulator's fused SIMD
    /// step through the generic α = −2P_s, β = −P_u: the summation order of s and u differs, so ≤ 1e-12 relative over the run.</summary>
    [Fact]
    public void PhaseRetrievalGradientDescentIsTodaysLoop()
    {
        int d = 50, steps = 4000;
        var model = Model(null, d, 2, 3, 1);
        var w0 = Initialization.Sphere(d, 4, 0.1);
        var lambda = model.Lambda.ToArray();
        var qt = model.QTeacher.ToArray();
        double eta = 0.05, sStar = model.SStar;
        var w = w0.ToArray();
        var outputs = new[] { 1000L, 2000, 3000, 4000 };
        var run = new PopulationGradientDescent(eta).Solve(new PhaseRetrievalProblem(model, w0, steps),
            new SimulationOptions { Output = OutputSchedule.At(outputs.Select(x => (double)x).ToArray()) });
        int next = 0;
        for (int k = 1; k <= steps; k++)
        {
            double s = 0, u = 0;
            for (int i = 0; i < d; i++)
            {
                s += lambda[i] * w[i] * w[i];
                u += qt[i] * w[i];
            }
            for (int i = 0; i < d; i++) w[i] += 4 * eta * (sStar - 3 * s) * lambda[i] * w[i] + 8 * eta * u * qt[i];
            if (k == outputs[next])
            {
                var sample = run.Trajectory.Samples[next++];
                var st = model.Statistics(w);
                Assert.Equal(st.S, sample.S, 1e-12 * st.S);
                Assert.Equal(st.U, sample.U, 1e-12 * Math.Abs(st.U));
            }
        }
        Assert.True(RelativeDistance(run.FinalWeights, w) <= 1e-12);
        Assert.True(Math.Abs(run.Trajectory.Samples[^1].U) > 0.9, "the run must escape and converge");
    }

    /// <summary>The same P as a general loss (so every generic branch: the crossing is the root of P_s) against
    /// <see cref="PhaseRetrievalLoss"/>: GF (both integrators), GD and SGD trajectories agree to ≤ 1e-12 relative (they are in
    /// fact the same arithmetic), and the critical crossing P_s = 0 is s = s*/3.</summary>
    [Fact]
    public void PhaseRetrievalThroughTheGenericBranchesFollowsTheSameRuns()
    {
        int d = 40;
        var special = Model(null, d, 2, 7, 1);
        var generic = new PhaseRetrievalModel(special.Spectrum, special.Teacher, new TestLosses.GenericSquare());
        Assert.False(generic.IsPhaseRetrieval);
        var w0 = Initialization.Sphere(d, 8, 0.05);
        var flow = new SimulationOptions { Output = OutputSchedule.LogSpaced(25, 0.01, includeInitial: true) };
        IDirectSimulator[] simulators =
        [
            new PopulationGradientFlow(1e-8), new PopulationGradientFlow(1e-8, integrator: GradientFlowIntegrator.DormandPrince54),
            new PopulationGradientDescent(0.02), new OnlineSgd(0.002, 0.05, 2, 9),
        ];
        foreach (var sim in simulators)
        {
            double horizon = sim.Unit == TimeUnit.Time ? 100 : sim is OnlineSgd ? 20_000 : 5000;
            var options = sim.Unit == TimeUnit.Time ? flow : new SimulationOptions { Output = OutputSchedule.LogSpaced(25, 1, includeInitial: true) };
            var a = sim.Solve(new PhaseRetrievalProblem(special, w0, horizon), options);
            var b = sim.Solve(new PhaseRetrievalProblem(generic, w0, horizon), options);
            Assert.Equal(a.Trajectory.Samples.Count, b.Trajectory.Samples.Count);
            for (int i = 0; i < a.Trajectory.Samples.Count; i++)
            {
                var p = a.Trajectory.Samples[i];
                var q = b.Trajectory.Samples[i];
                Assert.Equal(p.T, q.T);
                Assert.Equal(p.S, q.S, 1e-12 * Math.Abs(p.S));
                Assert.Equal(p.U, q.U, 1e-12 * Math.Abs(p.U));
                Assert.Equal(p.Mse, q.Mse, 1e-12 * p.Mse);
            }
            Assert.True(RelativeDistance(b.FinalWeights, a.FinalWeights) <= 1e-12, sim.Name);
            Assert.NotNull(a.Markers.CriticalCrossingTime);
            // Discrete runs: the same first step (P_s = 6s − 2s* ≥ 0 ⇔ s ≥ s*/3 up to one rounding); flows: the same root,
            // located on the dense output by a different function, so to the root finder's accuracy.
            Assert.Equal(a.Markers.CriticalCrossingTime!.Value, b.Markers.CriticalCrossingTime!.Value,
                sim.Unit == TimeUnit.Time ? 1e-6 * a.Markers.CriticalCrossingTime.Value : 0);
            Assert.Equal(a.Markers.EscapeTime, b.Markers.EscapeTime);
        }
    }

    // ---- Other single-index models ----

    /// <summary>Each hand-derived P against the sample mean of (f(z₁) − g(z₂))² over 4·10⁵ Gaussian pairs with covariance
    /// [[s, u], [u, s*]], within 4 standard errors.</summary>
    [Theory]
    [MemberData(nameof(Losses))]
    public void TestLossesAreTheirMonteCarloExpectation(string name)
    {
        var loss = Loss(name);
        var random = SeededRandom.Create(name.Length);
        var z = new double[2];
        foreach (var (s, u, sStar) in new[] { (0.7, 0.3, 0.64), (1.2, -0.5, 1.0), (0.2, 0.1, 1.5) })
        {
            int n = 400_000;
            double sum = 0, sum2 = 0;
            for (int k = 0; k < n; k++)
            {
                SeededRandom.FillStandardNormal(random, z);
                double z1 = Math.Sqrt(s) * z[0], z2 = u / Math.Sqrt(s) * z[0] + Math.Sqrt(sStar - u * u / s) * z[1];
                double e = loss.Student.Value(z1) - loss.Teacher.Value(z2);
                sum += e * e;
                sum2 += e * e * e * e;
            }
            double mean = sum / n, se = Math.Sqrt((sum2 / n - mean * mean) / n);
            Assert.True(Math.Abs(mean - loss.Value(s, u, sStar)) < 4 * se,
                $"{name} at ({s}, {u}, {sStar}): MC {mean} ± {se}, P = {loss.Value(s, u, sStar)}");
        }
    }

    /// <summary>The derivatives of each test loss against central differences of its P (exact up to rounding for the
    /// quadratic; for the cubic the O(h²) truncation is P‴h²/6 ≤ 100·1e-8).</summary>
    [Theory]
    [MemberData(nameof(Losses))]
    public void TestLossDerivativesAreCentralDifferences(string name)
    {
        var loss = Loss(name);
        double h = 1e-4, tol = 1e-5;
        foreach (var (s, u, sStar) in new[] { (0.7, 0.3, 0.64), (1.2, -0.5, 1.0), (0.2, 0.1, 1.5) })
        {
            var d = loss.Derivatives(s, u, sStar);
            Assert.Equal(loss.Value(s, u, sStar), d.Value);
            Assert.Equal(d.Ps, (loss.Value(s + h, u, sStar) - loss.Value(s - h, u, sStar)) / (2 * h), tol);
            Assert.Equal(d.Pu, (loss.Value(s, u + h, sStar) - loss.Value(s, u - h, sStar)) / (2 * h), tol);
            Assert.Equal(d.Pss, (loss.Derivatives(s + h, u, sStar).Ps - loss.Derivatives(s - h, u, sStar).Ps) / (2 * h), tol);
            Assert.Equal(d.Psu, (loss.Derivatives(s, u + h, sStar).Ps - loss.Derivatives(s, u - h, sStar).Ps) / (2 * h), tol);
            Assert.Equal(d.Puu, (loss.Derivatives(s, u + h, sStar).Pu - loss.Derivatives(s, u - h, sStar).Pu) / (2 * h), tol);
        }
    }

    /// <summary>∇L(w) against central differences of L over w, and ∇²L v against central differences of ∇L along v. With
    /// |w| = O(1), h = 1e-5: truncation h²/6·|∂³| ≲ 1e-8, rounding ε|L|/h ≲ 1e-10; tolerance 1e-6 relative to the largest
    /// component.</summary>
    [Theory]
    [MemberData(nameof(Losses))]
    public void GradientAndHessianAreCentralDifferencesOfTheLoss(string name)
    {
        int d = 12;
        var model = Model(Loss(name, noise: 0.3), d, 1.3, 2);
        var g = new double[d];
        var hv = new double[d];
        var gp = new double[d];
        var gm = new double[d];
        double h = 1e-5;
        for (int trial = 0; trial < 5; trial++)
        {
            var w = Initialization.Sphere(d, 20 + trial, 0.4 + 0.3 * trial);
            var v = Initialization.Sphere(d, 40 + trial);
            model.Gradient(w, g);
            double scale = g.Max(Math.Abs);
            for (int i = 0; i < d; i++)
            {
                var wp = w.ToArray();
                var wm = w.ToArray();
                wp[i] += h;
                wm[i] -= h;
                Assert.Equal((model.Loss(wp) - model.Loss(wm)) / (2 * h), g[i], 1e-6 * scale);
            }
            model.HessianVectorProduct(w, v, hv);
            model.Gradient(w.Zip(v, (a, b) => a + h * b).ToArray(), gp);
            model.Gradient(w.Zip(v, (a, b) => a - h * b).ToArray(), gm);
            double hScale = hv.Max(Math.Abs);
            for (int i = 0; i < d; i++) Assert.Equal((gp[i] - gm[i]) / (2 * h), hv[i], 1e-6 * hScale);
        }
    }

    /// <summary>Only an even student makes w and −w equivalent: the MSE of −w* is 0 for phase retrieval and 4‖w*‖²/d = 4 × the
    /// plateau for the others.</summary>
    [Theory]
    [MemberData(nameof(Losses))]
    public void MseIsSignInvariantOnlyForAnEvenStudent(string name)
    {
        var model = Model(Loss(name), 20, 1, 3);
        var pr = new PhaseRetrievalModel(model.Spectrum, model.Teacher);
        var minus = model.Teacher.ToArray().Select(x => -x).ToArray();
        Assert.False(model.PopulationLoss.SignInvariant);
        Assert.Equal(0, model.Mse(model.Teacher));
        Assert.Equal(4 * model.Plateau, model.Mse(minus), 1e-15 * model.Plateau);
        Assert.Equal(0, pr.Mse(minus));
        var w = Initialization.Sphere(20, 5);
        double direct = w.Select((x, i) => (x - model.Teacher[i]) * (x - model.Teacher[i])).Sum() / 20;
        Assert.Equal(direct, model.Mse(w));
    }

    /// <summary>Rodas4 + Woodbury (with the 2×2 block from P's second derivatives) against Dormand–Prince on a non-stiff case
    /// (d = 60, a = 1.5, t ≤ 50): both at rtol 1e-9 carry global errors ~1e-8, so they agree to 1e-6.</summary>
    [Theory]
    [MemberData(nameof(Losses))]
    public void RosenbrockAndDormandPrinceAgreeForAnyLoss(string name)
    {
        var (implicitRun, explicitRun) = RodasAndDormandPrince(new PhaseRetrievalProblem(Model(Loss(name), 60, 1.5, 1),
            Initialization.Sphere(60, 2, 0.3), 50));
        for (int i = 0; i < implicitRun.Trajectory.Samples.Count; i++)
            Assert.Equal(explicitRun.Trajectory.Samples[i].Loss, implicitRun.Trajectory.Samples[i].Loss, 1e-6);
        var first = implicitRun.Trajectory.Samples[0];
        var last = implicitRun.Trajectory.Samples[^1];
        Assert.True(last.Loss < 0.5 * first.Loss, $"the flow must move: loss {first.Loss} → {last.Loss}");
        Assert.True(RelativeDistance(implicitRun.FinalWeights, explicitRun.FinalWeights) < 1e-6);
    }

    /// <summary>The flow of <paramref name="problem"/> by Rodas4 + Woodbury and by Dormand–Prince, both at rtol 1e-9, atol
    /// 1e-13 (global errors ~1e-8), sampled at 30 log-spaced times: u, s and the MSE agree to 1e-6.</summary>
    internal static (SimulationResult Rodas4, SimulationResult DormandPrince) RodasAndDormandPrince(PhaseRetrievalProblem problem)
    {
        var options = new SimulationOptions { Output = OutputSchedule.LogSpaced(30, 0.01, includeInitial: true) };
        var implicitRun = new PopulationGradientFlow(1e-9, 1e-13).Solve(problem, options);
        var explicitRun = new PopulationGradientFlow(1e-9, 1e-13, GradientFlowIntegrator.DormandPrince54).Solve(problem, options);
        Assert.Contains("Rodas4", implicitRun.Statistics.Method);
        Assert.True(implicitRun.Statistics.JacobianEvaluations > 0);
        for (int i = 0; i < implicitRun.Trajectory.Samples.Count; i++)
        {
            var p = implicitRun.Trajectory.Samples[i];
            var q = explicitRun.Trajectory.Samples[i];
            Assert.Equal(q.U, p.U, 1e-6);
            Assert.Equal(q.S, p.S, 1e-6);
            Assert.Equal(q.Mse, p.Mse, 1e-6);
        }
        return (implicitRun, explicitRun);
    }

    /// <summary>GD is explicit Euler on the flow for any loss: at a fixed time the error against a tight GF halves with η.
    /// The measured order over η = 3/150 … 3/1200 is 1 ± 0.1 (the O(η²) remainder is below 10 % there).</summary>
    [Theory]
    [MemberData(nameof(Losses))]
    public void GradientDescentConvergesToGradientFlowAtFirstOrderForAnyLoss(string name) =>
        AssertGradientDescentIsFirstOrder(Model(Loss(name), 30, 2, 5), Initialization.Sphere(30, 6, 0.5));

    /// <summary>GD with η = 3/n, n = 150 … 1200, against GF at rtol 1e-12 at t = 3: each halving of η halves the error
    /// (measured order 1 ± 0.1).</summary>
    internal static void AssertGradientDescentIsFirstOrder(PhaseRetrievalModel model, double[] w0)
    {
        double horizon = 3;
        var reference = new PopulationGradientFlow(1e-12, 1e-15).Solve(new PhaseRetrievalProblem(model, w0, horizon),
            new SimulationOptions { Output = OutputSchedule.At(horizon) }).FinalWeights;
        double Error(int n)
        {
            var gd = new PopulationGradientDescent(horizon / n).Solve(new PhaseRetrievalProblem(model, w0, n),
                new SimulationOptions { Output = OutputSchedule.At(n) });
            return Math.Sqrt(gd.FinalWeights.Select((x, i) => (x - reference[i]) * (x - reference[i])).Sum());
        }
        double[] errors = [Error(150), Error(300), Error(600), Error(1200)];
        for (int i = 1; i < errors.Length; i++) Assert.InRange(Math.Log2(errors[i - 1] / errors[i]), 0.9, 1.1);
    }

    /// <summary>Online SGD draws y = g(xᵀw*) + σξ and steps along 2(f − y)f′x, whose expectation is ∇L: the mean over R = 24
    /// seeds of u after the run matches population GD with the same η and steps within 4 standard errors (the O(η) bias of
    /// the mean, ~1e-3 here, is well below the standard error). The label noise is the model's σ.</summary>
    [Theory]
    [MemberData(nameof(Losses))]
    public void OnlineSgdAveragesToPopulationGradientDescent(string name)
    {
        int d = 10, runs = 24, steps = 1500;
        var sp = Spectrum.Isotropic(d, 0.5);
        var model = new PhaseRetrievalModel(sp, Teacher.Gaussian(sp, 1).Select(x => 0.8 * x).ToArray(), Loss(name, noise: 0.1));
        var w0 = Initialization.Sphere(d, 2, 0.3);
        double eta = 1e-3;
        var options = new SimulationOptions { Output = OutputSchedule.At(steps) };
        var problem = new PhaseRetrievalProblem(model, w0, steps);
        var gd = new PopulationGradientDescent(eta).Solve(problem, options).Trajectory.Samples[^1];
        var finals = Enumerable.Range(0, runs).Select(r => new OnlineSgd(eta, 0, 4, 300 + r).Solve(problem, options).Trajectory.Samples[^1]).ToArray();
        var start = model.Statistics(w0);
        Assert.True(Math.Abs(gd.U - start.U) > 0.1, $"u must move: {start.U} → {gd.U}");
        foreach (var (population, samples) in new[] { (gd.U, finals.Select(p => p.U).ToArray()), (gd.S, finals.Select(p => p.S).ToArray()) })
        {
            double mean = samples.Average();
            double se = Math.Sqrt(samples.Sum(x => (x - mean) * (x - mean)) / (runs - 1) / runs);
            Assert.True(Math.Abs(mean - population) < 4 * se + 1e-12, $"{name}: SGD mean {mean} ± {se}, GD {population}");
        }
    }

    /// <summary>The label noise is one number: the model's σ, or OnlineSgd's when the model has none; the same draws follow
    /// either way, and two different non-zero values are refused.</summary>
    [Fact]
    public void SgdLabelNoiseIsTheModelsOrTheSimulatorsButNotTwo()
    {
        var plain = Model(null, 15, 1.5, 3, 1);
        var noisy = new PhaseRetrievalModel(plain.Spectrum, plain.Teacher, new PhaseRetrievalLoss(0.2));
        var w0 = Initialization.Sphere(15, 4, 0.5);
        var options = new SimulationOptions { Output = OutputSchedule.At(300) };
        var a = new OnlineSgd(0.01, 0.2, 1, 5).Solve(new PhaseRetrievalProblem(plain, w0, 300), options);
        var b = new OnlineSgd(0.01, 0, 1, 5).Solve(new PhaseRetrievalProblem(noisy, w0, 300), options);
        var c = new OnlineSgd(0.01, 0.2, 1, 5).Solve(new PhaseRetrievalProblem(noisy, w0, 300), options);
        Assert.Equal(a.FinalWeights, b.FinalWeights);
        Assert.Equal(a.FinalWeights, c.FinalWeights);
        Assert.Equal(a.Trajectory.Samples[^1].Loss + 0.2 * 0.2, b.Trajectory.Samples[^1].Loss, 1e-12);
        var e = Assert.Throws<InvalidParameterException>(() => new OnlineSgd(0.01, 0.1, 1, 5).Solve(new PhaseRetrievalProblem(noisy, w0, 300), options));
        Assert.Contains("noise", e.Message);
    }

    /// <summary>For a loss whose P_s starts positive (z + z²/2 with s* &lt; 2) the critical crossing (α = −2P_s ≤ 0, Φ at its
    /// maximum) is at t = 0, as phase retrieval's is from a start with s ≥ s*/3; when P_s starts negative, GF's marker is the
    /// root of P_s along its own trajectory (to the integration's accuracy).</summary>
    [Fact]
    public void CriticalCrossingIsTheFirstTimePsIsNonNegative()
    {
        var model = Model(new TestLosses.LinearPlusHalfSquare(), 20, 1, 4);
        var w0 = Initialization.Sphere(20, 5, 0.05);
        // P_s = 1 + 1.5s − 0.5s* < 0 needs s* > 2: with s* = 0.64 it is positive throughout, so the crossing is at the start.
        var run = new PopulationGradientDescent(0.01).Solve(new PhaseRetrievalProblem(model, w0, 100), new SimulationOptions { Output = OutputSchedule.At(100) });
        Assert.Equal(0, run.Markers.CriticalCrossingTime);
        var big = Model(new TestLosses.LinearPlusHalfSquare(), 20, 1, 4, teacherScale: 2); // s* = 4: P_s = 1.5s − 1 crosses at s = 2/3
        var problem = new PhaseRetrievalProblem(big, w0, 50);
        var gf = new PopulationGradientFlow(1e-10, 1e-13).Solve(problem, new SimulationOptions { Output = OutputSchedule.LogSpaced(40, 0.01, includeInitial: true) });
        double t = gf.Markers.CriticalCrossingTime!.Value;
        var at = new PopulationGradientFlow(1e-10, 1e-13).Solve(new PhaseRetrievalProblem(big, w0, t), new SimulationOptions { Output = OutputSchedule.At(t) });
        var p = big.Derivatives(new SummaryStatistics(at.Trajectory.Samples[^1].S, at.Trajectory.Samples[^1].U));
        Assert.Equal(0, p.Ps, 1e-6);
        Assert.True(t > 0);
    }

    [Fact]
    public void ReductionsRefuseOtherLosses()
    {
        var model = Model(new TestLosses.Hermite3(), 10, 1, 1);
        Assert.False(model.IsPhaseRetrieval);
        var e = Assert.Throws<InvalidParameterException>(() => model.RequirePhaseRetrieval("the moment hierarchy"));
        Assert.Contains("moment hierarchy", e.Message);
        var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(10, 2, 0.3), 10);
        var pop = new PopulationGradientDescent(0.01).Solve(problem, new SimulationOptions { Output = OutputSchedule.At(10) });
        Assert.Throws<InvalidParameterException>(() => SgdLinearNoise.Predict(model, pop, 0.01, 0.1, 0.01));
        Model(null, 10, 1, 1).RequirePhaseRetrieval("anything");
    }
}
