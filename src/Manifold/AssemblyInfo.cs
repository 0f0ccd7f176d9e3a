[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("PhaseFlow.Manifold.Tests")]
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("PhaseFlow.Bench")]
