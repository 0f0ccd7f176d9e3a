using PhaseFlow.Tests.Shared;

namespace PhaseFlow.Hierarchy.Tests;

public class LayoutTests
{
    [Fact]
    public void ProjectReferencesPointTheWayTheArchitectureAllows() => Architecture.AssertReferencesFollowLayout("Hierarchy");
}
