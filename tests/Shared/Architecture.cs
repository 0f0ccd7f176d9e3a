using System.Xml.Linq;

namespace PhaseFlow.Tests.Shared;

/// <summary>The dependency graph: Ode ← Foundation ← Core ← {Hierarchy, Duhamel}, Foundation ← Volterra ← Duhamel,
/// Foundation ← Manifold, Symbolic ← {Core, Hierarchy}, all of them ← Experiments ← Cli, with Ode declared by every module that
/// calls the integrators itself (docs/architecture.md draws it). A module declares exactly the modules its source names (a reference
/// that nothing uses, or a module used only through another's reference, hides the real graph).</summary>
public static class Architecture
{
    public static readonly IReadOnlyDictionary<string, string[]> AllowedReferences = new Dictionary<string, string[]>
    {
        ["Foundation"] = ["Ode"],
        ["Ode"] = [],
        ["Symbolic"] = [],
        ["Core"] = ["Foundation", "Ode", "Symbolic"],
        ["Hierarchy"] = ["Foundation", "Core", "Ode", "Symbolic"],
        ["Volterra"] = ["Foundation"],
        ["Duhamel"] = ["Foundation", "Core", "Volterra", "Ode"],
        ["Manifold"] = ["Foundation", "Ode"],
        ["Experiments"] = ["Foundation", "Core", "Hierarchy", "Duhamel", "Manifold", "Ode"],
        ["Cli"] = ["Foundation", "Core", "Hierarchy", "Volterra", "Duhamel", "Manifold", "Experiments"],
    };

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PhaseFlow.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("PhaseFlow.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The src projects a project references, by module name.</summary>
    public static string[] ProjectReferences(string module)
    {
        string path = Path.Combine(RepositoryRoot(), "src", module, $"PhaseFlow.{module}.csproj");
        return XDocument.Load(path).Descendants("ProjectReference")
            .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value).Replace("PhaseFlow.", "", StringComparison.Ordinal))
            .Order().ToArray();
    }

    /// <summary>The PhaseFlow modules the source files of <paramref name="module"/> name (namespaces in usings, qualified
    /// names and doc references), itself excluded.</summary>
    public static string[] ModulesUsed(string module)
    {
        var pattern = new System.Text.RegularExpressions.Regex(@"\bPhaseFlow\.(" + string.Join("|", AllowedReferences.Keys) + @")\b");
        return Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "src", module), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => pattern.Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Where(m => m != module).Distinct().Order().ToArray();
    }

    public static void AssertReferencesFollowLayout(string module)
    {
        var actual = ProjectReferences(module);
        var allowed = AllowedReferences[module].Order().ToArray();
        if (!actual.SequenceEqual(allowed))
            throw new Xunit.Sdk.XunitException($"PhaseFlow.{module} references [{string.Join(", ", actual)}]; the layout allows [{string.Join(", ", allowed)}].");
        var used = ModulesUsed(module);
        if (!used.SequenceEqual(actual))
            throw new Xunit.Sdk.XunitException($"PhaseFlow.{module} references [{string.Join(", ", actual)}] but its source uses [{string.Join(", ", used)}]: " +
                                               "declare what is used, drop what is not.");
    }
}
