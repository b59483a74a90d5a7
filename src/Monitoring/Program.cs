using System.CommandLine;
using System.CommandLine.Invocation;
using Monitoring.Analysis;
using Monitoring.Cli;
using Monitoring.Configuration;
using Monitoring.Native;

namespace Monitoring;

public static class Program
{
    public static Task<int> Main(string[] args) => RunAsync(args, Console.Out, Console.Error);

    /// <summary>
    /// Parses <paramref name="args"/> with the commands of <see cref="Commands"/>, runs the command and maps what went
    /// wrong to the exit code: 2 for usage (one line naming the option) or configuration errors, 1 for failures.
    /// </summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, TimeProvider? clock = null)
    {
        var root = Commands.Create(clock);
        var parse = root.Parse(args, Commands.Parser);
        var command = Commands.NameOf(parse);
        if (parse.Action is ParseErrorAction)
        {
            stderr.WriteLine($"{command}: {parse.Errors[0].Message.ReplaceLineEndings(" ")}");
            if (parse.CommandResult.Command == root)
            {
                // No command (or an unknown one): the overview, as `monitoring help` prints it.
                stderr.WriteLine();
                root.Parse(["--help"], Commands.Parser).Invoke(new InvocationConfiguration { Output = stderr });
            }
            return 2;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false, // the exit code is decided below
                ProcessTerminationTimeout = null,      // SIGTERM and Ctrl+C are the daemon's: its host drains the pipeline
            });
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"{command}: {e.Message}");
            return 2;
        }
        catch (ConfigException e)
        {
            stderr.WriteLine($"{command}: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is NativeLibraryMissingException or ModelContractException or ProfileException or FileNotFoundException
                                       or Native.OpenCv.CaptureException or Inference.InferenceException or InvalidDataException)
        {
            stderr.WriteLine($"{command}: {e.Message}");
            return 1;
        }
    }
}
