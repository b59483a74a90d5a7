using Spectre.Console;
using Spectre.Console.Rendering;

namespace Monitoring.Cli;

/// <summary>
/// Frame-count progress of <c>learn</c> and <c>eval</c> on standard error, drawn by Spectre.Console: one live bar per
/// phase on a terminal. When standard input, output or error is not a terminal (tests, CI, pipes, a log file),
/// Spectre draws no live display: it writes a plain "phase: 25%" line at each milestone, without escape codes.
/// Standard output (the commands' result lines) is never written.
/// </summary>
public static class ConsoleProgress
{
    /// <summary>Reports (phase, frames done, frames expected; 0 when not known) from inside <see cref="Run{T}"/>.</summary>
    public delegate void Reporter(string phase, long done, long total);

    /// <summary>The console on standard error that Spectre's capability detection sees as such (redirected or not).</summary>
    public static IAnsiConsole StandardError() =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>Runs <paramref name="work"/> with a reporter; a new phase name starts a new bar and stops the previous one.</summary>
    public static T Run<T>(Func<Reporter, T> work, IAnsiConsole? console = null) =>
        (console ?? StandardError()).Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new FramesColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                ProgressTask? task = null;
                string? phase = null;
                var gate = new object();
                void Report(string name, long done, long total)
                {
                    lock (gate)
                    {
                        if (name != phase || task is null)
                        {
                            task?.StopTask();
                            phase = name;
                            task = ctx.AddTask(Markup.Escape(name), maxValue: total > 0 ? total : double.MaxValue);
                            task.IsIndeterminate = total <= 0;
                        }
                        if (done > task.MaxValue) task.MaxValue = done; // the frame count was an estimate
                        task.Value = done;
                    }
                }
                try
                {
                    return work(Report);
                }
                finally
                {
                    lock (gate) task?.StopTask();
                }
            });

    /// <summary>"done/total frames, F fps" (or "done frames, F fps" without a known total).</summary>
    private sealed class FramesColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            var done = (long)task.Value;
            var frames = task.IsIndeterminate ? $"{done} frames" : $"{done}/{(long)task.MaxValue} frames";
            var fps = task.ElapsedTime is { TotalSeconds: > 0 } e ? done / e.TotalSeconds : 0;
            return new Text($"{frames}, {fps:0} fps");
        }
    }
}
