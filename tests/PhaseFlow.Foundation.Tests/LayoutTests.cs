using PhaseFlow.Tests.Shared;

namespace PhaseFlow.Foundation.Tests;

public class LayoutTests
{
    [Fact]
    public void ProjectReferencesPointTheWayTheArchitectureAllows() => Architecture.AssertReferencesFollowLayout("Foundation");
}
