using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Monitoring.Analysis;
using Monitoring.Benchmarking;
using Monitoring.Configuration;
using Monitoring.Hosting;
using Serilog.Extensions.Logging;

namespace Monitoring.Cli;

/// <summary>
/// The command line, declared for System.CommandLine: every command with its options and their defaults. The library
/// parses, writes each command's help (<c>--help</c>, <c>-h</c>) and finds the usage errors (unknown option, missing
/// required option, a value that is not a number); each command's action hands the parsed values to its command class.
/// <see cref="Program"/> runs the parse and turns errors into exit codes. An option given twice counts with its last value.
/// </summary>
public static class Commands
{
    public const string DefaultConfig = "config/monitoring.json";

    /// <summary>No response files: an argument starting with '@' is a path or a URL like any other.</summary>
    public static readonly ParserConfiguration Parser = new() { ResponseFileTokenReplacer = null };

    /// <param name="clock">The outbox command's clock (the ages it prints); the system clock when null.</param>
    public static RootCommand Create(TimeProvider? clock = null)
    {
        var root = new RootCommand("""
            monitoring — real-time video anomaly monitoring

            exit codes: 0 ok, 1 failure, 2 bad configuration or usage
            """) { HelpName = "monitoring" }; // the usage lines' name, also when run as dotnet monitoring.dll or inside a test host
        root.Options.Remove(root.Options.OfType<VersionOption>().Single()); // the version command says more
        root.SetAction(Overview);
        root.Add(Run());
        root.Add(ValidateConfig());
        root.Add(Outbox(clock));
        root.Add(Learn());
        root.Add(Eval());
        root.Add(Bench());
        root.Add(Version());
        var help = new Command("help", "this overview (COMMAND --help: that command's options)");
        help.SetAction(Overview);
        root.Add(help);
        return root;
    }

    /// <summary>"monitoring outbox" for <c>outbox requeue …</c>, "monitoring" before any command: what errors start with.</summary>
    public static string NameOf(ParseResult parse)
    {
        var command = parse.CommandResult;
        while (command.Parent is CommandResult { Parent: not null } parent) command = parent;
        return command.Parent is null ? "monitoring" : $"monitoring {command.Command.Name}";
    }

    private static int Overview(ParseResult parse) =>
        parse.RootCommandResult.Command.Parse(["--help"], Parser).Invoke(parse.InvocationConfiguration);

    private static Command Run()
    {
        var config = Config("the configuration: cameras, model, alerts, http");
        var run = new Command("run", "run the daemon") { config };
        run.SetAction((parse, _) => RunCommand.RunAsync(parse.GetValue(config)!));
        return run;
    }

    private static Command ValidateConfig()
    {
        var config = Config("the configuration to check");
        var validate = new Command("validate-config", "check a config: exit 0 when usable, 1 with every error") { config };
        validate.SetAction(parse => ValidateConfigCommand.Run(parse.GetValue(config)!));
        return validate;
    }

    /// <summary>
    /// <c>outbox [status|dead-letters|requeue]</c>: the action is a subcommand, status when none is given; the options
    /// are the outbox's, so that they may stand before or after the action word.
    /// </summary>
    private static Command Outbox(TimeProvider? clock)
    {
        var config = Config("the daemon's configuration (alerts.outbox.path, alerts.webhooks)");
        var webhook = Text("--webhook", "NAME", "only this webhook (its name in alerts.webhooks)");
        var limit = Unset("--limit", "N", $"dead-letters: how many of the newest to list [default: {OutboxCommand.DefaultLimit}]",
            ParseWhole, "a whole number");
        config.Recursive = webhook.Recursive = limit.Recursive = true;
        var outbox = new Command("outbox", "the webhook outbox: pending rows and dead letters per webhook (status, the default), " +
                                           "the newest dead letters, or dead letters put back for delivery") { config, webhook, limit };

        Func<ParseResult, CancellationToken, Task<int>> Act(string action) => (parse, _) =>
            OutboxCommand.RunAsync(action, parse.GetValue(config)!, parse.GetValue(webhook), parse.GetValue(limit),
                parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, clock);
        outbox.SetAction(Act("status"));
        foreach (var (action, description) in new[]
                 {
                     ("status", "pending rows, the oldest one's age and dead letters per webhook (the default)"),
                     ("dead-letters", "the newest dead letters, newest first (--limit N)"),
                     ("requeue", "put the dead letters back for delivery, once the receiver is fixed"),
                 })
        {
            var command = new Command(action, description);
            command.SetAction(Act(action));
            outbox.Add(command);
        }
        return outbox;
    }

