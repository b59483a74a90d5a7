using Monitoring.Cli;
using Spectre.Console;

namespace Monitoring.Tests.Cli;

/// <summary>The learn/eval progress display (Spectre.Console) on a terminal and off one.</summary>
public sealed class ConsoleProgressTests
{
    private static (IAnsiConsole Console, StringWriter Text) Console(bool terminal)
    {
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(text),
            Ansi = terminal ? AnsiSupport.Yes : AnsiSupport.No,
            Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.TrueColor : ColorSystemSupport.NoColors,
        });
        return (console, text);
    }

    [Fact]
    public void Off_a_terminal_it_writes_plain_percentage_lines_per_phase_and_returns_the_work_result()
    {
        var (console, text) = Console(terminal: false);
        var result = ConsoleProgress.Run(report =>
        {
            report("learn", 0, 200);
            report("learn", 100, 200);
            Thread.Sleep(1300); // Spectre's plain renderer looks once a second
            report("learn", 200, 200);
            report("score [x]", 30, 60); // markup characters in a phase name are text
            Thread.Sleep(1300);
            report("score [x]", 60, 60);
            return 42;
        }, console);

        Assert.Equal(42, result);
        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("learn: 50%", lines);
        Assert.Contains("score [x]: 50%", lines);
        Assert.DoesNotContain('\u001b', text.ToString());
    }

    [Fact]
    public void On_a_terminal_it_draws_a_bar_with_the_frame_count_and_rate()
    {
        var (console, text) = Console(terminal: true);
        ConsoleProgress.Run(report =>
        {
            for (var n = 0; n <= 120; n += 8) report("learn walkway", Math.Min(n, 120), 120);
            report("learn walkway", 120, 120);
            return 0;
        }, console);

        var screen = text.ToString();
        Assert.Contains('\u001b', screen); // a live display: cursor moves and colours
        Assert.Contains("learn walkway", screen);
        Assert.Contains("120/120 frames", screen);
        Assert.Contains("100%", screen);
    }

    [Fact]
    public void Without_a_known_total_it_counts_frames()
    {
        var (console, text) = Console(terminal: true);
        ConsoleProgress.Run(report =>
        {
            report("learn cam", 0, 0);
            report("learn cam", 57, 0);
            return 0;
        }, console);

        Assert.Contains("57 frames", text.ToString());
        Assert.DoesNotContain("57/", text.ToString());
    }
}
