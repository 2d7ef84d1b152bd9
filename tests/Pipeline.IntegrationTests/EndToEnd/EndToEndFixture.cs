using Microsoft.Extensions.Hosting;
using Npgsql;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.Scheduler.Enqueueing;

namespace Pipeline.IntegrationTests.EndToEnd;

/// <summary>
/// Two real worker processes on a fresh model id and queue, and the sample-photo folder job run once
/// through them. The tests of the collection share this (loading the model costs seconds).
/// </summary>
public sealed class EndToEndFixture : IAsyncLifetime
{
    public static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(4);

    private readonly List<WorkerProcess> _workers = [];

    public string ModelId { get; } = ServiceEndpoints.NewModelId("e2e");

    public string Table => ModelIdentity.TableFor(ModelId);

    public Dictionary<string, string> Environment { get; private set; } = [];

    public IHost Scheduler { get; private set; } = null!;

    internal EnqueueResult FolderJob { get; private set; } = null!;

    public IReadOnlyList<string> SampleFiles { get; } =
        [.. Directory.EnumerateFiles(RepoPaths.SampleImages).Where(f => f.EndsWith(".jpg", StringComparison.Ordinal) || f.EndsWith(".png", StringComparison.Ordinal)).Order()];

    public IReadOnlyList<int> WorkerExitCodes { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Environment = ServiceEndpoints.ProcessEnvironment(ModelId, "test." + Guid.NewGuid().ToString("N"));
        Environment["PIPELINE_Worker__InferenceBatchSize"] = "8";
        Scheduler = await SchedulerHarness.StartAsync(Environment);
        for (var i = 0; i < 2; i++)
        {
            _workers.Add(WorkerProcess.Start(Environment));
        }

        foreach (var worker in _workers)
        {
            await worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        }

        FolderJob = await RunJobAsync(new FolderImageSource(RepoPaths.SampleImages), batchSize: 3);
    }

    /// <summary>Enqueues a source and waits until its job is complete.</summary>
    internal async Task<EnqueueResult> RunJobAsync(IImageSource source, int batchSize, bool force = false)
    {
        using var timeout = new CancellationTokenSource(JobTimeout);
        var result = await Scheduler.Get<Enqueuer>().RunAsync(source, ModelId, force, batchSize, timeout.Token);
        await WaitForJobAsync(result.JobId, timeout.Token);
        return result;
    }

    public async Task<JobStatus> WaitForJobAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var jobs = Scheduler.Get<JobStore>();
        while (true)
        {
            var found = await jobs.GetAsync(jobId, cancellationToken) ?? throw new InvalidOperationException($"job {jobId} missing");
            if (found.Status.IsComplete)
            {
                return found.Status;
            }

            if (_workers.FirstOrDefault(w => w.HasExited) is { } dead)
            {
                throw new InvalidOperationException("a worker died:\n" + dead.Log);
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = await Scheduler.Get<PipelineDataSource>().OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = p });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    public string WorkerLogs => string.Join("\n---\n", _workers.Select(w => w.Log));

    public async Task DisposeAsync()
    {
        var codes = new List<int>();
        foreach (var worker in _workers)
        {
            codes.Add(await worker.StopAsync(TimeSpan.FromMinutes(1)));
            await worker.DisposeAsync();
        }

        WorkerExitCodes = codes;
        Scheduler.Dispose();
    }
}
