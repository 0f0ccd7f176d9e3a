using System.Text.Encodings.Web;
using System.Text.Json;

namespace PhaseFlow.Experiments;

/// <summary>How PhaseFlow writes JSON files (reports, summaries, tables): indented, and without escaping characters such as '+' or 'λ' (the files are read by
/// people as much as by programs).</summary>
public static class JsonFiles
{
    /// <summary>Indented, with relaxed escaping.</summary>
    public static JsonSerializerOptions Options { get; } = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
