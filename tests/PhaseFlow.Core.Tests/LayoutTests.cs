using PhaseFlow.Tests.Shared;

namespace PhaseFlow.Core.Tests;

public class LayoutTests
{
    [Fact]
    public void ProjectReferencesPointTheWayTheArchitectureAllows() => Architecture.AssertReferencesFollowLayout("Core");
}
