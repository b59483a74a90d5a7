using System.Threading.Channels;
using Monitoring.Events;

namespace Monitoring.Web;

/// <summary>
/// The alert messages of this run for the timeline, newest first, at most <c>capacity</c>; subscribers (the pages'
/// event streams) get each new one through their own small channel, dropping their oldest when they fall behind.
/// </summary>
public sealed class EventLog(int capacity)
{
    private readonly object _gate = new();
    private readonly LinkedList<AlertMessage> _messages = new();
    private readonly List<Channel<AlertMessage>> _subscribers = [];

    public void Add(AlertMessage message)
    {
        Channel<AlertMessage>[] subscribers;
        lock (_gate)
        {
            _messages.AddFirst(message);
            while (_messages.Count > capacity) _messages.RemoveLast();
            subscribers = [.. _subscribers];
        }
        foreach (var s in subscribers) s.Writer.TryWrite(message);
    }

    /// <summary>The messages kept, newest first.</summary>
    public IReadOnlyList<AlertMessage> Messages()
    {
        lock (_gate) return [.. _messages];
    }

    /// <summary>New messages from now on until the subscription is disposed.</summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<AlertMessage>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate) _subscribers.Add(channel);
        return new Subscription(this, channel);
    }

    public sealed class Subscription(EventLog log, Channel<AlertMessage> channel) : IDisposable
    {
        public ChannelReader<AlertMessage> Reader => channel.Reader;

        public void Dispose()
        {
            lock (log._gate) log._subscribers.Remove(channel);
            channel.Writer.TryComplete();
        }
    }
}
