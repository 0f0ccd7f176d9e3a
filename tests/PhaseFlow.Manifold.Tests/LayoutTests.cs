using PhaseFlow.Tests.Shared;

namespace PhaseFlow.Manifold.Tests;

public class LayoutTests
{
    [Fact]
    public void ProjectReferencesPointTheWayTheArchitectureAllows() => Architecture.AssertReferencesFollowLayout("Manifold");
}
