using PhaseFlow.Core;
using PhaseFlow.Foundation;
using Xunit.Abstractions;

namespace PhaseFlow.Duhamel.Tests;

/// <summary>The spectral-node reduction for any single-index model (issue 16, item 2): α = −2P_s, β = −P_u in place of
/// phase retrieval's 4(s* − 3s), 8u. Exact nodes are gradient flow itself, so they must follow direct gradient flow of the
/// same model to the integrators' reach (the (steps of both)·rtol·s* rule of today's agreement tests), the critical
/// crossing included (both locate the first root of P_s on their dense output).</summary>
public class AnyModelNodeTests(ITestOutputHelper output)
{
    private const double Rtol = 1e-10, Atol = 1e-14;

    /// <summary>He₃ with s* = 0.64 (the teacher scaled by 0.8), z + z²/2 (neither even nor odd: no ± symmetry, P_u(0,0) ≠ 0)
    /// and erf (closed form): P_s &gt; 0 from the start (α &lt; 0, the crossing at t = 0). z² + z⁴/4 with s* = 0.64 escapes
    /// (α(0) &gt; 0) and crosses where P_s(s, u, s*), a function of u as well, reaches 0.</summary>
    public static TheoryData<string, double, bool, int> Models() => new()
    {
        { "z^3 - 3*z", 0.8, false, 21 },
        { "z^3 - 3*z", 0.8, true, 22 },
        { "z + z^2/2", 1.0, false, 23 },
        { "z + z^2/2", 1.0, true, 24 },
        { "erf", 1.0, false, 25 },
        { "erf", 1.0, true, 26 },
        { "z^2 + z^4/4", 0.8, false, 27 },
        { "z^2 + z^4/4", 0.8, true, 28 },
    };

