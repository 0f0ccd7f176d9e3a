namespace PhaseFlow.Volterra;

/// <summary>Placeholder: this module's issue has not landed yet (see the issue tracker). It keeps the layout of
/// docs/architecture and the dependency graph in place.</summary>
public static class ModuleInfo
{
    /// <summary>The module's name.</summary>
    public const string Name = "PhaseFlow.Volterra";
}
