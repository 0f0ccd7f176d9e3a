[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("PhaseFlow.Hierarchy.Tests")]
