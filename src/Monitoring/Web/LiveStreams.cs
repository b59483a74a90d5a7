using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Monitoring.Web;

/// <summary>
/// The two long-lived responses: the pages' event stream (server-sent events: the cameras' status every second, each
/// alert message as it is emitted) and a camera's MJPEG stream (a viewer: frames are rendered only while one is open,
/// at most <c>dashboard.maxFps</c>). Both end when the client goes or the daemon stops.
/// </summary>
public static class LiveStreams
{
    private static readonly byte[] Newlines = "\r\n"u8.ToArray();

    public static async Task EventsAsync(HttpContext ctx, DashboardModel model, DashboardFeed feed, Timeline timeline, CancellationToken stop)
    {
        ctx.Response.Headers.ContentType = "text/event-stream";
        ctx.Response.Headers.CacheControl = "no-store";
        ctx.Response.Headers["X-Accel-Buffering"] = "no";
        using var subscription = feed.Events.Subscribe();
        var body = ctx.Response.Body;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await WriteEventAsync(body, "cameras", model.Statuses(), stop);
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(stop);
                tick.CancelAfter(TimeSpan.FromSeconds(1));
                try
                {
                    while (await subscription.Reader.WaitToReadAsync(tick.Token))
                        while (subscription.Reader.TryRead(out var m))
                            await WriteEventAsync(body, "alert", timeline.Entry(m, []), stop);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    // the second passed: send the cameras again
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
            // the client went away
        }
    }

    private static async Task WriteEventAsync<T>(Stream body, string name, T data, CancellationToken stop)
    {
        var json = JsonSerializer.Serialize(data, DashboardJson.Options);
        await body.WriteAsync(Encoding.UTF8.GetBytes($"event: {name}\ndata: {json}\n\n"), stop);
        await body.FlushAsync(stop);
    }

    public static async Task MjpegAsync(HttpContext ctx, CameraView view, FrameOverlay overlay, CancellationToken stop)
    {
        const string boundary = "monitoringframe";
        ctx.Response.Headers.ContentType = $"multipart/x-mixed-replace; boundary={boundary}";
        ctx.Response.Headers.CacheControl = "no-store";
        using var viewer = view.Watch(overlay);
        var body = ctx.Response.Body;
        long version = 0;
        try
        {
            await body.FlushAsync(stop);
            while (await view.NextAsync(overlay, version, stop) is { } next)
            {
                version = next.Version;
                var header = Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Type: image/jpeg\r\nContent-Length: {next.Jpeg.Length}\r\n\r\n");
                await body.WriteAsync(header, stop);
                await body.WriteAsync(next.Jpeg, stop);
                await body.WriteAsync(Newlines, stop);
                await body.FlushAsync(stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
        }
    }
}
