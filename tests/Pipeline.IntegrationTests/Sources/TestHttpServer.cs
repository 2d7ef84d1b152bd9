using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Pipeline.IntegrationTests.Sources;

/// <summary>
/// A real HTTP/1.1 server on 127.0.0.1 (System.Net.HttpListener) answering each request with a route
/// handler; counts hits per path. Stopping it cancels handlers that are stalling on purpose.
/// </summary>
public sealed class TestHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Func<HttpListenerContext, CancellationToken, Task> _handle;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly ConcurrentDictionary<string, int> _hits = new();

    public TestHttpServer(Func<HttpListenerContext, CancellationToken, Task> handle)
    {
        _handle = handle;
        // HttpListener needs a concrete port: borrow a free one from the OS, retrying the rare clash.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                _listener = listener;
                BaseUri = new Uri($"http://127.0.0.1:{port}/");
                break;
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                listener.Close();
            }
        }
        _accepting = AcceptAsync();
    }

    public Uri BaseUri { get; }

    public string Url(string path) => new Uri(BaseUri, path).AbsoluteUri;

    public int Hits(string path) => _hits.GetValueOrDefault(path);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }
            _hits.AddOrUpdate(context.Request.Url!.AbsolutePath, 1, (_, n) => n + 1);
            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        try
        {
            await _handle(context, _stop.Token);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The client hung up (size limit, timeout) or the server is stopping: nothing to answer.
            context.Response.Abort();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
