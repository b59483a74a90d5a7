using Monitoring.Cli;

namespace Monitoring.Tests.Cli;

public class CommandLineTests
{
    private static readonly HashSet<string> Flags = ["help"];
    private static readonly HashSet<string> WordCommands = ["outbox"];

    [Fact]
    public void A_word_command_takes_bare_words_among_its_options()
    {
        var cl = new CommandLine(["outbox", "--config", "c.json", "requeue", "--webhook", "ops"], Flags, WordCommands);
        Assert.Equal("outbox", cl.Command);
        Assert.Equal(["requeue"], cl.Words);
        Assert.Equal("c.json", cl.Get("config"));
        Assert.Equal("ops", cl.Get("webhook"));
        cl.EnsureAllUsed();
    }

    [Fact]
    public void Words_the_command_did_not_read_are_usage_errors()
    {
        var cl = new CommandLine(["outbox", "status"], Flags, WordCommands);
        Assert.Contains("unexpected argument 'status'", Assert.Throws<UsageException>(cl.EnsureAllUsed).Message);
    }

    [Theory]
    [InlineData("version", "extra")]
    [InlineData("run", "--config", "c.json", "extra")]
    public void Other_commands_still_reject_bare_words(params string[] args)
    {
        Assert.Contains("unexpected argument 'extra'", Assert.Throws<UsageException>(() => new CommandLine(args, Flags, WordCommands)).Message);
    }
}
