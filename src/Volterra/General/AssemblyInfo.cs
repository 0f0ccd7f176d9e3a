using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("PhaseFlow.Volterra.Tests")]
