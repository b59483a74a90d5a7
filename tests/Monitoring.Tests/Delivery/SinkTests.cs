using System.Text.Json;
using Monitoring.Delivery;
using Monitoring.Events;

namespace Monitoring.Tests.Delivery;

public class SinkTests
{
    [Fact]
    public async Task Jsonl_sink_writes_one_parseable_line_per_message()
    {
        using var dir = new TempDir();
        var path = dir.File("alerts.jsonl");
        await using (var sink = new JsonLinesFileSink(path))
        {
            await sink.EmitAsync(Messages.Make(1), CancellationToken.None);
            await sink.EmitAsync(Messages.Make(2, type: AlertLifecycle.End), CancellationToken.None);
            Assert.Equal(2, File.ReadAllLines(path).Length); // flushed before EmitAsync returned
        }
        var lines = File.ReadAllLines(path);
        Assert.Equal("EVT000001.1", JsonDocument.Parse(lines[0]).RootElement.GetProperty("id").GetString());
        Assert.Equal(AlertLifecycle.End, AlertJson.Deserialize(lines[1]).Type);
    }

    [Fact]
    public async Task Jsonl_sink_rotates_by_size_keeps_the_newest_files_and_never_splits_a_line()
    {
        using var dir = new TempDir();
        var path = dir.File("alerts.jsonl");
        var lineBytes = System.Text.Encoding.UTF8.GetByteCount(AlertJson.Serialize(Messages.Make(1)) + "\n");
        const int perFile = 3;
        const int messages = 20;
        await using (var sink = new JsonLinesFileSink(path, maxBytes: perFile * lineBytes + lineBytes / 2, keepFiles: 2))
        {
            for (var i = 1; i <= messages; i++) await sink.EmitAsync(Messages.Make(i), CancellationToken.None);
        }
        Assert.False(File.Exists(JsonLinesFileSink.RotatedPath(path, 3)), "only keepFiles rotated files are kept");
        // oldest first: .2, .1, then the live file; each holds whole lines, the newest messages survive in order
        var files = new[] { JsonLinesFileSink.RotatedPath(path, 2), JsonLinesFileSink.RotatedPath(path, 1), path };
        var ids = new List<string>();
        foreach (var f in files)
        {
            var lines = File.ReadAllLines(f);
            Assert.InRange(lines.Length, 1, perFile);
            ids.AddRange(lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!));
        }
        var expected = Enumerable.Range(messages - ids.Count + 1, ids.Count).Select(i => Messages.Make(i).Id).ToList();
        Assert.Equal(expected, ids);
        Assert.Equal(Messages.Make(messages).Id, ids[^1]);
        Assert.Equal(2 * perFile + (messages % perFile == 0 ? perFile : messages % perFile), ids.Count);
    }

    [Fact]
    public async Task Jsonl_sink_appends_to_an_existing_file_and_rotates_it_when_full()
    {
        using var dir = new TempDir();
        var path = dir.File("alerts.jsonl");
        await File.WriteAllTextAsync(path, new string('x', 5000) + "\n");   // left by an earlier run
        await using (var sink = new JsonLinesFileSink(path, maxBytes: 4096, keepFiles: 1))
            await sink.EmitAsync(Messages.Make(7), CancellationToken.None);
        Assert.StartsWith("xxxx", await File.ReadAllTextAsync(JsonLinesFileSink.RotatedPath(path, 1)));
        Assert.Equal(Messages.Make(7).Id, JsonDocument.Parse(File.ReadAllLines(path).Single()).RootElement.GetProperty("id").GetString());
    }

    private sealed class Failing : IAlertSink
    {
        public ValueTask EmitAsync(AlertMessage message, CancellationToken cancellationToken) => throw new InvalidOperationException("boom");
    }

    private sealed class Recording : IAlertSink
    {
        public List<string> Ids { get; } = [];
        public ValueTask EmitAsync(AlertMessage message, CancellationToken cancellationToken)
        {
            Ids.Add(message.Id);
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task Fan_out_reaches_every_sink_and_reports_failures()
    {
        var before = new Recording();
        var after = new Recording();
        var fan = new FanOutSink(before, new Failing(), after);
        var ex = await Assert.ThrowsAsync<AggregateException>(async () => await fan.EmitAsync(Messages.Make(1), CancellationToken.None));
        Assert.Equal(["EVT000001.1"], before.Ids);
        Assert.Equal(["EVT000001.1"], after.Ids);
        Assert.IsType<InvalidOperationException>(Assert.Single(ex.InnerExceptions));
    }

    [Fact]
    public async Task Logging_sink_logs_without_payload()
    {
        var logger = new ListLogger<LoggingSink>();
        await new LoggingSink(logger).EmitAsync(Messages.Make(1), CancellationToken.None);
        var line = Assert.Single(logger.Lines);
        Assert.Contains("EVT000001", line.Text, StringComparison.Ordinal);
    }
}
