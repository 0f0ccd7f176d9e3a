using Spectre.Console;

namespace PhaseFlow.Cli;

/// <summary>Spectre.Console progress bars on standard error for long commands, one bar per named task. Shown when asked
/// for, or by default when standard error is a terminal (never in redirected output or tests, where the plain log stays).</summary>
internal static class ProgressBars
{
    /// <summary>Whether bars should be drawn on <paramref name="error"/> by default.</summary>
    public static bool Interactive(TextWriter error) => ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;

    /// <summary>Runs <paramref name="work"/>, which reports (task, fraction in [0, 1]); with <paramref name="show"/> false the
    /// reports are ignored.</summary>
    public static T Run<T>(TextWriter error, bool show, IReadOnlyList<string> tasks, Func<Action<string, double>?, T> work)
    {
        if (!show) return work(null);
        // Asked-for bars are drawn even when standard error is not a terminal (Spectre would otherwise print nothing).
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error), Interactive = InteractionSupport.Yes });
        T result = default!;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var bars = tasks.Distinct().ToDictionary(t => t, t => ctx.AddTask(Markup.Escape(t), maxValue: 1));
                result = work((task, fraction) =>
                {
                    if (bars.TryGetValue(task, out var bar)) bar.Value = Math.Clamp(fraction, 0, 1);
                });
                foreach (var bar in bars.Values) bar.Value = 1;
            });
        return result;
    }

    /// <summary>One solver run under a single bar named "solving".</summary>
    public static T Solve<T>(TextWriter error, bool show, Func<IProgress<Foundation.SimulationProgress>?, T> work) =>
        Run(error, show, ["solving"], report => work(report is null ? null : new Foundation.SynchronousProgress<Foundation.SimulationProgress>(p => report("solving", p.Fraction))));
}
