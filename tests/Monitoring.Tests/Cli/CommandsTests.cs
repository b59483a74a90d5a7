namespace Monitoring.Tests.Cli;

/// <summary>
/// The command line as Program parses it (System.CommandLine): help, usage errors and their exit code 2. Only cases
/// that stop before a command does any work: nothing here loads a model or a config.
/// </summary>
public class CommandsTests
{
    private static async Task<(int Code, string Out, string Error)> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Program.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("help")]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task No_command_help_and_dash_dash_help_print_the_overview_of_every_command(string arg)
    {
        var (code, text, error) = await Run(arg == "" ? [] : [arg]);
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("monitoring [command] [options]", text);
        foreach (var command in new[] { "run", "validate-config", "outbox", "learn", "eval", "bench", "version", "help" })
            Assert.Contains(text.Split('\n'), l => l.StartsWith($"  {command} ", StringComparison.Ordinal));
        Assert.Contains("exit codes: 0 ok, 1 failure, 2 bad configuration or usage", text);
    }

    [Theory]
    [InlineData("run", "--config <FILE>")]
    [InlineData("validate-config", "--config <FILE>")]
    [InlineData("outbox", "--webhook <NAME>", "dead-letters", "requeue")]
    [InlineData("outbox dead-letters", "--limit <N>")]
    [InlineData("learn", "--camera <ID> (REQUIRED)", "--source <PATH|URL>", "--false-alarm-rate <R>")]
    [InlineData("eval", "--train <DIR> (REQUIRED)", "--test <DIR> (REQUIRED)", "--labels <FILE> (REQUIRED)", "--batch <N>", "[default: 8]")]
    [InlineData("bench", "--clip <PATH>", "--soak-minutes <M>", "--keep-work", "--ramp <N,N,…>")]
    [InlineData("version", "--help")]
    public async Task Help_on_a_command_prints_its_usage_and_options_and_exits_0(string command, params string[] expected)
    {
        foreach (var help in new[] { "--help", "-h" })
        {
            var (code, text, error) = await Run([.. command.Split(' '), help]);
            Assert.True(code == 0, error);
            Assert.Contains($"monitoring {command} [", text);
            foreach (var e in expected) Assert.Contains(e, text);
        }
    }

    [Theory]
    [InlineData("monitoring: Unrecognized command or argument 'frob'", "frob")]
    [InlineData("monitoring version: Unrecognized command or argument 'extra'", "version", "extra")]
    [InlineData("monitoring run: Unrecognized command or argument 'extra'", "run", "--config", "c.json", "extra")]
    [InlineData("monitoring run: Unrecognized command or argument '--colour'", "run", "--colour", "red")]
    [InlineData("monitoring run: Required argument missing for option: '--config'", "run", "--config")]
    [InlineData("monitoring outbox: Unrecognized command or argument 'frob'", "outbox", "frob")]
    [InlineData("monitoring outbox: Unrecognized command or argument 'dead-letters'", "outbox", "status", "dead-letters")]
    [InlineData("monitoring outbox: Unrecognized command or argument '--colour'", "outbox", "--colour", "red", "requeue")]
    [InlineData("monitoring outbox: --limit wants a whole number, got 'many'", "outbox", "dead-letters", "--limit", "many")]
    [InlineData("monitoring learn: Option '--camera' is required", "learn")]
    [InlineData("monitoring learn: --false-alarm-rate wants a number, got '0,001'", "learn", "--camera", "door", "--false-alarm-rate", "0,001")]
    [InlineData("monitoring eval: Option '--train' is required", "eval", "--test", "t", "--labels", "l.json")]
    [InlineData("monitoring eval: Unrecognized command or argument '--trian'", "eval", "--trian", "t", "--test", "t", "--labels", "l.json")]
    [InlineData("monitoring eval: --batch wants a whole number, got '8.5'", "eval", "--train", "t", "--test", "t", "--labels", "l", "--batch", "8.5")]
    [InlineData("monitoring learn: --tune-steps -5 is out of range: use 0 (keep the model's own predictor) to 100000", "learn", "--camera", "door", "--tune-steps", "-5")]
    [InlineData("monitoring eval: --tune-steps 200000 is out of range", "eval", "--train", "t", "--test", "t", "--labels", "l", "--tune-steps", "200000")]
    [InlineData("monitoring bench: --ramp wants positive whole numbers separated by commas, got '1,0'", "bench", "--ramp", "1,0")]
    [InlineData("monitoring bench: --seconds wants a number, got 'ten'", "bench", "--seconds", "ten")]
    public async Task A_usage_error_exits_2_with_one_line_naming_the_option_or_word(string message, params string[] args)
    {
        var (code, text, error) = await Run(args);
        Assert.Equal(2, code);
        Assert.Equal("", text);
        var lines = error.Split(Environment.NewLine);
        Assert.StartsWith(message, lines[0]);
        if (args[0] == "frob") Assert.Contains("monitoring [command] [options]", error); // then the overview, as before
        else Assert.Equal([""], lines[1..]); // one line
    }

    [Fact]
    public async Task The_last_of_a_repeated_option_counts()
    {
        // ./build.sh demo --config FILE passes run --config config/monitoring.json --config FILE.
        var (code, _, error) = await Run("run", "--config", "/nonexistent/first.json", "--config", "/nonexistent/second.json");
        Assert.Equal(2, code);
        Assert.Contains("'/nonexistent/second.json'", error);
        Assert.DoesNotContain("first.json", error);
    }

    [Fact]
    public async Task A_configuration_error_exits_2_with_the_command_named()
    {
        var (code, _, error) = await Run("run", "--config=/nonexistent/monitoring.json");
        Assert.Equal(2, code);
        Assert.StartsWith("monitoring run: Invalid configuration '/nonexistent/monitoring.json': the file does not exist", error);
    }
}