    internal static PhaseRetrievalProblem Problem(string link, double teacherScale, bool spiked, int seed)
    {
        var loss = ModelText.Parse(link, link);
        // Five distinct eigenvalues ×6 (d = 30), or signal/spike/bulk at d = 40.
        var spectrum = spiked ? Spectrum.Spiked(40, 1, 2.5, 0.1) : Spectrum.FromValues([.. new[] { 0.9, 0.5, 0.25, 0.1, 0.04 }.SelectMany(v => Enumerable.Repeat(v, 6))]);
        var teacher = Teacher.Gaussian(spectrum, seed).Select(x => x * teacherScale).ToArray();
        var model = new PhaseRetrievalModel(spectrum, teacher, loss);
        return new PhaseRetrievalProblem(model, Initialization.Sphere(spectrum.Dimension, seed + 1, 0.6), 20 / model.Lambda.ToArray().Min());
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void ExactNodesFollowDirectFlowOfTheSameModel(string link, double teacherScale, bool spiked, int seed)
    {
        var problem = Problem(link, teacherScale, spiked, seed);
        var model = problem.Model;
        var schedule = OutputSchedule.LogSpaced(40, problem.Horizon * 1e-4, includeInitial: true);
        var direct = new PopulationGradientFlow(Rtol / 10, Atol / 10).Solve(problem, new SimulationOptions { Output = schedule });
        var reduced = SpectralNodeReduction.Solve(problem, null, new SpectralNodeOptions { RelativeTolerance = Rtol, AbsoluteTolerance = Atol, Output = schedule });
        Assert.True(reduced.IsValid, reduced.InvalidFrom?.Message);
        Assert.True(reduced.Nodes.IsExact);
        var (s, u, mse) = direct.Trajectory.MaxDeviation(reduced.Trajectory);
        double tol = FlowAgreement.Tolerance(model, direct.Statistics.Steps, reduced.Statistics.Steps, Rtol);
        var first = direct.Trajectory.Samples[0];
        var last = direct.Trajectory.Samples[^1];
        output.WriteLine($"{model.PopulationLoss} on {model.Spectrum}, s* = {model.SStar:G4}: max |Δs| = {s:E2}, |Δu| = {u:E2}, |ΔMSE| = {mse:E2}, tolerance {tol:E2}; " +
            $"steps {direct.Statistics.Steps} direct, {reduced.Statistics.Steps} nodes; u {first.U:G3} → {last.U:G3}, MSE {first.Mse:G3} → {last.Mse:G3}; " +
            $"crossing {direct.Markers.CriticalCrossingTime} vs {reduced.Markers.CriticalCrossingTime}, escape {direct.Markers.EscapeTime} vs {reduced.Markers.EscapeTime}");
        Assert.True(s <= tol && u <= tol && mse <= tol, $"max |Δs| = {s:E2}, |Δu| = {u:E2}, |ΔMSE| = {mse:E2}, tolerance {tol:E2}");
        for (int i = 0; i < direct.Trajectory.Samples.Count; i++)
            Assert.Equal(direct.Trajectory.Samples[i].Loss, reduced.Trajectory.Samples[i].Loss, 10 * tol * (1 + Math.Abs(direct.Trajectory.Samples[i].Loss)));
        // Both locate the first root of P_s on their dense output (FlowAgreement's 1e-6 relative for the markers).
        double crossing = direct.Markers.CriticalCrossingTime!.Value;
        Assert.Equal(crossing, reduced.Markers.CriticalCrossingTime!.Value, 1e-6 * crossing);
        Assert.Equal(direct.Markers.EscapeTime!.Value, reduced.Markers.EscapeTime!.Value, 1e-6 * direct.Markers.EscapeTime.Value);
        Assert.Null(reduced.TransitionEndTime);
        if (crossing > 0)
        {
            // The crossing is Φ's maximum: the largest sampled Θ = Φ/4 is at a sample next to it (none lies in between).
            var peak = reduced.Trajectory.Samples.MaxBy(p => p.Extra[0])!;
            output.WriteLine($"Θ_max = {reduced.MaxTheta:G6} at {reduced.MaxThetaTime:G4}; crossing at {crossing:G6}; largest sampled Θ {peak.Extra[0]:G6} at t = {peak.T:G4}");
            Assert.DoesNotContain(reduced.Trajectory.Samples, p => p.T > Math.Min(peak.T, crossing) && p.T < Math.Max(peak.T, crossing));
            Assert.True(reduced.MaxTheta >= peak.Extra[0]);
        }
    }

    /// <summary>Compression of a power law with d distinct eigenvalues to M log-spaced nodes, against the exact nodes: within
    /// the estimate from the coarser compression by the factor and floor of the phase-retrieval test
    /// (ReductionTests.CompressionErrorFallsWithTheNodeCountAndIsEstimated: measured actual/estimate 0.4–1.2, bound 2.5).</summary>
    [Theory]
    [InlineData("z^3 - 3*z", 0.8, 1000, 2.0, 16)]
    [InlineData("z + z^2/2", 1.0, 1500, 1.5, 32)]
    [InlineData("erf", 1.0, 600, 2.5, 24)]
    public void CompressedNodesAgreeWithExactNodesWithinTheirEstimate(string link, double teacherScale, int d, double a, int m)
    {
        var spectrum = Spectrum.PowerLaw(d, a);
        var teacher = Teacher.Gaussian(spectrum, d).Select(x => x * teacherScale).ToArray();
        var model = new PhaseRetrievalModel(spectrum, teacher, ModelText.Parse(link, link));
        var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(d, d + 1, 0.6), 1e4);
        var options = new SpectralNodeOptions { RelativeTolerance = Rtol, AbsoluteTolerance = Atol, Output = OutputSchedule.LogSpaced(60, 1e-2, includeInitial: true) };
        var exact = SpectralNodeReduction.Solve(problem, null, options);
        var compressed = SpectralNodeReduction.Solve(problem, m, options);
        Assert.True(exact.IsValid && compressed.IsValid);
        Assert.False(compressed.Nodes.IsExact);
        var (s, u, mse) = exact.Trajectory.MaxDeviation(compressed.Trajectory);
        var estimate = compressed.NodeErrorEstimate!;
        double error = Math.Max(s, u), floor = 1e-7;
        output.WriteLine($"{model.PopulationLoss}, {spectrum}: {compressed.Nodes.Count} nodes: error {error:E2} (MSE {mse:E2}), estimate {estimate.Max:E2} " +
            $"(MSE {estimate.Mse:E2}, from {estimate.CoarseNodes} nodes); exact {exact.WallTime.TotalSeconds:F3} s, compressed {compressed.WallTime.TotalSeconds:F3} s; " +
            $"u {exact.Trajectory.Samples[0].U:G3} → {exact.Trajectory.Samples[^1].U:G3}");
        Assert.True(error <= 2.5 * estimate.Max + floor, $"error {error:E2} above 2.5 × estimate {estimate.Max:E2}");
        Assert.True(mse <= 2.5 * estimate.Mse + floor, $"MSE error {mse:E2} above 2.5 × estimate {estimate.Mse:E2}");
        // The compression moved the run: the estimate is not vacuous.
        Assert.True(error > 0);
    }

