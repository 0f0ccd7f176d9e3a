using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PhaseFlow.Experiments.Reproduce.Experiments;

namespace PhaseFlow.Experiments.Reproduce;

/// <summary><c>phaseflow reproduce</c>: runs experiments and writes their data, figures and the measured-vs-predicted report.</summary>
public static class ReproduceRunner
{
    /// <summary>Every experiment, in report order.</summary>
    public static IReadOnlyList<Experiment> Experiments { get; } =
    [
        Fig1SgdMse.Experiment,
        Fig2ThreePhases.Experiment,
        Fig3Escape.Experiment,
        Fig4PhaseThree.Experiment,
        Fig5SgdOrderParameters.Experiment,
        Fig6OneMinusU.Experiment,
        InformationExponent.Experiment,
        SpecGdStudy.Experiment,
    ];

    /// <summary>The experiment whose id is <paramref name="id"/> (case-insensitive), or null.</summary>
    public static Experiment? Find(string id) =>
        Experiments.Where(e => string.Equals(e.Id, id, StringComparison.OrdinalIgnoreCase)).ToArray() is [var one] ? one : null;

    /// <summary>Runs <paramref name="experiments"/> one after the other; <paramref name="progress"/> receives (id, fraction).</summary>
    public static IReadOnlyList<ExperimentReport> Run(IReadOnlyList<Experiment> experiments, ReproduceSize size,
        Action<string, double>? progress = null, CancellationToken cancellationToken = default)
    {
        var reports = new List<ExperimentReport>();
        foreach (var experiment in experiments)
        {
            var clock = Stopwatch.StartNew();
            var report = experiment.Run(size, progress is null ? null : new Foundation.SynchronousProgress<double>(f => progress(experiment.Id, f)), cancellationToken);
            progress?.Invoke(experiment.Id, 1);
            reports.Add(report with { WallSeconds = clock.Elapsed.TotalSeconds });
        }
        return reports;
    }

    /// <summary>Writes <c>report.md</c>, <c>summary.json</c> and each experiment's CSV, SVG and PNG files under
    /// <c>DIR/&lt;id&gt;/</c>, all atomically.</summary>
    public static void Write(string directory, IReadOnlyList<ExperimentReport> reports, ReproduceSize size, string? header = null,
        string reportName = "report.md", string dataFolder = "")
    {
        var files = new List<OutputFile>();
        foreach (var report in reports)
        {
            string folder = Path.Combine(dataFolder, report.Id);
            foreach (var table in report.Tables) files.Add(OutputFile.Text(Path.Combine(folder, table.Name + ".csv"), table.WriteCsv));
            foreach (var figure in report.Figures) files.AddRange(FigureRenderer.Files(figure, folder));
        }
        files.Add(OutputFile.Text(reportName, w => w.Write(Markdown(reports, size, header, dataFolder))));
        files.Add(OutputFile.Text(Path.ChangeExtension(reportName, ".json"), w => w.Write(Json(reports, size))));
        AtomicFile.WriteAll(directory, files);
    }

    /// <summary>The report: per experiment its setup, the figures and the measured-vs-predicted table.</summary>
    public static string Markdown(IReadOnlyList<ExperimentReport> reports, ReproduceSize size, string? header = null, string dataFolder = "")
    {
        var sb = new StringBuilder();
        if (header is not null) sb.AppendLine(header).AppendLine();
        sb.AppendLine("# PhaseFlow: the papers' experiments, measured beside the theory").AppendLine();
        int agreeing = reports.Sum(r => r.Comparisons.Count(c => c.Agrees == true)), tested = reports.Sum(r => r.Comparisons.Count(c => c.Agrees is not null));
        sb.AppendLine($"Size `{size.ToString().ToLowerInvariant()}`; {agreeing} of {tested} tested predictions agree. " +
                      "Each experiment's data are CSV files beside its figures (SVG and PNG).").AppendLine();
        var disagreements = reports.SelectMany(r => r.Comparisons.Where(c => c.Agrees == false).Select(c => $"{r.Id}: {c.Quantity} ({c.Case})")).ToArray();
        if (disagreements.Length > 0)
            sb.AppendLine($"Disagreements (read the row's note): {string.Join("; ", disagreements)}.").AppendLine();
        foreach (var report in reports)
        {
            string folder = string.IsNullOrEmpty(dataFolder) ? report.Id : $"{dataFolder.TrimEnd('/')}/{report.Id}";
            sb.AppendLine($"## {report.Id}: {report.Title}").AppendLine();
            sb.AppendLine(report.Setup).AppendLine();
            sb.AppendLine($"Data: {string.Join(", ", report.Tables.Select(t => $"[{t.Name}.csv]({folder}/{t.Name}.csv)"))}. " +
                          $"Run time {report.WallSeconds:F1} s.").AppendLine();
            foreach (var figure in report.Figures)
                sb.AppendLine($"![{MarkdownTable.Cell(figure.Title)}]({folder}/{figure.Name}.png) ([SVG]({folder}/{figure.Name}.svg))").AppendLine();
            sb.AppendLine("| quantity | case | measured | predicted | agrees | note |");
            sb.AppendLine("|---|---|---|---|---|---|");
            foreach (var c in report.Comparisons)
                sb.AppendLine($"| {MarkdownTable.Cell(c.Quantity)} | {MarkdownTable.Cell(c.Case)} | {MarkdownTable.Cell(c.Measured)} | {MarkdownTable.Cell(c.Predicted)} | " +
                              $"{(c.Agrees is { } a ? a ? "yes" : "**no**" : "")} | {MarkdownTable.Cell(c.Note)} |");
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static string Json(IReadOnlyList<ExperimentReport> reports, ReproduceSize size)
    {
        var array = new JsonArray();
        foreach (var r in reports)
        {
            var rows = new JsonArray();
            foreach (var c in r.Comparisons)
                rows.Add(new JsonObject
                {
                    ["quantity"] = c.Quantity, ["case"] = c.Case, ["measured"] = c.Measured, ["predicted"] = c.Predicted,
                    ["agrees"] = c.Agrees, ["note"] = c.Note,
                });
            array.Add(new JsonObject
            {
                ["id"] = r.Id, ["title"] = r.Title, ["setup"] = r.Setup, ["wallTimeSeconds"] = Math.Round(r.WallSeconds, 3), ["comparisons"] = rows,
                ["tables"] = new JsonArray(r.Tables.Select(t => (JsonNode)(t.Name + ".csv")).ToArray()),
                ["figures"] = new JsonArray(r.Figures.Select(f => (JsonNode)f.Name).ToArray()),
            });
        }
        return new JsonObject { ["size"] = size.ToString().ToLowerInvariant(), ["experiments"] = array }.ToJsonString(JsonFiles.Options);
    }
}
