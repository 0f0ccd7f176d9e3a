using System.Text.Encodings.Web;
using System.Text.Json;

namespace PhaseFlow.Cli;

/// <summary>How the CLI writes JSON: indented, and without escaping characters such as '+' or 'λ' (the files are read by
/// people as much as by programs).</summary>
internal static class JsonFiles
{
    public static JsonSerializerOptions Options { get; } = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
