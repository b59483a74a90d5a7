using Monitoring.Analysis;
using Monitoring.Cli;
using Monitoring.Configuration;
using Monitoring.Hosting;
using Monitoring.Native;
using Serilog.Extensions.Logging;

namespace Monitoring;

public static class Program
{
    private const string Usage = """
        monitoring — real-time video anomaly monitoring

        usage:
          monitoring run --config FILE              run the daemon (default config: config/monitoring.json)
          monitoring validate-config --config FILE  check a config: exit 0 when usable, 1 with every error
          monitoring outbox --config FILE [status|dead-letters|requeue] [--webhook NAME] [--limit N]
                                                     the webhook outbox: pending rows and dead letters per webhook
                                                     (status, the default), the newest dead letters (dead-letters,
                                                     --limit 50), or dead letters put back for delivery (requeue)
          monitoring learn --config FILE --camera ID [--source PATH|URL]... [--seconds S] [--out FILE] [--false-alarm-rate R]
                                                     learn a camera's normal scene into its profile
          monitoring eval --train DIR --test DIR --labels FILE [--out DIR] [--model PATH] [--batch N]
                                                     measure frame-level AUC on labelled footage
          monitoring bench [--clip PATH] [--seconds S] [--out FILE] [--max-cameras N] [--soak-minutes M]
                                                     measure decode, model and pipeline speed (docs/benchmarks.md)
          monitoring version                        versions of the native parts

        exit codes: 0 ok, 1 failure, 2 bad configuration or usage
        """;

    private static readonly HashSet<string> Flags = ["help", "keep-work", "alloc-profile", "spin"];

    /// <summary>Commands that take a bare action word (<c>outbox status</c>).</summary>
    private static readonly HashSet<string> WordCommands = ["outbox"];

    public static async Task<int> Main(string[] args)
    {
        CommandLine cl;
        try
        {
            cl = new CommandLine(args, Flags, WordCommands);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"monitoring: {e.Message}\n\n{Usage}");
            return 2;
        }
        try
        {
            switch (cl.Command)
            {
                case "run":
                    return await RunCommand.RunAsync(cl);
                case "validate-config":
                    return ValidateConfigCommand.Run(cl);
                case "outbox":
                    return await OutboxCommand.RunAsync(cl, Console.Out, Console.Error);
                case "learn":
                case "eval":
                {
                    using var serilog = Logging.Create(null);
                    using var logs = new SerilogLoggerFactory(serilog);
                    return cl.Command == "learn" ? LearnCommand.Run(cl, logs) : EvalCommand.Run(cl, logs);
                }
                case "bench":
                    return await Benchmarking.BenchCommand.RunAsync(cl);
                case "version":
                    Console.WriteLine($"monitoring {typeof(Program).Assembly.GetName().Version}");
                    Console.WriteLine($"OpenCV {Native.OpenCv.OpenCvRuntime.Version}");
                    Console.WriteLine($"ONNX Runtime {Inference.OnnxRuntimeInfo.Version}");
                    return 0;
                case "help":
                    Console.WriteLine(Usage);
                    return 0;
                default:
                    Console.Error.WriteLine($"monitoring: unknown command '{cl.Command}'\n\n{Usage}");
                    return 2;
            }
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"monitoring {cl.Command}: {e.Message}");
            return 2;
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine($"monitoring {cl.Command}: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is NativeLibraryMissingException or ModelContractException or ProfileException or FileNotFoundException
                                       or Native.OpenCv.CaptureException or Inference.InferenceException or InvalidDataException)
        {
            Console.Error.WriteLine($"monitoring {cl.Command}: {e.Message}");
            return 1;
        }
    }
}
