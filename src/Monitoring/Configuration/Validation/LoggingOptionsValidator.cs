namespace Monitoring.Configuration;

/// <summary>The "logging" section.</summary>
public sealed class LoggingOptionsValidator : OptionsValidator<LoggingOptions>
{
    public override string DefaultPath => "logging";

    public override void Validate(LoggingOptions o, string path, ValidationErrors e)
    {
        if (!Enum.TryParse<Serilog.Events.LogEventLevel>(o.Level, true, out _))
            e.Add($"{path}.level", $"'{o.Level}' is not a level; use Verbose, Debug, Information, Warning or Error");
        if (o.RetainedFiles < 1) e.Add($"{path}.retainedFiles", "must be >= 1");
    }
}
