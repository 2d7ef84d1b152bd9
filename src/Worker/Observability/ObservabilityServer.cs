namespace Pipeline.Worker.Observability;

using System.Net;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

/// <summary>
/// A small HTTP listener (no web framework) for Prometheus and the kubelet: <c>/metrics</c>,
/// <c>/healthz</c> (the process answers) and <c>/readyz</c> (consuming, not draining).
/// Registered before the consumer, so it starts first and stops last: probes keep working while the worker drains.
/// </summary>
internal sealed class ObservabilityServer(
    IOptions<MetricsOptions> options, WorkerMetrics metrics, WorkerReadiness readiness, ILogger<ObservabilityServer> logger)
    : BackgroundService
{
    private HttpListener? _listener;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Port == 0)
        {
            return Task.CompletedTask;
        }

        var prefix = $"http://{settings.Host}:{settings.Port}/";
        _listener = new HttpListener();
        _listener.Prefixes.Add(prefix);
        // A taken port fails the start-up: probes on a silent worker would restart it forever.
        _listener.Start();
        ObservabilityLog.Listening(logger, prefix);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _listener?.Close();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listener = _listener!;
        using var stop = stoppingToken.Register(listener.Stop);
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException && stoppingToken.IsCancellationRequested)
            {
                return;
            }

            // Each request on its own, so a slow scraper never holds up a probe.
            _ = Task.Run(() => RespondAsync(context, stoppingToken), CancellationToken.None);
        }
    }

    private async Task RespondAsync(HttpListenerContext context, CancellationToken cancellationToken)
    {
        var response = context.Response;
        try
        {
            switch (context.Request.Url?.AbsolutePath)
            {
                case "/metrics":
                    response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                    await metrics.Registry.CollectAndExportAsTextAsync(response.OutputStream, cancellationToken).ConfigureAwait(false);
                    break;
                case "/healthz":
                    await WriteTextAsync(response, HttpStatusCode.OK, "ok", cancellationToken).ConfigureAwait(false);
                    break;
                case "/readyz":
                    var status = readiness.IsReady ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable;
                    await WriteTextAsync(response, status, readiness.Describe(), cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await WriteTextAsync(response, HttpStatusCode.NotFound, "not found: try /metrics, /healthz or /readyz", cancellationToken)
                        .ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception ex) when (ex is HttpListenerException or IOException or OperationCanceledException)
        {
            // The client went away or we are stopping: nothing to answer.
            ObservabilityLog.RequestFailed(logger, ex.Message);
        }
        finally
        {
            response.Close();
        }
    }

    private static async Task WriteTextAsync(HttpListenerResponse response, HttpStatusCode status, string text, CancellationToken cancellationToken)
    {
        response.StatusCode = (int)status;
        response.ContentType = "text/plain; charset=utf-8";
        var body = Encoding.UTF8.GetBytes(text + "\n");
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
    }
}