    /// <summary>He₂ = z² − 1 has phase retrieval's P to the constant (both 3s² − 2ss* + 3s*² − 4u²): run through the generic
    /// law (P_s, P_u of the polynomial loss, crossing at the root of P_s) it must follow the hand-written phase-retrieval path,
    /// whose crossing is s = s*/3, to the integrators' reach.</summary>
    [Fact]
    public void GenericLawOnHermiteTwoIsThePhaseRetrievalPath()
    {
        var spectrum = Spectrum.Spiked(30, 1, 2.5, 0.1);
        var teacher = Teacher.Gaussian(spectrum, 31).Select(x => 0.8 * x).ToArray();
        var w0 = Initialization.Sphere(30, 32, 0.3);
        var options = new SpectralNodeOptions { RelativeTolerance = Rtol, AbsoluteTolerance = Atol, Output = OutputSchedule.LogSpaced(40, 1e-2, includeInitial: true) };
        SpectralNodeResult Run(SingleIndexLoss? loss) =>
            SpectralNodeReduction.Solve(new PhaseRetrievalProblem(new PhaseRetrievalModel(spectrum, teacher, loss), w0, 200), null, options);
        var pr = Run(null);
        var hermite = Run(new PolynomialLoss("z^2 - 1", "z^2 - 1"));
        Assert.IsNotType<PhaseRetrievalLoss>(hermite.Nodes.Loss);
        var model = new PhaseRetrievalModel(spectrum, teacher);
        var (s, u, mse) = pr.Trajectory.MaxDeviation(hermite.Trajectory);
        double tol = FlowAgreement.Tolerance(model, pr.Statistics.Steps, hermite.Statistics.Steps, Rtol);
        double crossing = pr.Markers.CriticalCrossingTime!.Value;
        output.WriteLine($"max |Δs| = {s:E2}, |Δu| = {u:E2}, |ΔMSE| = {mse:E2}, tolerance {tol:E2}; crossing {crossing:R} vs {hermite.Markers.CriticalCrossingTime:R}; " +
            $"Θ_final {pr.FinalTheta:G6} vs {hermite.FinalTheta:G6}");
        Assert.True(s <= tol && u <= tol && mse <= tol, $"max |Δs| = {s:E2}, |Δu| = {u:E2}, |ΔMSE| = {mse:E2}, tolerance {tol:E2}");
        Assert.True(crossing > 0);
        Assert.Equal(crossing, hermite.Markers.CriticalCrossingTime!.Value, 1e-6 * crossing);
        for (int i = 0; i < pr.Trajectory.Samples.Count; i++)
        {
            Assert.Equal(pr.Trajectory.Samples[i].Extra[0], hermite.Trajectory.Samples[i].Extra[0], tol * (1 + Math.Abs(pr.Trajectory.Samples[i].Extra[0])));
            Assert.Equal(pr.Trajectory.Samples[i].Loss, hermite.Trajectory.Samples[i].Loss, 10 * tol * (1 + pr.Trajectory.Samples[i].Loss));
        }
        Assert.NotNull(pr.TransitionEndTime);
        Assert.Null(hermite.TransitionEndTime);
    }