    private static Command Learn()
    {
        var config = Config("the configuration holding the camera");
        var camera = Text("--camera", "ID", "the id of the camera in the config");
        camera.Required = true;
        var source = new Option<string[]>("--source")
        {
            HelpName = "PATH|URL",
            Description = "normal footage: a video file, a folder of clips or numbered images, or a URL; repeatable [default: the camera's url]",
        };
        var seconds = Number("--seconds", "S", "stop after S seconds (a live source); 0: read the sources to their end").WithDefault(0);
        var output = Text("--out", "FILE", "where to write the profile [default: the camera's profile in the config]");
        var batch = Whole("--batch", "N", "windows per model run; 0: the config's model.maxBatchSize").WithDefault(0);
        var rate = Number("--false-alarm-rate", "R",
            "the share of normal frames allowed to alert, in (0, 0.5], e.g. 0.001; 0: the camera's falseAlarmRate").WithDefault(0);
        var stride = FrameStride();
        var tune = TuneSteps();
        var learn = new Command("learn", "learn a camera's normal scene into its profile") { config, camera, source, seconds, output, batch, rate, stride, tune };
        learn.SetAction(parse => WithLogs(logs => LearnCommand.Run(new LearnCommand.Arguments(parse.GetValue(config)!, parse.GetValue(camera)!,
            parse.GetValue(source) ?? [], parse.GetValue(seconds), parse.GetValue(output), parse.GetValue(batch), parse.GetValue(rate),
            parse.GetValue(stride), parse.GetValue(tune)), logs)));
        return learn;
    }

    private static Command Eval()
    {
        var train = Text("--train", "DIR", "folder of normal clips, e.g. ../shared/datasets/ped2/training");
        var test = Text("--test", "DIR", "folder of test clips, e.g. ../shared/datasets/ped2/testing");
        var labels = Text("--labels", "FILE", "frame labels JSON, e.g. ../shared/datasets/ped2/testing/labels.json");
        train.Required = test.Required = labels.Required = true;
        var output = Text("--out", "DIR", "write report.json, roc.png, clip_*.png and snapshot_*.jpg there");
        var model = Text("--model", "PATH", "the ONNX model [default: models/anomaly.onnx above the working directory]");
        var batch = Whole("--batch", "N", "windows per model run").WithDefault(8);
        var threads = Whole("--threads", "N", "ONNX Runtime intra-op threads; 0: one per physical core").WithDefault(0);
        var provider = Text("--provider", "P", "auto, cpu or cuda").WithDefault("auto");
        var stride = FrameStride();
        var tune = TuneSteps();
        var eval = new Command("eval", "measure frame-level AUC on labelled footage") { train, test, labels, output, model, batch, threads, provider, stride, tune };
        eval.SetAction(parse => WithLogs(logs => EvalCommand.Run(new EvalCommand.Arguments(parse.GetValue(train)!, parse.GetValue(test)!,
            parse.GetValue(labels)!, parse.GetValue(output), parse.GetValue(model), parse.GetValue(batch), parse.GetValue(threads),
            parse.GetValue(provider)!, parse.GetValue(stride), parse.GetValue(tune)), logs)));
        return eval;
    }

    /// <summary>learn's and eval's check of --frame-stride: 0 (chosen from the motion) or 1..<see cref="MotionScale.MaxStride"/>.</summary>
    internal static void CheckFrameStride(int frameStride)
    {
        if (frameStride is < 0 or > MotionScale.MaxStride)
            throw new UsageException($"--frame-stride {frameStride} is out of range: use 1 to {MotionScale.MaxStride}, or leave it out to choose it from the footage's motion");
    }

    /// <summary>learn's and eval's --frame-stride (decision 0017).</summary>
    private static Option<int> FrameStride() =>
        Whole("--frame-stride", "K", "analysed frames between the model's window frames, 1 to 4; 0: chosen from the footage's motion").WithDefault(0);

    /// <summary>learn's and eval's check of --tune-steps.</summary>
    internal static Tuning.TuningOptions Tuning(int steps)
    {
        if (steps is < -1 or > Monitoring.Tuning.TuningOptions.MaxSteps)
            throw new UsageException($"--tune-steps {steps} is out of range: use 0 (keep the model's own predictor) to 100000; the default is {Monitoring.Tuning.TuningOptions.Default.Steps}");
        return steps < 0 ? Monitoring.Tuning.TuningOptions.Default : Monitoring.Tuning.TuningOptions.Default with { Steps = steps };
    }

