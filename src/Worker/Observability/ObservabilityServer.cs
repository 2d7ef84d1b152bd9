using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Pipeline.Worker.Observability;

/// <summary>
/// Kestrel (as <c>pipeline serve</c>) for Prometheus and the kubelet: <c>/metrics</c>, <c>/healthz</c> (the process
/// answers) and <c>/readyz</c> (consuming, not draining). A small web application inside the worker's host, so the
/// worker keeps its plain generic host; registered before the consumer, so it starts first and stops last: probes
/// keep working while the worker drains.
/// </summary>
internal sealed class ObservabilityServer(
    IOptions<MetricsOptions> options, WorkerMetrics metrics, WorkerReadiness readiness, ILoggerFactory loggerFactory, ILogger<ObservabilityServer> logger)
    : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Port == 0)
        {
            return;
        }

        var url = $"http://{settings.Host}:{settings.Port}";
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(url);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        // The worker's logging and signals: this inner host neither logs its own lifetime nor handles SIGTERM.
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton<IHostLifetime, InnerLifetime>();
        var app = builder.Build();
        app.MapMetrics("/metrics", metrics.Registry);
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", () => Results.Text(
            readiness.Describe() + "\n", statusCode: readiness.IsReady ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable));
        app.MapFallback(() => Results.Text("not found: try /metrics, /healthz or /readyz\n", statusCode: StatusCodes.Status404NotFound));
        _app = app;
        // A taken port fails the start-up: probes on a silent worker would restart it forever.
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        ObservabilityLog.Listening(logger, url);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _app?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public ValueTask DisposeAsync() => _app?.DisposeAsync() ?? ValueTask.CompletedTask;

    private sealed class InnerLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
