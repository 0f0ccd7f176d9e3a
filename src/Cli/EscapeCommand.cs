using System.Globalization;
using System.Text;
using PhaseFlow.Cli.Problems;
using PhaseFlow.Core;
using PhaseFlow.Duhamel;
using PhaseFlow.Foundation;
using PhaseFlow.Experiments;

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
    /// <param name="InitialU">u(0).</param>
    /// <param name="LinearTime">The exact linear solution's time to the level; null when it was not computed.</param>
    /// <param name="LinearNote">Why the exact linear time is missing although the nodes are few enough; null otherwise.</param>
    /// <param name="Theory">The model's escape constants α_0 and c; null for phase retrieval (8 and 4s*, printed as before).</param>
    /// <param name="Model">The model (links and noise) when it is not phase retrieval.</param>
    public sealed record Report(string Source, EscapeRate Rate, PhaseOneSolution? Linear, double Level, double InitialU = double.NaN,
        double? LinearTime = null, string? LinearNote = null, EscapeApplicability? Theory = null, string? Model = null);

    /// <summary>Largest exponent of <see cref="FromPowerLaw"/> (a must be in (0, MaxExponent]): above 64 the top eigenvalues'
    /// squares underflow against λ_1 and the dispersion relation has no usable roots. Flat spectra are fine (down to a → 0,
    /// where SpectralNodes.PowerLaw holds them in one node).</summary>
    public const double MaxExponent = 64;

    /// <summary>Allowed node budgets of <see cref="FromPowerLaw"/> (each node costs memory and a term of every sum).</summary>
    public const int MinNodes = 4, MaxNodes = 65_536;

    /// <summary>Smallest <c>--overlap</c>: the predicted times need ln(level·s*/u(0)) in double precision.</summary>
    public const double MinOverlap = 1e-300;

    /// <summary>From a problem file's exact nodes (and the model the file states).</summary>
    /// <exception cref="InputException">The file is invalid, or its model has no linear escape phase (the message says why).</exception>
    public static Report FromProblem(string path, double level, CancellationToken cancellationToken = default)
    {
        CheckLevel(level);
        var problem = ProblemFile.Load(path, "escape");
        return Build(SpectralNodes.Exact(problem.Problem), level, cancellationToken);
    }

    /// <summary>From a trace-normalised power law with expected weights (see <see cref="SpectralNodes.PowerLaw"/>), for
    /// phase retrieval or the model <paramref name="loss"/>.</summary>
    /// <exception cref="InputException">Invalid a, d, overlap or node count (named as the options), or a model without a
    /// linear escape phase (the message says why).</exception>
    public static Report FromPowerLaw(double a, string dimension, double? overlap, int nodes, double level,
        CancellationToken cancellationToken = default, SingleIndexLoss? loss = null)
    {
        CheckLevel(level);
        if (!(a > 0 && a <= MaxExponent))
            throw new InputException(string.Create(CultureInfo.InvariantCulture,
                $"--a must be in (0, {MaxExponent}] (steeper power laws are not resolved in double precision), got {a:R}"));
        // Below 1e-300 the growing mode's amplitude is subnormal and level/amplitude overflows (an infinite time).
        if (overlap is > 0 and < MinOverlap)
            throw new InputException(string.Create(CultureInfo.InvariantCulture, $"--overlap must be at least {MinOverlap:G} (smaller overlaps underflow), got {overlap:R}"));
        if (nodes is < MinNodes or > MaxNodes)
            throw new InputException(string.Create(CultureInfo.InvariantCulture, $"--nodes must be an integer in [{MinNodes}, {MaxNodes}], got {nodes}"));
        double d = dimension is "inf" or "infinity" or "∞" ? double.PositiveInfinity
            : double.TryParse(dimension, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) ? parsed
            : throw new InputException($"--d must be a number or \"inf\", got {UserText.Quote(dimension)}");
        try
        {
            // Phase I only involves the top of the spectrum; the horizon only places the d = ∞ cut-off node.
            var powerLaw = SpectralNodes.PowerLaw(a, d, nodes, 1e6, overlap);
            return Build(loss is null ? powerLaw : powerLaw.WithLoss(loss), level, cancellationToken);
        }
        catch (InvalidParameterException e)
        {
            throw HierarchyMethod.Rename(e, name => name switch { "a" => "--a", "d" => "--d", "initialOverlap" => "--overlap", _ => "--" + name });
        }
    }

    private static void CheckLevel(double level)
    {
        if (!(level > 0 && level < 1)) throw new InputException($"--level must be in (0, 1), got {level.ToString("R", CultureInfo.InvariantCulture)}");
    }

    private static Report Build(SpectralNodes nodes, double level, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // The refusal is the answer for such a model: its reason, as an input error (exit code 2).
        var theory = EscapeTheory.Applicability(nodes.Loss, nodes.SStar);
        if (!theory.Applies) throw new InputException($"{nodes.Loss}: {theory.Reason}");
        var shown = nodes.Loss is PhaseRetrievalLoss ? null : theory;
        var rate = EscapeRate.Solve(nodes);
        cancellationToken.ThrowIfCancellationRequested();
        if (Math.Abs(nodes.InitialU) >= level * nodes.SStar)
            return new Report(nodes.Description, rate, null, level, nodes.InitialU, Theory: shown, Model: shown is null ? null : nodes.Loss.ToString());
        PhaseOneSolution? linear = null;
        double? time = null;
        string? note = null;
        if (nodes.Count <= PhaseOneSolution.MaxNodes)
        {
            try
            {
                linear = PhaseOneSolution.Solve(nodes);
                time = linear.TimeToReach(level, cancellationToken);
            }
            catch (Exception e) when (e is InvalidOperationException or ArithmeticException)
            {
                // The residues of steep spectra span more than double precision: the sum of exponentials is not resolved.
                note = "not resolved in double precision for this spectrum";
            }
        }
        return new Report(nodes.Description, rate, linear, level, nodes.InitialU, time, note, shown, shown is null ? null : nodes.Loss.ToString());
    }

    /// <summary>The report as text lines.</summary>
    public static string Describe(Report r)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"{r.Source}");
        if (r.Model is { } model) text.AppendLine(inv, $"model: {model}");
        if (r.Theory is { } t)
            text.AppendLine(inv, $"escape rate ρ = {r.Rate.Rate:G10}  (root of 1 = c Σ λ_j² C_j / (ρ − α_0 λ_j), c = −P_uu(0,0,s*) = {t.Coupling:G6}, " +
                $"α_0 = −2P_s(0,0,s*) = {t.Alpha0:G6}; largest pole {r.Rate.TopRate:G6})");
        else
            text.AppendLine(inv, $"escape rate ρ = {r.Rate.Rate:G10}  (root of 1 = 8 Σ λ_j² C_j / (ρ − 4λ_j s*); largest pole 4λ_1 s* = {r.Rate.TopRate:G6})");
        text.AppendLine(inv, $"growing mode: u(t) ≈ {r.Rate.Amplitude:G6} · e^(ρ t)");
        if (Math.Abs(r.InitialU) >= r.Level * r.Rate.SStar)
        {
            // A predicted time would be negative: the start is already past the level.
            text.AppendLine(inv, $"|u(0)| = {Math.Abs(r.InitialU):G6} ≥ {r.Level:G3} s*: the level is already reached at t = 0");
            return text.ToString();
        }
        double growing = r.Rate.TimeToReach(r.Level);
        text.AppendLine(inv, $"time to |u| = {r.Level:G3} s*, growing mode alone: {(double.IsFinite(growing) ? growing.ToString("G8", inv) : "not resolved in double precision (the amplitude underflows)")}");
        if (r.Linear is { } linear && r.LinearTime is { } time)
            text.AppendLine(inv, $"time to |u| = {r.Level:G3} s*, exact linear Phase I ({linear.Exponents.Length} exponentials): {time:G8}");
        else if (r.LinearNote is { } note)
            text.AppendLine(inv, $"time to |u| = {r.Level:G3} s*, exact linear Phase I: {note}");
        text.AppendLine("(Phase I is linear while s ≪ s*: the times are accurate for small levels and lower bounds for large ones.)");
        return text.ToString();
    }
}
