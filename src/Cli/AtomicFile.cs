using System.Text;

namespace PhaseFlow.Cli;

/// <summary>Writes files so that a reader never sees a partial one: each goes to a temporary file in the target folder
/// and is renamed over the target only when every file of the set is complete.</summary>
public static class AtomicFile
{
    /// <summary>Writes all <paramref name="files"/> (name → writer callback) into <paramref name="directory"/>.</summary>
    public static void WriteAll(string directory, IReadOnlyList<(string Name, Action<TextWriter> Write)> files)
    {
        Directory.CreateDirectory(directory);
        var temps = new List<(string Temp, string Target)>();
        try
        {
            foreach (var (name, write) in files)
            {
                string target = Path.Combine(directory, name);
                string temp = Path.Combine(directory, $".{name}.{Guid.NewGuid():N}.tmp");
                temps.Add((temp, target));
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
                {
                    write(writer);
                    writer.Flush();
                    stream.Flush(flushToDisk: true);
                }
            }
            foreach (var (temp, target) in temps) File.Move(temp, target, overwrite: true);
        }
        finally
        {
            foreach (var (temp, _) in temps)
                if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes one text file atomically.</summary>
    public static void WriteText(string path, string text)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        WriteAll(directory, [(Path.GetFileName(path), w => w.Write(text))]);
    }
}
