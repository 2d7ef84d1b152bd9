using Microsoft.Extensions.Hosting;

namespace Pipeline.Scheduler.Serving;

/// <summary>Loads the upload model at start, so the first upload does not wait for it (and a broken model shows at once).</summary>
internal sealed class UploadEmbedderWarmup(UploadEmbedder embedder) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => embedder.LoadAsync(stoppingToken);
}
