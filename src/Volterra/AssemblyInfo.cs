[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("PhaseFlow.Volterra.Tests")]
