using System.Text.Json;
using Monitoring.Delivery;
using Monitoring.Events;
using Monitoring.Tests.TestSupport;

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
