using Microsoft.Extensions.Options;

namespace Monitoring.Configuration;

/// <summary>
/// The one validation style of every option type: a validator writes each problem into <see cref="ValidationErrors"/>,
/// starting with the JSON path of the setting and ending with the fix. Through <see cref="IValidateOptions{TOptions}"/>
/// the options' name is the JSON path of the section (the default name: <see cref="DefaultPath"/>), so the host
/// checks options registered by a stage at start the same way <see cref="ConfigLoader"/> checks the whole file.
/// </summary>
public abstract class OptionsValidator<T> : IValidateOptions<T> where T : class
{
    /// <summary>Where the section sits in config/monitoring.json, e.g. "alerts.events".</summary>
    public abstract string DefaultPath { get; }

    /// <summary>Adds every problem of <paramref name="options"/>, each naming a path under <paramref name="path"/>.</summary>
    public abstract void Validate(T options, string path, ValidationErrors errors);

    /// <summary>Every problem of <paramref name="options"/> at <paramref name="path"/> (default: <see cref="DefaultPath"/>).</summary>
    public IReadOnlyList<string> Check(T options, string? path = null)
    {
        var errors = new ValidationErrors();
        Validate(options, path ?? DefaultPath, errors);
        return errors.Errors;
    }

    /// <summary>Throws <see cref="ConfigException"/> listing every problem (exit code 2).</summary>
    public void ThrowIfInvalid(T options, string? path = null)
    {
        var errors = Check(options, path);
        if (errors.Count > 0) throw new ConfigException(errors);
    }

    ValidateOptionsResult IValidateOptions<T>.Validate(string? name, T options)
    {
        var errors = Check(options, string.IsNullOrEmpty(name) ? null : name);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
