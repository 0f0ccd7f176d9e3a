using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("PhaseFlow.Ode.Tests")]
