using System.Threading.Channels;

namespace Monitoring.Analysis;

/// <summary>Analysis → alerting: every analysed frame, in order; bounded (64), one writer (the <see cref="Analyser"/>), one reader (the alert stage).</summary>
public sealed class ScoredFrameChannel
{
    public const int Capacity = 64;

    private readonly Channel<ScoredFrame> _channel =
        Channel.CreateBounded<ScoredFrame>(new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true });

    public ChannelReader<ScoredFrame> Reader => _channel.Reader;
    public ChannelWriter<ScoredFrame> Writer => _channel.Writer;
}