    /// <summary>Verification mode for other models: Θ = Φ/4 and s(τ) from the direct run turn the Duhamel reduction into the
    /// nonlinear Volterra equation u = a_Θ + ∫K_Θ(t, τ) β(s(τ), u(τ)) dτ, which must reproduce the run's u within its own
    /// error estimate (quadrature by Richardson, interpolation of the samples by Θ from every 2nd and 4th sample); the bound
    /// 3·estimate + 1e-9 is VerificationTests' (the direct run's own error at rtol 1e-12).</summary>
    [Theory]
    [InlineData("z^3 - 3*z", 0.8, 41)]
    [InlineData("z + z^2/2", 1.0, 42)]
    [InlineData("erf", 1.0, 43)]
    public void TwoTimeKernelReproducesTheDirectRun(string link, double teacherScale, int seed)
    {
        var spectrum = Spectrum.PowerLaw(60, 2);
        var teacher = Teacher.Gaussian(spectrum, seed).Select(x => x * teacherScale).ToArray();
        var model = new PhaseRetrievalModel(spectrum, teacher, ModelText.Parse(link, link));
        var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(60, seed + 1, 0.5), 10 / model.Lambda.ToArray().Max());
        var direct = DuhamelVerification.DirectOnGrid(problem, 2048);
        var result = DuhamelVerification.Verify(SpectralNodes.Exact(problem), direct.Trajectory, new DuhamelVerificationOptions { Steps = 4096 });
        double estimate = result.ErrorEstimate!.Value, deviation = result.TwoTime.MaxDeviation;
        var first = direct.Trajectory.Samples[0];
        var last = direct.Trajectory.Samples[^1];
        output.WriteLine($"{model.PopulationLoss}: two-time {deviation:E2} (estimate {estimate:E2} = {result.QuadratureErrorEstimate:E1} + {result.InterpolationErrorEstimate:E1}), " +
            $"printed {result.Printed!.MaxDeviation:E2} (departs at {result.Printed.DepartureTime}), Θ ∈ [{result.ThetaRange.Min:G4}, {result.ThetaRange.Max:G4}]; " +
            $"u {first.U:G3} → {last.U:G3}; Newton iterations {result.Statistics.NewtonIterations}");
        Assert.True(deviation <= 3 * estimate + 1e-9, $"max |Δu| = {deviation:E3}, estimate {estimate:E3}");
        Assert.Null(result.TwoTime.DepartureTime);
        Assert.True(Math.Abs(last.U - first.U) > 0.1 * model.SStar, "the run should move");
    }

    /// <summary>Θ = −½∫P_s from samples: for He₂ (P_s = 6s − 2s*, phase retrieval's) the spline of −P_s/2 is s* − 3·(the
    /// spline of s), so Θ is phase retrieval's s*·t − 3∫s to rounding; and the drive β(s(τ), u) needs s(τ), named when missing.</summary>
    [Fact]
    public void GenericThetaIsPhaseRetrievalsForHermiteTwoAndTheDriveNeedsS()
    {
        var times = Enumerable.Range(0, 21).Select(i => i * 0.25).ToArray();
        var s = times.Select(t => 0.2 + 0.1 * Math.Sin(t)).ToArray();
        var u = times.Select(t => 0.03 * t).ToArray(); // possible overlaps: u² ≤ s·s*
        var loss = new PolynomialLoss("z^2 - 1", "z^2 - 1");
        var generic = DuhamelVerification.ThetaFromSamples(times, s, u, loss, 0.64);
        var pr = DuhamelVerification.ThetaFromSamples(times, s, 0.64);
        foreach (double t in new[] { 0.0, 0.3, 1.7, 4.9, 5.0 })
            Assert.Equal(pr(t), generic(t), 1e-14);
        var nodes = SpectralNodes.FromModes([1.0, 0.5], [0.1, 0.1], [0.05, 0.02], [0.5, 0.5]).WithLoss(loss);
        var e = Assert.Throws<InvalidParameterException>(() => DuhamelVerification.TwoTimeProblem(nodes, t => t, 1));
        Assert.Equal("s", e.Parameter);
    }

    /// <summary>The generic Jacobian diag(0, 4λ_jΘ') + a∇sᵀ + b∇uᵀ (Θ'_s, Θ'_u, γ_s, γ_u from P's second derivatives) is the
    /// derivative of the right-hand side: against central differences (h = 1e-6, error O(h²) ≈ 1e-12 relative, rounding
    /// ε/h ≈ 1e-10), to 1e-7 of the largest entry.</summary>
    [Theory]
    [InlineData("z^3 - 3*z")]
    [InlineData("z + z^2/2")]
    [InlineData("erf")]
    public void GenericJacobianIsTheDerivativeOfTheRightHandSide(string link)
    {
        var nodes = SpectralNodes.FromModes([1.0, 0.6, 0.3, 0.1], [0.2, 0.1, 0.3, 0.05], [0.05, -0.02, 0.1, 0.01], [0.4, 0.3, 0.5, 0.2])
            .WithLoss(ModelText.Parse(link, link));
        var system = new NodeSystem(nodes);
        int n = nodes.Count + 1;
        double[] y = [0.3, 0.2, -0.1, 0.15, 0.05];
        double[] diagonal = new double[n], a = new double[2 * n], b = new double[2 * n];
        system.Jacobian(0, y, diagonal, a, b);
        double[] plus = new double[n], minus = new double[n];
        double h = 1e-6, worst = 0, scale = 0;
        var jacobian = new double[n, n];
        for (int k = 0; k < n; k++)
        {
            double[] yp = (double[])y.Clone(), ym = (double[])y.Clone();
            yp[k] += h;
            ym[k] -= h;
            system.Function(0, yp, plus);
            system.Function(0, ym, minus);
            for (int i = 0; i < n; i++)
            {
                jacobian[i, k] = (plus[i] - minus[i]) / (2 * h);
                scale = Math.Max(scale, Math.Abs(jacobian[i, k]));
            }
        }
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
            {
                double structured = (i == k ? diagonal[i] : 0) + a[i] * b[k] + a[n + i] * b[n + k];
                worst = Math.Max(worst, Math.Abs(structured - jacobian[i, k]));
            }
        output.WriteLine($"{link}: max |J − J_fd| = {worst:E2}, max |J| = {scale:E2}");
        Assert.True(worst <= 1e-7 * scale, $"max |J − J_fd| = {worst:E2}, max |J| = {scale:E2}");
    }

    /// <summary>He₃ at s* ≈ 1 from radius 0.6 collapses to w = 0 (α_0 = −18): Θ falls like −4.5t, and Rodas4's trial stages
    /// of the long steps late in the run overflow z_j = e^{4λ_jΘ}'s companions into s = ∞. That must reject the step, not
    /// end the run with the model's range error (it did, past t ≈ 1e7).</summary>
    [Fact]
    public void ACollapseToZeroRunsToLongHorizonsLikeDirectFlow()
    {
        var spectrum = Spectrum.PowerLaw(300, 1.5);
        var model = new PhaseRetrievalModel(spectrum, Teacher.Gaussian(spectrum, 1), ModelText.Parse("z^3 - 3*z", "z^3 - 3*z"));
        var problem = new PhaseRetrievalProblem(model, Initialization.Sphere(300, 2, 0.6), 1e8);
        var schedule = OutputSchedule.LogSpaced(30, 0.01, includeInitial: true);
        var direct = new PopulationGradientFlow(Rtol / 10, Atol / 10).Solve(problem, new SimulationOptions { Output = schedule });
        var reduced = SpectralNodeReduction.Solve(problem, null, new SpectralNodeOptions { RelativeTolerance = Rtol, AbsoluteTolerance = Atol, Output = schedule });
        Assert.True(reduced.IsValid, reduced.InvalidFrom?.Message);
        Assert.Equal(1e8, reduced.Trajectory.Samples[^1].T);
        var (s, u, mse) = direct.Trajectory.MaxDeviation(reduced.Trajectory);
        double tol = FlowAgreement.Tolerance(model, direct.Statistics.Steps, reduced.Statistics.Steps, Rtol);
        output.WriteLine($"max |Δs| = {s:E2}, |Δu| = {u:E2}, |ΔMSE| = {mse:E2}, tolerance {tol:E2}; final s {reduced.Trajectory.Samples[^1].S:E2}");
        Assert.True(s <= tol && u <= tol && mse <= tol, $"max |Δs| = {s:E2}, |Δu| = {u:E2}, |ΔMSE| = {mse:E2}, tolerance {tol:E2}");
        Assert.True(reduced.Trajectory.Samples[^1].S < 1e-20, "w collapses to 0");
    }
}
