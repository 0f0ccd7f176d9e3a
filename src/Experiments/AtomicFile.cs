using System.Text;
using System.Text.RegularExpressions;

namespace PhaseFlow.Experiments;

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

/// <summary>Commits a set of files to a folder as one transaction, with a redo journal.</summary>
/// <remarks>
/// Protocol (docs/problem-files.md, "Output commit"): under an exclusive lock on <c>DIR/.phaseflow.lock</c>,
/// (1) every target is checked (none may be a folder) before anything is written; (2) all files are written and flushed
/// into a fresh staging folder <c>DIR/.phaseflow-commit-&lt;id&gt;/</c>; (3) the commit point: a manifest is renamed to
/// <c>.committed</c> inside it; (4) each file is renamed over its target; (5) the staging folder is removed. A run killed
/// before (3) leaves an uncommitted staging folder, which the next write to DIR deletes; killed after (3), the next write
/// (or <see cref="Recover"/>) first completes the renames. Files in DIR that are not targets are never touched. Readers
/// that must not see a set half-replaced treat a <c>.phaseflow-commit-*</c> folder holding <c>.committed</c> as "commit in
/// progress" and call <see cref="Recover"/> (or wait).
/// </remarks>
public static partial class AtomicFile
{
    private const string StagingPrefix = ".phaseflow-commit-";
    private const string CommitMarker = ".committed";
    private const string LockName = ".phaseflow.lock";

    /// <summary>Writes all <paramref name="files"/> (name → writer callback) into <paramref name="directory"/>.</summary>
    public static void WriteAll(string directory, IReadOnlyList<(string Name, Action<TextWriter> Write)> files) =>
        WriteAll(directory, files.Select(f => OutputFile.Text(f.Name, f.Write)).ToArray());

    /// <summary>Writes all <paramref name="files"/> into <paramref name="directory"/> as one commit (see the remarks).</summary>
    /// <exception cref="IOException">A target is a folder (nothing was replaced), the folder is locked by another run, or
    /// the disk failed.</exception>
    public static void WriteAll(string directory, IReadOnlyList<OutputFile> files) => WriteAll(directory, files, null);

