using PhaseFlow.Tests.Shared;

namespace PhaseFlow.Duhamel.Tests;

public class LayoutTests
{
    [Fact]
    public void ProjectReferencesPointTheWayTheArchitectureAllows() => Architecture.AssertReferencesFollowLayout("Duhamel");
}
