using System.Globalization;
using PhaseFlow.Foundation;

namespace PhaseFlow.Manifold;

/// <summary>Everything one run on the spiked manifold needs: the method, the model, the step and the recording, and for a
/// full-matrix run its settings. Build it with <see cref="Create"/>, which checks every value; run it with
/// <see cref="ManifoldRuns.Run"/>.</summary>
/// <param name="Method">gd, specgd, gf or specgf.</param>
/// <param name="Parameters">The spiked model.</param>
/// <param name="Kappa">κ (σ_v = 1 + κ).</param>
/// <param name="Eta">η̃ or η; for the flows the time between recorded steps (horizon = steps·η).</param>
/// <param name="Steps">Number of steps (flows: the horizon in units of η).</param>
/// <param name="Init">ε of W_0 = ε Q_0 (a = b = c = ε).</param>
/// <param name="Every">Record every k-th step (null: about 1000 evenly spaced samples).</param>
/// <param name="Full">Full-matrix run settings, or null for the reduced dynamics.</param>
public sealed record ManifoldRunSettings(ManifoldMethod Method, SpikedManifold Parameters, double Kappa, double Eta, long Steps, double Init, long? Every,
    FullMatrixRunSettings? Full)
{
    /// <summary>Validates one run's settings and builds them. <paramref name="name"/> turns a parameter (eta, steps, init,
    /// every, d, m, samples, kappa, alpha, lossScale, rho, method, full) into the name the caller's user wrote
    /// (<c>--eta</c>, <c>dynamics.eta</c>); by default the parameter itself.</summary>
    /// <exception cref="InvalidParameterException">A value out of range, named.</exception>
    /// <exception cref="ArgumentException">A start whose loss overflows, or a full-matrix run of a flow; the message names the
    /// value.</exception>
    public static ManifoldRunSettings Create(ManifoldMethod method, double kappa, long d, double eta, long steps, double init, long? every,
        double alpha, double lossScale, double rho, FullMatrixRequest? full, Func<string, string>? name = null)
    {
        name ??= parameter => parameter;
        if (!(eta > 0) || !double.IsFinite(eta)) throw new InvalidParameterException(name("eta"), "finite and > 0", F(eta));
        if (steps < 1 || steps > 1L << 40) throw new InvalidParameterException(name("steps"), "an integer in [1, 2^40]", F(steps));
        if (every is { } e && (e < 1 || e > steps))
            throw new InvalidParameterException(name("every"), $"an integer in [1, {name("steps")} = {F(steps)}]", F(e));
        // Every recorded sample is kept in memory: at most 10^7 of them.
        if (every is { } k && steps / k > 10_000_000)
            throw new InvalidParameterException(name("every"),
                $"at least {name("steps")}/10^7 = {F((steps + 9_999_999) / 10_000_000)} (at most 10^7 recorded samples)", F(k));
        // The alignments are a²/(a² + b²): below 1e-150, ε² underflows and they were written as NaN with exit 0.
        if (!(init >= 1e-150) || !double.IsFinite(init))
            throw new InvalidParameterException(name("init"), "finite and >= 1e-150 (ε² must not underflow)", F(init));
        SpikedManifold parameters;
        try
        {
            parameters = SpikedManifold.FromKappa(kappa, d) with { Alpha = alpha, LossScale = lossScale, Rho = rho };
        }
        catch (InvalidParameterException ex)
        {
            throw new InvalidParameterException(name(ex.Parameter), ex.Rule, ex.Actual);
        }
        // The loss is quartic in ε: a start whose loss overflows cannot be run (or written).
        var model = parameters.ToModel();
        if (!double.IsFinite(model.Loss(model.Uniform(init))))
            throw new ArgumentException($"{name("init")} must give a finite initial loss (it is quartic in ε), got {F(init)}");
        FullMatrixRunSettings? fullSettings = null;
        if (full is { } request)
        {
            if (!method.IsDiscrete())
                throw new ArgumentException($"{name("full")} runs gd and specgd (the flows run on the reduced model), got {name("method")} {method.ShortName()}");
            if (d > Covariance.MaxDimension)
                throw new InvalidParameterException(name("d"), $"at most {F(Covariance.MaxDimension)} with {name("full")}", F(d));
            int width = request.Width ?? (int)d;
            if (width < d || width > Covariance.MaxDimension)
                throw new InvalidParameterException(name("m"), $"in [d = {F(d)}, {F(Covariance.MaxDimension)}] (W_0 = ε Q_0 needs Q_0 Q_0ᵀ = I)", F(width));
            if (request.Samples is { } n && (n < 1 || (long)n * d > 1L << 27))
                throw new InvalidParameterException(name("samples"), $"in [1, 2^27 / d = {F((1L << 27) / d)}]", F(n));
            fullSettings = new FullMatrixRunSettings(width, request.Samples, request.Resample, request.Polar, request.Seed);
        }
        return new ManifoldRunSettings(method, parameters, kappa, eta, steps, init, every, fullSettings);
    }

    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    private static string F(long x) => x.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Full-matrix settings of a run, validated.</summary>
/// <param name="Width">m (≥ d).</param>
/// <param name="Samples">n for a finite-sample gradient, null for the population gradient.</param>
/// <param name="Resample">Fresh samples every step.</param>
/// <param name="Polar">Polar backend.</param>
/// <param name="Seed">Seed of Q_0 and of the samples.</param>
public sealed record FullMatrixRunSettings(int Width, int? Samples, bool Resample, PolarMethod Polar, int Seed);

/// <summary>Full-matrix settings as asked for, before <see cref="ManifoldRunSettings.Create"/> checks them.</summary>
/// <param name="Width">m, or null for m = d.</param>
/// <param name="Samples">n, or null for the population gradient.</param>
/// <param name="Resample">Fresh samples every step.</param>
/// <param name="Polar">Polar backend.</param>
/// <param name="Seed">Seed of Q_0 and of the samples.</param>
public sealed record FullMatrixRequest(int? Width, int? Samples, bool Resample, PolarMethod Polar, int Seed);

/// <summary>One row of <see cref="ManifoldRuns.Compare"/>.</summary>
/// <param name="Kappa">κ.</param>
/// <param name="Method">gd or specgd.</param>
/// <param name="Result">The run.</param>
public sealed record ManifoldCompareRow(double Kappa, ManifoldMethod Method, ManifoldResult Result);

/// <summary>Runs <see cref="ManifoldRunSettings"/>: the reduced dynamics or a full-matrix run from W_0 = ε Q_0, and GD against
/// SpecGD over κ.</summary>
public static class ManifoldRuns
{
    /// <summary>Runs one setting (reduced, or full matrix). Recorded steps: every <see cref="ManifoldRunSettings.Every"/>-th
    /// (and the last), or at most 1001 evenly spaced; the flows record at t = k·η.</summary>
    /// <exception cref="ManifoldDivergedException">The run left the finite numbers.</exception>
    /// <exception cref="ManifoldSolverException">The flow's solver could not finish.</exception>
    public static ManifoldResult Run(ManifoldRunSettings settings, IProgress<SimulationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var s = settings;
        var model = s.Parameters.ToModel();
        var x0 = model.Uniform(s.Init);
        long stride = s.Every ?? Math.Max(1, (long)Math.Ceiling(s.Steps / 1000.0));
        var indices = Enumerable.Range(0, (int)(s.Steps / stride) + 1).Select(i => (double)(i * stride)).Append(s.Steps).ToArray();
        double horizon = s.Method.IsDiscrete() ? s.Steps : s.Steps * s.Eta;
        var output = s.Method.IsDiscrete() ? OutputSchedule.At(indices) : OutputSchedule.At(indices.Select(k => Math.Min(horizon, k * s.Eta)).ToArray());
        var recording = new ManifoldOptions { Output = output };
        if (s.Full is not { } full)
            return ReducedDynamics.Solve(new ManifoldProblem(model, x0, s.Method, horizon, s.Eta), recording, progress, cancellationToken);
        var fullModel = FullMatrixModel.FromManifold(model);
        var q0 = RandomMatrices.Orthogonal((int)s.Parameters.Dimension, full.Width, full.Seed);
        var gradient = full.Samples is { } n ? GradientSource.Samples(n, full.Seed + 1, full.Resample) : GradientSource.Population;
        return FullMatrixDynamics.Solve(new FullMatrixProblem(fullModel, fullModel.Frame!.Embed(x0, q0), s.Method, s.Steps, s.Eta),
            new FullMatrixOptions { Frame = q0, Gradient = gradient, Polar = new PolarOptions { Method = full.Polar }, Recording = recording },
            progress, cancellationToken);
    }

    /// <summary>GD (step <paramref name="gd"/>.Eta) and SpecGD (step <paramref name="specEta"/>) for every κ, the other settings
    /// those of <paramref name="gd"/>.</summary>
    /// <exception cref="ManifoldDivergedException">A run diverged; the message starts with its κ and method.</exception>
    public static IReadOnlyList<ManifoldCompareRow> Compare(ManifoldRunSettings gd, double specEta, IReadOnlyList<double> kappas,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gd);
        ArgumentNullException.ThrowIfNull(kappas);
        var rows = new List<ManifoldCompareRow>();
        foreach (double kappa in kappas)
        {
            var parameters = gd.Parameters with { SigmaSpike = gd.Parameters.SigmaSignal * (1 + kappa) };
            foreach (var (method, eta) in new[] { (ManifoldMethod.GradientDescent, gd.Eta), (ManifoldMethod.SpectralGradientDescent, specEta) })
            {
                cancellationToken.ThrowIfCancellationRequested();
                var s = gd with { Method = method, Parameters = parameters, Kappa = kappa, Eta = eta };
                ManifoldResult result;
                try
                {
                    result = Run(s, null, cancellationToken);
                }
                catch (ManifoldDivergedException e)
                {
                    throw new ManifoldDivergedException($"κ = {kappa.ToString("G", CultureInfo.InvariantCulture)}, {method.ShortName()}: {e.Message}",
                        e.Time, e.Step, e.Partial, e);
                }
                rows.Add(new ManifoldCompareRow(kappa, method, result));
            }
        }
        return rows;
    }
}
