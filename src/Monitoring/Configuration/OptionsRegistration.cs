using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Monitoring.Configuration;

/// <summary>
/// How a stage registers its section of the loaded config: the section itself (a singleton its parts take), its
/// <see cref="IValidateOptions{TOptions}"/>, and <see cref="IOptions{TOptions}"/> over that same instance, validated when
/// the host starts (ValidateOnStart) in the one error style: a <see cref="ConfigException"/> naming the JSON path and the
/// fix (exit code 2). <see cref="ConfigLoader"/> has checked the whole file already; this keeps a stage from starting on
/// a section that was built or changed without it.
/// </summary>
public static class OptionsRegistration
{
    public static IServiceCollection AddSection<T>(this IServiceCollection services, T section, OptionsValidator<T> validator) where T : class
    {
        services.AddSingleton(section);
        services.AddSingleton<IValidateOptions<T>>(validator);
        services.AddSingleton<IOptionsFactory<T>>(sp => new SectionFactory<T>(section, sp.GetServices<IValidateOptions<T>>()));
        services.AddOptions<T>().ValidateOnStart();
        return services;
    }

    /// <summary>Hands out the loaded section (not a new instance) once every validator accepts it.</summary>
    private sealed class SectionFactory<T>(T section, IEnumerable<IValidateOptions<T>> validators) : IOptionsFactory<T> where T : class
    {
        public T Create(string name)
        {
            var errors = validators.Select(v => v.Validate(name, section)).Where(r => r.Failed).SelectMany(r => r.Failures ?? []).ToList();
            return errors.Count == 0 ? section : throw new ConfigException(errors);
        }
    }
}
