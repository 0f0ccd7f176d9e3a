using System.Globalization;
using System.Runtime.InteropServices;
using PhaseFlow.Cli;

// Output (CSV, JSON, messages) is the same on every machine, whatever its locale.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C cancels (exit 130 within a second); a second one ends the process at once.
    e.Cancel = !cancellation.IsCancellationRequested;
    cancellation.Cancel();
};
// SIGTERM (kill, a job scheduler's time limit) cancels the same way instead of ending the process mid-write.
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = !cancellation.IsCancellationRequested;
    cancellation.Cancel();
});
return CliApp.Run(args, Console.Out, Console.Error, cancellation.Token);
