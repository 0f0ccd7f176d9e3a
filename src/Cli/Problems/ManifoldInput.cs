using PhaseFlow.Experiments;
using PhaseFlow.Manifold;

namespace PhaseFlow.Cli.Problems;

/// <summary>Manifold run settings from user input, the command line or a problem file: <see cref="ManifoldRunSettings.Create"/>
/// with the user's names for the values, its errors as <see cref="InputException"/>, and the polar backend read from its name.</summary>
internal static class ManifoldInput
{
    /// <summary>Full-matrix settings as written, before validation.</summary>
    /// <param name="Width">m, or null for m = d.</param>
    /// <param name="Samples">n, or null for the population gradient.</param>
    /// <param name="Resample">Fresh samples every step.</param>
    /// <param name="Polar">svd, eigen, newton-schulz or muon.</param>
    /// <param name="Seed">Seed of Q_0 and of the samples.</param>
    public sealed record FullRequest(int? Width, int? Samples, bool Resample, string Polar, int Seed);

    /// <summary>Validates one run's settings; <paramref name="name"/> turns a parameter (eta, steps, init, every, d, m, samples,
    /// polar, kappa, alpha, lossScale, rho, method, full) into the name the user wrote (<c>--eta</c>, <c>dynamics.eta</c>).</summary>
    /// <exception cref="InputException">A value out of range, named.</exception>
    public static ManifoldRunSettings Create(ManifoldMethod method, double kappa, long d, double eta, long steps, double init, long? every,
        double alpha, double lossScale, double rho, FullRequest? full, Func<string, string> name)
    {
        ArgumentNullException.ThrowIfNull(name);
        // The polar name is checked last, after every other value.
        PolarMethod? polar = full is null ? null : TryParsePolar(full.Polar);
        var request = full is null ? null : new FullMatrixRequest(full.Width, full.Samples, full.Resample, polar ?? PolarMethod.Svd, full.Seed);
        ManifoldRunSettings settings;
        try
        {
            settings = ManifoldRunSettings.Create(method, kappa, d, eta, steps, init, every, alpha, lossScale, rho, request, name);
        }
        catch (ArgumentException e)
        {
            throw new InputException(e.Message);
        }
        if (full is not null && polar is null)
            throw new InputException($"{name("polar")} must be svd, eigen, newton-schulz or muon, got {UserText.Quote(full.Polar)}");
        return settings;
    }

    private static PolarMethod? TryParsePolar(string name) => name.ToLowerInvariant() switch
    {
        "svd" => PolarMethod.Svd,
        "eigen" => PolarMethod.GramEigen,
        "newton-schulz" => PolarMethod.NewtonSchulz,
        "muon" => PolarMethod.MuonNewtonSchulz,
        _ => null,
    };
}
