[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("PhaseFlow.Duhamel.Tests")]
