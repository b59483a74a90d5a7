using Monitoring.Configuration;

namespace Monitoring.Cli;

/// <summary><c>monitoring validate-config --config FILE</c>: 0 when the config is usable, 1 with every error listed when not.</summary>
public static class ValidateConfigCommand
{
    public static int Run(string path)
    {
        try
        {
            var o = ConfigLoader.Load(path);
            Console.WriteLine($"{Path.GetFullPath(path)}: OK ({o.Cameras.Count} camera(s), model {o.ResolvePath(o.Model.Path)})");
            return 0;
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }
}
