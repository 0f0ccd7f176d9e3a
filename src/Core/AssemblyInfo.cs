using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("PhaseFlow.Core.Tests")]
