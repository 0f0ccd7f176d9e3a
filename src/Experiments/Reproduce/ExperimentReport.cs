using System.Globalization;

namespace PhaseFlow.Experiments.Reproduce;

/// <summary>How large the reproduced experiments are.</summary>
public enum ReproduceSize
{
    /// <summary>Smallest sizes that still show each effect (seconds; the tests use it).</summary>
    Quick,

    /// <summary>Reduced sizes, documented per experiment (a few minutes for <c>all</c> on 2 cores).</summary>
    Default,

    /// <summary>The papers' sizes (long).</summary>
    Paper,
}

/// <summary>One experiment of <c>phaseflow reproduce</c>.</summary>
/// <param name="Id">Command-line name (fig1 … fig6, specgd).</param>
/// <param name="Title">One-line title.</param>
/// <param name="Run">Runs the experiment at a size; reports progress in [0, 1].</param>
public sealed record Experiment(string Id, string Title, Func<ReproduceSize, IProgress<double>?, CancellationToken, ExperimentReport> Run);

/// <summary>A column-named table written as CSV.</summary>
/// <param name="Name">File name without extension.</param>
/// <param name="Columns">Column names.</param>
/// <param name="Rows">Rows (same length as <paramref name="Columns"/>).</param>
public sealed record DataTable(string Name, IReadOnlyList<string> Columns, IReadOnlyList<double[]> Rows)
{
    /// <summary>Writes the table as CSV (invariant culture, round-trip precision).</summary>
    public void WriteCsv(TextWriter writer)
    {
        writer.WriteLine(string.Join(',', Columns));
        foreach (var row in Rows)
        {
            if (row.Length != Columns.Count) throw new InvalidOperationException($"{Name}: row of {row.Length} values for {Columns.Count} columns");
            writer.WriteLine(string.Join(',', row.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
    }
}

/// <summary>One measured quantity beside the theory's prediction.</summary>
/// <param name="Quantity">What is measured.</param>
/// <param name="Case">Which run (parameters).</param>
/// <param name="Measured">Measured value, formatted (with the fit interval when there is one).</param>
/// <param name="Predicted">The prediction, formatted, with its source.</param>
/// <param name="Agrees">Whether the measurement is consistent with the prediction as stated in the note (null: not a test, a comparison to read).</param>
/// <param name="Note">How to read the row.</param>
public sealed record ComparisonRow(string Quantity, string Case, string Measured, string Predicted, bool? Agrees, string Note);

/// <summary>What one experiment produced.</summary>
/// <param name="Id">Experiment id.</param>
/// <param name="Title">Title.</param>
/// <param name="Setup">Parameters and methods, including every reduction of size and every stand-in (one paragraph).</param>
/// <param name="Tables">Data written as CSV.</param>
/// <param name="Figures">Figures written as SVG and PNG.</param>
/// <param name="Comparisons">Measured beside predicted.</param>
public sealed record ExperimentReport(string Id, string Title, string Setup, IReadOnlyList<DataTable> Tables, IReadOnlyList<FigureSpec> Figures,
    IReadOnlyList<ComparisonRow> Comparisons)
{
    /// <summary>Seconds the experiment took (set by the runner).</summary>
    public double WallSeconds { get; init; }
}

/// <summary>Number formatting shared by the experiments' tables.</summary>
internal static class Fmt
{
    public static string G(double x, int digits = 4) => x.ToString("G" + digits, CultureInfo.InvariantCulture);

    public static string Interval(Foundation.SlopeFit fit) =>
        string.Create(CultureInfo.InvariantCulture, $"{G(fit.Slope)} [{G(fit.Lower)}, {G(fit.Upper)}]");

    public static string Opt(double? x, int digits = 4) => x is { } v ? G(v, digits) : "—";
}
