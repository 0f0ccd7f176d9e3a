namespace PhaseFlow.Experiments.Tests;

public class LayoutTests
{
    [Fact]
    public void ProjectReferencesPointTheWayTheArchitectureAllows() => Architecture.AssertReferencesFollowLayout("Experiments");
}
