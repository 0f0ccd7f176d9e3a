namespace PhaseFlow.Cli.Problems;

/// <summary>Bad input (a problem file, a command-line value): the CLI prints the message and exits with code 2.</summary>
public sealed class InputException(string message) : Exception(message);
