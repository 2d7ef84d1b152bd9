using Microsoft.Extensions.Hosting;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.Scheduler.Enqueueing;

namespace Pipeline.IntegrationTests.Observability;

/// <summary>
/// One real worker with its metrics listener on a free port and JSON logs with scopes, after two small
/// jobs: a folder of five photos and an empty file (4 embedded, 1 failed), then the same files through a
/// manifest without content ids, which the worker fetches and skips (4 skipped, 1 failed again).
/// </summary>
public sealed class ObservedWorkerFixture : IAsyncLifetime
{
    public const int BatchSize = 4;

    private static readonly string[] Photos = ["dog.jpg", "eagle.jpg", "kite.jpg", "horses.jpg"];

    private WorkerProcess _worker = null!;
    private IHost _scheduler = null!;

    public int Port { get; } = FreePort.Next();

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    public Guid FolderJobId { get; private set; }

    public string WorkerLog => _worker.Log;

    public async Task InitializeAsync()
    {
        var modelId = ServiceEndpoints.NewModelId("obs");
        var environment = ServiceEndpoints.ProcessEnvironment(modelId, "test." + Guid.NewGuid().ToString("N"));
        environment["PIPELINE_Worker__InferenceBatchSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["PIPELINE_Metrics__Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["Logging__Console__FormatterName"] = "json";
        environment["Logging__Console__FormatterOptions__IncludeScopes"] = "true";
        _worker = WorkerProcess.Start(environment);
        await _worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        _scheduler = await SchedulerHarness.StartAsync(environment);

        var folder = Directory.CreateTempSubdirectory("observed-");
        foreach (var photo in Photos)
        {
            File.Copy(RepoPaths.Sample(photo), Path.Combine(folder.FullName, photo));
        }

        await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "empty.png"), []);
        var manifest = Path.Combine(folder.FullName, "uris.txt");
        await File.WriteAllLinesAsync(manifest, Directory.EnumerateFiles(folder.FullName, "*.*").Where(f => !f.EndsWith(".txt", StringComparison.Ordinal)));

        FolderJobId = await RunAsync(new FolderImageSource(folder.FullName), modelId);
        await RunAsync(new ManifestImageSource(manifest, blobEndpoints: _scheduler.Get<BlobEndpoints>()), modelId);
    }

    public async Task<PrometheusText> ScrapeAsync() =>
        new(await Http.GetStringAsync(new Uri($"http://127.0.0.1:{Port}/metrics")));

    public async Task DisposeAsync()
    {
        await _worker.DisposeAsync();
        _scheduler.Dispose();
        Http.Dispose();
    }

    private async Task<Guid> RunAsync(IImageSource source, string modelId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var job = await _scheduler.Get<Enqueuer>().RunAsync(source, modelId, force: false, batchSize: 3, timeout.Token);
        var jobs = _scheduler.Get<JobStore>();
        while ((await jobs.GetAsync(job.JobId, timeout.Token))?.Status.IsComplete != true)
        {
            Assert.False(_worker.HasExited, _worker.Log);
            await Task.Delay(100, timeout.Token);
        }

        return job.JobId;
    }
}
