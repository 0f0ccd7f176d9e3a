using System.Text;

namespace PhaseFlow.Cli;

/// <summary>One file of a set written by <see cref="AtomicFile.WriteAll(string, IReadOnlyList{OutputFile})"/>.</summary>
/// <param name="Name">File name (may contain a relative sub-folder).</param>
/// <param name="Write">Writes the content to the stream.</param>
public sealed record OutputFile(string Name, Action<Stream> Write)
{
    /// <summary>A UTF-8 text file (no byte-order mark).</summary>
    public static OutputFile Text(string name, Action<TextWriter> write) => new(name, stream =>
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
        write(writer);
    });

    /// <summary>A binary file.</summary>
    public static OutputFile Bytes(string name, byte[] content) => new(name, stream => stream.Write(content));
}

/// <summary>Writes files so that a reader never sees a partial one: each goes to a temporary file in the target folder
/// and is renamed over the target only when every file of the set is complete.</summary>
public static class AtomicFile
{
    /// <summary>Writes all <paramref name="files"/> (name → writer callback) into <paramref name="directory"/>.</summary>
    public static void WriteAll(string directory, IReadOnlyList<(string Name, Action<TextWriter> Write)> files) =>
        WriteAll(directory, files.Select(f => OutputFile.Text(f.Name, f.Write)).ToArray());

    /// <summary>Writes all <paramref name="files"/> into <paramref name="directory"/>: all are complete before any is renamed.</summary>
    public static void WriteAll(string directory, IReadOnlyList<OutputFile> files)
    {
        Directory.CreateDirectory(directory);
        var temps = new List<(string Temp, string Target)>();
        try
        {
            foreach (var file in files)
            {
                string target = Path.Combine(directory, file.Name);
                string folder = Path.GetDirectoryName(target)!;
                Directory.CreateDirectory(folder);
                string temp = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
                temps.Add((temp, target));
                using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write);
                file.Write(stream);
                stream.Flush(flushToDisk: true);
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
