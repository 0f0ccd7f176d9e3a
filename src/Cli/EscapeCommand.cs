using System.Globalization;
using System.Text;
using PhaseFlow.Cli.Problems;
using PhaseFlow.Core;
using PhaseFlow.Volterra.Duhamel;

namespace PhaseFlow.Cli;

/// <summary><c>phaseflow escape</c>: the Phase I escape rate ρ (dispersion relation) and predicted escape times, for the
/// spectrum, teacher and w(0) of a problem file, or for a power law with expected weights (any d, or d = ∞).</summary>
public static class EscapeCommand
{
    /// <summary>What was computed.</summary>
    /// <param name="Source">What the nodes represent.</param>
    /// <param name="Rate">ρ and the growing mode.</param>
    /// <param name="Linear">The exact linear Phase I solution, when the nodes are few enough (≤ 4096).</param>
    /// <param name="Level">The level |u| = level·s* the times refer to.</param>
    public sealed record Report(string Source, EscapeRate Rate, PhaseOneSolution? Linear, double Level);

    /// <summary>From a problem file's exact nodes.</summary>
    /// <exception cref="InputException">The file is invalid.</exception>
    public static Report FromProblem(string path, double level)
    {
        var problem = ProblemFile.Load(path);
        return Build(SpectralNodes.Exact(problem.Problem), level);
    }

    /// <summary>From a trace-normalised power law with expected weights (see <see cref="SpectralNodes.PowerLaw"/>).</summary>
    /// <exception cref="InputException">Invalid a, d, overlap or node count (named as the options).</exception>
    public static Report FromPowerLaw(double a, string dimension, double? overlap, int nodes, double level)
    {
        double d = dimension is "inf" or "infinity" or "∞" ? double.PositiveInfinity
            : double.TryParse(dimension, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) ? parsed
            : throw new InputException($"--d must be a number or \"inf\", got \"{dimension}\"");
        try
        {
            // Phase I only involves the top of the spectrum; the horizon only places the d = ∞ cut-off node.
            return Build(SpectralNodes.PowerLaw(a, d, nodes, 1e6, overlap), level);
        }
        catch (InvalidParameterException e)
        {
            throw HierarchyMethod.Rename(e, name => name switch { "a" => "--a", "d" => "--d", "initialOverlap" => "--overlap", _ => "--" + name });
        }
    }

    private static Report Build(SpectralNodes nodes, double level)
    {
        if (!(level > 0 && level < 1)) throw new InputException($"--level must be in (0, 1), got {level.ToString("R", CultureInfo.InvariantCulture)}");
        var rate = EscapeRate.Solve(nodes);
        var linear = nodes.Count <= PhaseOneSolution.MaxNodes ? PhaseOneSolution.Solve(nodes) : null;
        return new Report(nodes.Description, rate, linear, level);
    }

    /// <summary>The report as text lines.</summary>
    public static string Describe(Report r)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"{r.Source}");
        text.AppendLine(inv, $"escape rate ρ = {r.Rate.Rate:G10}  (root of 1 = 8 Σ λ_j² C_j / (ρ − 4λ_j s*); largest pole 4λ_1 s* = {r.Rate.TopRate:G6})");
        text.AppendLine(inv, $"growing mode: u(t) ≈ {r.Rate.Amplitude:G6} · e^(ρ t)");
        text.AppendLine(inv, $"time to |u| = {r.Level:G3} s*, growing mode alone: {r.Rate.TimeToReach(r.Level):G8}");
        if (r.Linear is { } linear)
            text.AppendLine(inv, $"time to |u| = {r.Level:G3} s*, exact linear Phase I ({linear.Exponents.Length} exponentials): {linear.TimeToReach(r.Level):G8}");
        text.AppendLine("(Phase I is linear while s ≪ s*: the times are accurate for small levels and lower bounds for large ones.)");
        return text.ToString();
    }
}
