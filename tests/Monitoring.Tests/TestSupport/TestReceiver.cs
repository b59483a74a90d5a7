using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Monitoring.Tests.TestSupport;

/// <summary>
/// A real webhook receiver on 127.0.0.1 (Kestrel). It verifies every Standard Webhooks signature with its own HMAC
/// code (independent of the code under test) and records ids. <see cref="Behaviour"/> decides each response.
/// </summary>
internal sealed class TestReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly byte[] _key;

    public sealed record Hit(string Id, string Body, DateTimeOffset At, bool SignatureValid);

    private TestReceiver(WebApplication app, byte[] key)
    {
        _app = app;
        _key = key;
    }

    public ConcurrentQueue<Hit> Hits { get; } = new();
    public int Port { get; private set; }

    /// <summary>Given the 1-based request number, writes the response (default: 204).</summary>
    public Func<int, HttpContext, Task> Behaviour { get; set; } = (_, ctx) => { ctx.Response.StatusCode = 204; return Task.CompletedTask; };

    private int _requests;

    public IReadOnlyCollection<string> DistinctIds => Hits.Select(h => h.Id).ToHashSet();
    public int InvalidSignatures => Hits.Count(h => !h.SignatureValid);

    public static async Task<TestReceiver> StartAsync(byte[] key, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var receiver = new TestReceiver(app, key);
        app.MapPost("/{**path}", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Port = new Uri(address).Port;
        return receiver;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        string body = await reader.ReadToEndAsync();
        string id = ctx.Request.Headers["webhook-id"].ToString();
        string timestamp = ctx.Request.Headers["webhook-timestamp"].ToString();
        string signature = ctx.Request.Headers["webhook-signature"].ToString();
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
        bool fresh = long.TryParse(timestamp, out long ts) && Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - ts) < 300;
        bool valid = fresh && signature.Split(' ').Contains(expected);
        Hits.Enqueue(new Hit(id, body, DateTimeOffset.UtcNow, valid));
        if (!valid)
        {
            ctx.Response.StatusCode = 401;
            return;
        }
        await Behaviour(Interlocked.Increment(ref _requests), ctx);
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
