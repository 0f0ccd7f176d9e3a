using System.Runtime.InteropServices;
using PhaseFlow.Cli;

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