    /// <summary>learn's and eval's --tune-steps (decision 0021).</summary>
    private static Option<int> TuneSteps() =>
        Whole("--tune-steps", "N", "steps of fine-tuning the model's predictor on the footage (≈ 70 ms each on 2 cores); 0: keep the model's own; -1: the camera's tuneSteps (learn) or 500 (eval)")
            .WithDefault(-1);

    private static Command Bench()
    {
        var clip = Text("--clip", "PATH", "the clip every camera plays").WithDefault(BenchCommand.DefaultClip);
        var seconds = Number("--seconds", "S", "measured seconds of each pipeline run").WithDefault(20);
        var warmup = Unset("--warmup", "S", "unmeasured seconds before each run [default: half of --seconds, within 1..4]", ParseNumber, "a number");
        var probeSeconds = Unset("--probe-seconds", "S", "seconds of each decode and model probe [default: --seconds, within 1..5]",
            ParseNumber, "a number");
        var output = Text("--out", "FILE", "the JSON report (a soak writes soak.csv, soak-rss.png beside it)").WithDefault("out/bench/bench.json");
        var maxCameras = Whole("--max-cameras", "N", "the most cameras of any run").WithDefault(16);
        var ramp = PositiveList("--ramp", "camera counts of the live ramp, until one misses real time", BenchCommand.DefaultRamp);
        var throughputCameras = PositiveList("--throughput-cameras", "camera counts of the unpaced throughput runs", BenchCommand.DefaultThroughputCameras);
        var model = Text("--model", "PATH", "the ONNX model [default: models/anomaly.onnx above the working directory]");
        var threads = Whole("--threads", "N", "ONNX Runtime intra-op threads; 0: one per physical core").WithDefault(0);
        var provider = Text("--provider", "P", "auto, cpu or cuda").WithDefault("cpu");
        var modelBatches = PositiveList("--model-batches", "batch sizes of the model probe (at most 256)", BenchCommand.DefaultModelBatches);
        var batch = Whole("--batch", "N", "the analyser's maxBatchSize").WithDefault(8);
        var batchWait = Whole("--batch-wait", "MS", "the analyser's maxBatchWaitMs").WithDefault(10);
        var fps = Number("--fps", "F", "analysis rate per camera").WithDefault(10);
        var only = Text("--only", "SECTIONS", "the sections to run, of decode,model,throughput,ramp").WithDefault("decode,model,throughput,ramp");
        var soakMinutes = Number("--soak-minutes", "M", "instead: run the daemon's pipeline for M minutes and track its memory").WithDefault(0);
        var soakCameras = Whole("--soak-cameras", "N", "live cameras of the soak").WithDefault(4);
        var sampleSeconds = Number("--sample-seconds", "S", "seconds between the soak's samples").WithDefault(10);
        var keepWork = Flag("--keep-work", "keep the runs' alerts and snapshots under the report's work folder");
        var allocationProfile = Flag("--alloc-profile", "sample the runtime's allocations by type during each pipeline run");
        var spin = Flag("--spin", "ONNX Runtime's spin-waiting on (the daemon's default is off)");
        var ownPredictors = Flag("--own-predictors", "every camera runs a predictor of its own, as cameras learned with tuning do: a session and batches per camera");
        var bench = new Command("bench", "measure decode, model and pipeline speed (docs/benchmarks.md)")
        {
            clip, seconds, warmup, probeSeconds, output, maxCameras, ramp, throughputCameras, model, threads, provider, modelBatches, batch,
            batchWait, fps, only, soakMinutes, soakCameras, sampleSeconds, keepWork, allocationProfile, spin, ownPredictors,
        };
        bench.SetAction((parse, _) => BenchCommand.RunAsync(new BenchCommand.Arguments
        {
            Clip = parse.GetValue(clip)!, Seconds = parse.GetValue(seconds), Warmup = parse.GetValue(warmup), ProbeSeconds = parse.GetValue(probeSeconds),
            Out = parse.GetValue(output)!, MaxCameras = parse.GetValue(maxCameras), Ramp = parse.GivenOr(ramp, BenchCommand.DefaultRamp),
            ThroughputCameras = parse.GivenOr(throughputCameras, BenchCommand.DefaultThroughputCameras), Model = parse.GetValue(model), Threads = parse.GetValue(threads),
            Provider = parse.GetValue(provider)!, ModelBatches = parse.GivenOr(modelBatches, BenchCommand.DefaultModelBatches), Batch = parse.GetValue(batch),
            BatchWaitMs = parse.GetValue(batchWait), Fps = parse.GetValue(fps), Only = parse.GetValue(only)!, SoakMinutes = parse.GetValue(soakMinutes),
            SoakCameras = parse.GetValue(soakCameras), SampleSeconds = parse.GetValue(sampleSeconds), KeepWork = parse.GetValue(keepWork),
            AllocationProfile = parse.GetValue(allocationProfile), Spin = parse.GetValue(spin), OwnPredictors = parse.GetValue(ownPredictors),
        }));
        return bench;
    }

