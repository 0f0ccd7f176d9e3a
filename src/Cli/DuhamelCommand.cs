using System.Globalization;
using System.Text.Json.Nodes;
using PhaseFlow.Cli.Problems;
using PhaseFlow.Experiments;
using PhaseFlow.Volterra;
using PhaseFlow.Duhamel;

namespace PhaseFlow.Cli;

/// <summary><c>phaseflow duhamel problem.json --out DIR</c>: the verification mode of the Duhamel reduction. Direct gradient
/// flow on a uniform grid gives Θ(t); the two-time-kernel Volterra equation (and the paper's printed convolution form) are
/// solved with it and compared with the run's u(t).</summary>
public static class DuhamelCommand
{
    /// <summary>Runs the verification and writes DIR/verification.csv and DIR/summary.json atomically.</summary>
    /// <exception cref="InputException">An invalid file, non-GF dynamics, or bad sample count.</exception>
    public static DuhamelVerificationResult Execute(string problemPath, string outDirectory, int samples, CancellationToken cancellationToken)
    {
        var problem = ProblemFile.Load(problemPath, "duhamel");
        if (problem.DynamicsKind != "gf")
            throw new InputException($"duhamel needs gradient-flow dynamics (\"dynamics\": {{\"kind\": \"gf\"}}), got \"{problem.DynamicsKind}\"");
        if (samples is < 16 or > 1 << 20)
            throw new InputException($"--samples must be an integer in [16, 1048576], got {samples}");
        double horizon = problem.Problem.Horizon, spacing = horizon / samples, fastest = 4 * problem.Model.Spectrum.Max * problem.Model.SStar;
        // Another model's top mode moves at λ_1·α with α = −2P_s, at the origin |2P_s(0, 0, s*)| (phase retrieval: 4s*, kept
        // as the floor); He₃ with s* = 0.64 has 18 there against 4s* = 2.56.
        string scale = "1/(4λ_1 s*)";
        if (!problem.Model.IsPhaseRetrieval)
        {
            double alpha0 = Math.Abs(2 * problem.Model.PopulationLoss.Derivatives(0, 0, problem.Model.SStar).Ps);
            if (double.IsFinite(alpha0) && alpha0 > 4 * problem.Model.SStar)
            {
                fastest = problem.Model.Spectrum.Max * alpha0;
                scale = "1/(λ_1·|2P_s(0, 0, s*)|)";
            }
        }
        // Θ is splined through the samples: spacing beyond the fastest time scale resolves nothing.
        if (spacing * fastest > 1)
            throw new InputException(string.Create(CultureInfo.InvariantCulture,
                $"--samples {samples} over the horizon {horizon:G4} gives a spacing {spacing:G3}, coarser than the fastest time scale {scale} = {1 / fastest:G3}; use at least {Math.Ceiling(horizon * fastest):F0} samples or a shorter horizon"));
        var direct = DuhamelVerification.DirectOnGrid(problem.Problem, samples, cancellationToken);
        DuhamelVerificationResult result;
        try
        {
            result = DuhamelVerification.Verify(SpectralNodes.Exact(problem.Problem), direct.Trajectory,
                new DuhamelVerificationOptions { Steps = 2 * samples, CancellationToken = cancellationToken });
        }
        catch (VolterraSolverException e)
        {
            throw new InputException($"the two-time equation could not be solved on this grid ({e.Message}); use more --samples");
        }
        var summary = new JsonObject
        {
            ["problem"] = Path.GetFileName(problemPath),
            ["spectrum"] = problem.Spectrum.Description,
            ["d"] = problem.Model.Dimension,
            ["horizon"] = horizon,
            ["samples"] = samples,
            ["volterraSteps"] = result.Statistics.Steps,
            ["thetaMin"] = result.ThetaRange.Min,
            ["thetaMax"] = result.ThetaRange.Max,
            ["twoTimeMaxDeviation"] = result.TwoTime.MaxDeviation,
            ["errorEstimate"] = result.ErrorEstimate,
            ["quadratureErrorEstimate"] = result.QuadratureErrorEstimate,
            ["interpolationErrorEstimate"] = result.InterpolationErrorEstimate,
            ["printedMaxDeviation"] = Finite(result.Printed!.MaxDeviation),
            ["printedDepartureTime"] = result.Printed.DepartureTime,
            ["printedFailedAt"] = result.Printed.FailedAt,
            ["escapeTime"] = direct.Markers.EscapeTime,
        };
        AtomicFile.WriteAll(outDirectory,
        [
            ("verification.csv", w => WriteCsv(w, result)),
            ("summary.json", w => w.Write(summary.ToJsonString(JsonFiles.Options) + "\n")),
        ]);
        return result;
    }

    private static JsonNode? Finite(double x) => double.IsFinite(x) ? JsonValue.Create(x) : null;

    private static void WriteCsv(TextWriter w, DuhamelVerificationResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        w.Write("t,u_direct,u_two_time,u_printed\n");
        var c = r.TwoTime;
        for (int i = 0; i < c.Times.Length; i++)
        {
            string printed = r.Printed?.Volterra is { } p ? p[i].ToString("R", inv) : "";
            w.Write(string.Create(inv, $"{c.Times[i]:R},{c.Direct[i]:R},{c.Volterra![i]:R},{printed}\n"));
        }
    }

    /// <summary>One line for the terminal.</summary>
    public static string Describe(DuhamelVerificationResult r, string directory)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new System.Text.StringBuilder();
        text.Append(inv, $"two-time kernel: max |u − u_direct| = {r.TwoTime.MaxDeviation:E3} (estimate {r.ErrorEstimate:E2}: quadrature ");
        text.Append(inv, $"{r.QuadratureErrorEstimate:E1}, interpolation of s {r.InterpolationErrorEstimate:E1}); printed convolution form: ");
        text.Append(inv, $"max |Δu| = {r.Printed!.MaxDeviation:E2}");
        if (r.Printed.DepartureTime is { } t) text.Append(inv, $", departs at t = {t:G4}");
        text.Append(inv, $"; Θ ∈ [{r.ThetaRange.Min:G4}, {r.ThetaRange.Max:G4}]; wrote {Path.Combine(directory, "verification.csv")} and summary.json\n");
        return text.ToString();
    }
}
