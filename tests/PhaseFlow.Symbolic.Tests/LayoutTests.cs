using PhaseFlow.Tests.Shared;

namespace PhaseFlow.Symbolic.Tests;

public class LayoutTests
{
    [Fact]
    public void ProjectReferencesPointTheWayTheArchitectureAllows() => Architecture.AssertReferencesFollowLayout("Symbolic");
}
