namespace PhaseFlow.Experiments;

/// <summary>Markdown table text shared by the validation table, the reproduce report and the CLI reference.</summary>
public static class MarkdownTable
{
    /// <summary>A table cell: '|' escaped, line breaks as spaces (either would end the row).</summary>
    public static string Cell(string? text) =>
        (text ?? "").Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
