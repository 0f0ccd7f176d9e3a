using PhaseFlow.Tests.Shared;

namespace PhaseFlow.Volterra.Tests;

public class LayoutTests
{
    [Fact]
    public void ProjectReferencesPointTheWayTheArchitectureAllows() => Architecture.AssertReferencesFollowLayout("Volterra");
}
