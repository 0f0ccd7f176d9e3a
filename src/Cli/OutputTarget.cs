using PhaseFlow.Cli.Problems;
using PhaseFlow.Experiments;

namespace PhaseFlow.Cli;

/// <summary>Checks an output location before any work is done, so a bad <c>--out</c> costs no compute: the path is not
/// empty, is (or can become) a folder, and the folder is writable; the files the command will write are not folders.</summary>
internal static class OutputTarget
{
    /// <summary>A folder <paramref name="path"/> that will receive <paramref name="files"/> (names relative to it).</summary>
    /// <exception cref="InputException">Named by <paramref name="option"/>, saying what is wrong.</exception>
    public static void Folder(string? path, string option, params string[] files)
    {
        string full = FullPath(path, option, "folder");
        string shown = UserText.Quote(path);
        if (System.IO.File.Exists(full)) throw new InputException($"{option} {shown} is a file, not a folder");
        if (AtomicFile.IsSystemPath(full)) throw new InputException($"{option} {shown} is in a system folder (/dev, /proc, /sys), not a place for output");
        string existing = full;
        while (!Directory.Exists(existing))
        {
            if (System.IO.File.Exists(existing)) throw new InputException($"{option} {shown} cannot be created: {UserText.Quote(existing)} is a file, not a folder");
            existing = Path.GetDirectoryName(existing) ?? throw new InputException($"{option} {shown} has no existing parent folder");
        }
        Probe(existing, existing == full ? $"{option} {shown} is not writable" : $"{option} {shown} cannot be created in {UserText.Quote(existing)}");
        foreach (string file in files)
            if (Directory.Exists(Path.Combine(full, file)))
                throw new InputException($"{option} {shown} holds a folder named {UserText.Quote(file)} where the output file goes");
    }

    /// <summary>A file <paramref name="path"/> to be written (replaced if it exists).</summary>
    /// <exception cref="InputException">Named by <paramref name="option"/>, saying what is wrong.</exception>
    public static void File(string? path, string option)
    {
        string full = FullPath(path, option, "file");
        if (AtomicFile.IsSystemPath(full))
            throw new InputException($"{option} {UserText.Quote(path)} is a device or system entry, not a file (output files are renamed over their target)");
        if (Directory.Exists(full)) throw new InputException($"{option} {UserText.Quote(path)} is a folder, not a file");
        string parent = Path.GetDirectoryName(full) ?? throw new InputException($"{option} {UserText.Quote(path)} is not a file name");
        Folder(parent, option + " (its folder)");
    }

    private static string FullPath(string? path, string option, string what)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new InputException($"{option} must name a {what}, got {UserText.Quote(path ?? "")}");
        try
        {
            if (path.Contains('\0')) throw new ArgumentException("it contains a NUL character");
            return Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new InputException($"{option} {UserText.Quote(path)} is not a valid path: {e.Message}");
        }
    }

    /// <summary>Creates and removes a probe file: the only reliable test of writability (permissions, ACLs, read-only
    /// mounts, root).</summary>
    private static void Probe(string folder, string failure)
    {
        try
        {
            using var probe = new FileStream(Path.Combine(folder, $".phaseflow-probe-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.Write,
                FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{failure}: {e.Message}");
        }
    }
}
