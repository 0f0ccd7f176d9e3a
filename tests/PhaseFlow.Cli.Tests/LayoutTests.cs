using PhaseFlow.Tests.Shared;

namespace PhaseFlow.Cli.Tests;

public class LayoutTests
{
    [Fact]
    public void ProjectReferencesPointTheWayTheArchitectureAllows() => Architecture.AssertReferencesFollowLayout("Cli");
}
