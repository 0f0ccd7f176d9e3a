using PhaseFlow.Tests.Shared;

namespace PhaseFlow.Ode.Tests;

public class LayoutTests
{
    [Fact]
    public void ProjectReferencesPointTheWayTheArchitectureAllows() => Architecture.AssertReferencesFollowLayout("Ode");
}