    private static Command Version()
    {
        var version = new Command("version", "versions of the native parts");
        version.SetAction(parse =>
        {
            var o = parse.InvocationConfiguration.Output;
            o.WriteLine($"monitoring {typeof(Program).Assembly.GetName().Version}");
            o.WriteLine($"OpenCV {Native.OpenCv.OpenCvRuntime.Version}");
            o.WriteLine($"ONNX Runtime {Inference.OnnxRuntimeInfo.Version}");
            return 0;
        });
        return version;
    }

    /// <summary>learn and eval log to the console.</summary>
    private static int WithLogs(Func<ILoggerFactory, int> run)
    {
        using var serilog = Logging.Create(null);
        using var logs = new SerilogLoggerFactory(serilog);
        return run(logs);
    }

    private static Option<string> Config(string description) => Text("--config", "FILE", description).WithDefault(DefaultConfig);

    private static Option<string> Text(string name, string value, string description) =>
        Last(name, value, description, s => (true, s), "a value");

    private static Option<int> Whole(string name, string value, string description) =>
        Last(name, value, description, ParseWhole, "a whole number");

    private static Option<double> Number(string name, string value, string description) =>
        Last(name, value, description, ParseNumber, "a number");

    private static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>
    /// "1,2,4": positive whole numbers separated by commas. Its help names <paramref name="fallback"/> as the default
    /// (a default value would be written 1|2|4); <see cref="GivenOr"/> applies it.
    /// </summary>
    private static Option<int[]> PositiveList(string name, string description, IReadOnlyList<int> fallback) =>
        Last(name, "N,N,…", $"{description} [default: {string.Join(',', fallback)}]", s =>
        {
            var items = s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(ParseWhole).ToArray();
            return (items.All(i => i is (true, > 0)), items.Select(i => i.Value).ToArray());
        }, "positive whole numbers separated by commas");

    private static (bool Ok, int Value) ParseWhole(string s) =>
        (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v), v);

    /// <summary>Invariant and without thousands separators: "0,5" is an error, not 5.</summary>
    private static (bool Ok, double Value) ParseNumber(string s) =>
        (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v), v);

    /// <summary>
    /// <c>--name VALUE</c>, parsed by <paramref name="parse"/>; <c>--name=VALUE</c> too (the library). Given more than
    /// once, the last value counts (<c>./build.sh demo --config FILE</c> relies on it).
    /// </summary>
    private static Option<T> Last<T>(string name, string value, string description, Func<string, (bool Ok, T Value)> parse, string wants) =>
        new(name)
        {
            HelpName = value,
            Description = description,
            Arity = ArgumentArity.OneOrMore,
            CustomParser = result =>
            {
                var token = result.Tokens[^1].Value;
                var (ok, parsed) = parse(token);
                if (!ok) result.AddError($"{name} wants {wants}, got '{token}'");
                return parsed;
            },
        };

    /// <summary>An option whose value is null when it is not given (its default depends on other options).</summary>
    private static Option<T?> Unset<T>(string name, string value, string description, Func<string, (bool Ok, T Value)> parse, string wants)
        where T : struct =>
        Last<T?>(name, value, description, s => parse(s) is (true, var v) ? (true, v) : (false, null), wants);

    /// <summary>The option's value, or <paramref name="fallback"/> when the command line does not give it.</summary>
    private static IReadOnlyList<int> GivenOr(this ParseResult parse, Option<int[]> option, IReadOnlyList<int> fallback) =>
        parse.GetResult(option) is null ? fallback : parse.GetValue(option)!;

    private static Option<T> WithDefault<T>(this Option<T> option, T value)
    {
        option.DefaultValueFactory = _ => value;
        return option;
    }
}