    /// <summary><see cref="WriteAll(string, IReadOnlyList{OutputFile})"/> with a test hook called after each step
    /// ("staged", "committed", then "moved NAME" per file); when it returns false the write stops there with no cleanup,
    /// as if the process had been killed.</summary>
    internal static void WriteAll(string directory, IReadOnlyList<OutputFile> files, Func<string, bool>? step)
    {
        ArgumentNullException.ThrowIfNull(files);
        foreach (var file in files) CheckName(file.Name);
        // Renaming over /dev/null (as root) would replace the device with a regular file.
        if (IsSystemPath(Path.GetFullPath(directory))) throw new IOException($"{directory} is a system folder (/dev, /proc, /sys): nothing was written");
        Directory.CreateDirectory(directory);
        using var _ = Lock(directory);
        RecoverLocked(directory);
        RemoveOldTemps(directory, files);
        // Fail before anything is written or replaced when a target cannot take a file.
        foreach (var file in files) CheckTarget(directory, file.Name);

        string staging = Path.Combine(directory, StagingPrefix + Guid.NewGuid().ToString("N"));
        bool committed = false;
        try
        {
            Directory.CreateDirectory(staging);
            foreach (var file in files)
            {
                string path = Path.Combine(staging, file.Name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                file.Write(stream);
                stream.Flush(flushToDisk: true);
            }
            if (step?.Invoke("staged") == false) { staging = ""; return; }
            string manifest = Path.Combine(staging, ".manifest");
            using (var stream = new FileStream(manifest, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(Encoding.UTF8.GetBytes(string.Join('\n', files.Select(f => f.Name)) + "\n"));
                stream.Flush(flushToDisk: true);
            }
            File.Move(manifest, Path.Combine(staging, CommitMarker));
            committed = true;
            if (step?.Invoke("committed") == false) { staging = ""; return; }
            foreach (var file in files)
            {
                Install(staging, directory, file.Name);
                if (step?.Invoke("moved " + file.Name) == false) { staging = ""; return; }
            }
            Directory.Delete(staging, recursive: true);
        }
        catch when (!committed && staging.Length > 0)
        {
            TryDelete(staging);
            throw;
        }
    }

    /// <summary>Writes one text file atomically.</summary>
    public static void WriteText(string path, string text)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        WriteAll(directory, [(Path.GetFileName(path), w => w.Write(text))]);
    }

    /// <summary>Finishes or discards what a killed run left in <paramref name="directory"/>: committed staging folders are
    /// completed (their files renamed over the targets), uncommitted ones deleted.</summary>
    public static void Recover(string directory)
    {
        if (!Directory.Exists(directory)) return;
        using var _ = Lock(directory);
        RecoverLocked(directory);
    }

    /// <summary>Whether <paramref name="fullPath"/> lies in a Unix pseudo file system (/dev, /proc, /sys), where entries are
    /// devices and kernel files, never output.</summary>
    public static bool IsSystemPath(string fullPath) =>
        !OperatingSystem.IsWindows() && (fullPath is "/dev" or "/proc" or "/sys" ||
                                         fullPath.StartsWith("/dev/", StringComparison.Ordinal) ||
                                         fullPath.StartsWith("/proc/", StringComparison.Ordinal) ||
                                         fullPath.StartsWith("/sys/", StringComparison.Ordinal));

    private static void RecoverLocked(string directory)
    {
        foreach (string staging in Directory.EnumerateDirectories(directory, StagingPrefix + "*"))
        {
            if (File.Exists(Path.Combine(staging, CommitMarker)))
                foreach (string name in File.ReadAllLines(Path.Combine(staging, CommitMarker)).Where(IsValidName))
                    if (File.Exists(Path.Combine(staging, name))) Install(staging, directory, name);
            TryDelete(staging);
        }
    }

    /// <summary>Temporaries of the earlier protocol (<c>.NAME.&lt;guid&gt;.tmp</c> beside each target) left by killed runs.</summary>
    private static void RemoveOldTemps(string directory, IReadOnlyList<OutputFile> files)
    {
        foreach (var group in files.GroupBy(f => Path.GetDirectoryName(Path.Combine(directory, f.Name))!))
        {
            if (!Directory.Exists(group.Key)) continue;
            var names = group.Select(f => Path.GetFileName(f.Name)).ToHashSet(StringComparer.Ordinal);
            foreach (string temp in Directory.EnumerateFiles(group.Key, ".*.tmp"))
                if (OldTemp().Match(Path.GetFileName(temp)) is { Success: true } m && names.Contains(m.Groups[1].Value))
                    File.Delete(temp);
        }
    }

    [GeneratedRegex("^\\.(.+)\\.[0-9a-f]{32}\\.tmp$")]
    private static partial Regex OldTemp();

    private static void Install(string staging, string directory, string name)
    {
        string target = Path.Combine(directory, name);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(Path.Combine(staging, name), target, overwrite: true);
    }

    /// <summary>A relative path that stays inside the folder (also applied to a manifest read back from disk).</summary>
    private static bool IsValidName(string name) =>
        !string.IsNullOrEmpty(name) && !Path.IsPathRooted(name) && !name.Split('/', '\\').Any(p => p is "" or "." or "..");

    private static void CheckName(string name)
    {
        if (!IsValidName(name))
            throw new ArgumentException($"output file names are relative paths without '.' or '..' parts, got {UserText.Quote(name)}", nameof(name));
    }

    private static void CheckTarget(string directory, string name)
    {
        string target = Path.Combine(directory, name);
        if (Directory.Exists(target)) throw new IOException($"{target} is a folder, not a file: nothing was written");
        for (string? folder = Path.GetDirectoryName(target); folder is not null && folder.Length > directory.Length; folder = Path.GetDirectoryName(folder))
            if (File.Exists(folder)) throw new IOException($"{folder} is a file, not a folder: nothing was written");
    }

    /// <summary>An exclusive advisory lock (flock on Unix), released by the OS if the process dies; the lock file is
    /// removed when the write ends.</summary>
    private static FileStream Lock(string directory)
    {
        try
        {
            return new FileStream(Path.Combine(directory, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new IOException($"{directory} is being written by another phaseflow run ({e.Message})", e);
        }
    }

    private static void TryDelete(string folder)
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
