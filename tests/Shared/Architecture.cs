using System.Xml.Linq;

namespace PhaseFlow.Tests.Shared;

/// <summary>The dependency graph of docs/architecture: Ode ← Core ← {Hierarchy, Volterra, Manifold} ← Cli, Symbolic ← {Hierarchy, Manifold}.</summary>
public static class Architecture
{
    public static readonly IReadOnlyDictionary<string, string[]> AllowedReferences = new Dictionary<string, string[]>
    {
        ["Ode"] = [],
        ["Symbolic"] = [],
        ["Core"] = ["Ode"],
        ["Hierarchy"] = ["Core", "Symbolic"],
        ["Volterra"] = ["Core"],
        ["Manifold"] = ["Core", "Symbolic"],
        ["Cli"] = ["Core", "Hierarchy", "Volterra", "Manifold"],
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

    public static void AssertReferencesFollowLayout(string module)
    {
        var actual = ProjectReferences(module);
        var allowed = AllowedReferences[module].Order().ToArray();
        if (!actual.SequenceEqual(allowed))
            throw new Xunit.Sdk.XunitException($"PhaseFlow.{module} references [{string.Join(", ", actual)}]; the layout allows [{string.Join(", ", allowed)}].");
    }
}
