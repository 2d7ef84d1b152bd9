using Microsoft.Extensions.Hosting;
using Npgsql;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.Scheduler.Enqueueing;
using Xunit.Abstractions;

namespace Pipeline.IntegrationTests.LiveOperations;

/// <summary>
/// The HNSW build after a model's first job, on a table large enough that the build takes a while: writes go on
/// during it, a SIGTERM mid-build loses nothing for good, and the planner uses the index afterwards.
/// </summary>
public sealed class IndexBuildTests(ITestOutputHelper output)
{
    // Synthetic rows ahead of the first job, so that the build lasts seconds (single-threaded, see the settings).
    private const int SyntheticRows = 10_000;

    [Fact]
    public async Task AutomaticBuild_SecondJobMeanwhile_CommitsGoOnDuringTheBuild()
    {
        await using var broker = await LiveBroker.CreateAsync("index_live");
        await using var worker = await broker.StartWorkerAsync(Settings);
        using var scheduler = await SchedulerHarness.StartAsync(broker.Environment);
        await FillAsync(scheduler, broker.ModelId);
        await RunJobAsync(scheduler, broker.ModelId, Images(1), worker);
        var table = ModelIdentity.TableFor(broker.ModelId);
        var buildSeen = await WaitForBuildAsync(scheduler, table, worker);

        var second = await scheduler.Get<Enqueuer>().RunAsync(new FolderImageSource(Images(4)), broker.ModelId, force: false, batchSize: 2, CancellationToken.None);
        var buildLastSeen = buildSeen;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        while (await BuildRunningAsync(scheduler, table) is { } now)
        {
            buildLastSeen = now;
            Assert.False(worker.HasExited, worker.Log);
            await Task.Delay(100, timeout.Token);
        }

        await WaitForJobAsync(scheduler, second.JobId, worker);
        var commits = await CommitTimesAsync(scheduler, second.JobId);
        var during = commits.Where(c => c > buildSeen && c < buildLastSeen).ToList();
        var gaps = during.Zip(during.Skip(1), (a, b) => (b - a).TotalMilliseconds).Order().ToList();
        output.WriteLine(
            $"build observed for {(buildLastSeen - buildSeen).TotalSeconds:0.0} s; second job: {commits.Count} commits, {during.Count} during the build; "
            + (gaps.Count > 0 ? $"gap between commits during the build: median {gaps[gaps.Count / 2]:0} ms, max {gaps[^1]:0} ms" : "no two commits during the build"));
        Assert.NotEmpty(during);
        Assert.Equal(true, await IsValidAsync(scheduler, table));
        Assert.Contains(table + EmbeddingIndex.Suffix, await ExplainNearestAsync(scheduler, table), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("worker")]
    [InlineData("pipeline index")]
    public async Task Sigterm_MidBuild_InvalidIndexIsFinishedBy(string finisher)
    {
        await using var broker = await LiveBroker.CreateAsync("index_stop");
        var table = ModelIdentity.TableFor(broker.ModelId);
        using var scheduler = await SchedulerHarness.StartAsync(broker.Environment);
        await using (var first = await broker.StartWorkerAsync([.. Settings, ("PIPELINE_Worker__DrainTimeout", "00:00:01")]))
        {
            await FillAsync(scheduler, broker.ModelId);
            await RunJobAsync(scheduler, broker.ModelId, Images(1), first);
            await WaitForBuildAsync(scheduler, table, first);

            Assert.Equal(0, await first.StopAsync(TimeSpan.FromMinutes(1)));
            Assert.Contains("HNSW index build cancelled by the shutdown", first.Log, StringComparison.Ordinal);
        }

        Assert.Equal(false, await IsValidAsync(scheduler, table));

        if (finisher == "worker")
        {
            await using var next = await broker.StartWorkerAsync(Settings);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            // The worker logs the outcome after the index turned valid, and its output reaches us later still: wait for both.
            while (await IsValidAsync(scheduler, table) != true || !next.Log.Contains("HNSW index: Built", StringComparison.Ordinal))
            {
                Assert.False(next.HasExited, next.Log);
                await Task.Delay(250, timeout.Token);
            }
        }
        else
        {
            var (code, text) = await CliProcess.RunAsync(
                new Dictionary<string, string>(broker.Environment) { ["PIPELINE_Index__ProgressInterval"] = "00:00:00.200" },
                TimeSpan.FromMinutes(5), "index", broker.ModelId);
            output.WriteLine(text);
            Assert.True(code == 0, text);
            Assert.Contains("building index", text, StringComparison.Ordinal);
            Assert.Contains("index built", text, StringComparison.Ordinal);

            var (again, textAgain) = await CliProcess.RunAsync(broker.Environment, TimeSpan.FromMinutes(1), "index", broker.ModelId);
            Assert.Equal(0, again);
            Assert.Contains("nothing to do", textAgain, StringComparison.Ordinal);
        }

        Assert.Equal(true, await IsValidAsync(scheduler, table));
        Assert.Contains(table + EmbeddingIndex.Suffix, await ExplainNearestAsync(scheduler, table), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipelineIndex_UnknownModel_ExitsFour()
    {
        await using var broker = await LiveBroker.CreateAsync("index_none");

        var (code, text) = await CliProcess.RunAsync(broker.Environment, TimeSpan.FromMinutes(1), "index", broker.ModelId);

        Assert.True(code == 4, text);
        Assert.Contains("is not registered", text, StringComparison.Ordinal);
    }

    // One build thread and the server's 64 MB: the graph outgrows memory and the build takes seconds, not milliseconds.
    private static (string, string)[] Settings => [("PIPELINE_Index__MaxParallelMaintenanceWorkers", "0"), ("PIPELINE_Worker__MaxMessagesPerCommit", "1")];

    private static string Images(int copies)
    {
        var folder = Directory.CreateTempSubdirectory("index-").FullName;
        foreach (var sample in Directory.GetFiles(RepoPaths.SampleImages, "*.jpg").Take(copies == 1 ? 1 : int.MaxValue))
        {
            for (var i = 0; i < copies; i++)
            {
                File.Copy(sample, Path.Combine(folder, $"{i}-{Path.GetFileName(sample)}"));
            }
        }

        return folder;
    }

    private static async Task FillAsync(IHost scheduler, string modelId)
    {
        await using var connection = await scheduler.Get<PipelineDataSource>().OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {ModelIdentity.TableFor(modelId)} (uri, content_id, job_id, model_id, embedding)
            SELECT 'file:///synthetic/' || i, 'synthetic', gen_random_uuid(), $1,
                   (SELECT array_agg(random()::real) FROM generate_series(1, 1280) WHERE i > 0)::vector
            FROM generate_series(1, {SyntheticRows}) AS i
            """, connection);
        command.CommandTimeout = 600;
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = modelId });
        await command.ExecuteNonQueryAsync();
    }

    private static async Task RunJobAsync(IHost scheduler, string modelId, string folder, WorkerProcess worker)
    {
        var job = await scheduler.Get<Enqueuer>().RunAsync(new FolderImageSource(folder), modelId, force: false, batchSize: 2, CancellationToken.None);
        await WaitForJobAsync(scheduler, job.JobId, worker);
    }

    private static async Task WaitForJobAsync(IHost scheduler, Guid jobId, WorkerProcess worker)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        while (!(await scheduler.Get<JobStore>().GetAsync(jobId, timeout.Token))!.Value.Status.IsComplete)
        {
            Assert.False(worker.HasExited, worker.Log);
            await Task.Delay(200, timeout.Token);
        }
    }

    /// <summary>Waits until the worker's build shows in <c>pg_stat_progress_create_index</c>; returns the database's clock then.</summary>
    private static async Task<DateTime> WaitForBuildAsync(IHost scheduler, string table, WorkerProcess worker)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            if (await BuildRunningAsync(scheduler, table) is { } now)
            {
                return now;
            }

            Assert.False(worker.HasExited, worker.Log);
            Assert.Null(await IsValidAsync(scheduler, table) is true ? "the build finished before it was seen:\n" + worker.Log : null);
            await Task.Delay(50, timeout.Token);
        }
    }

    private static async Task<DateTime?> BuildRunningAsync(IHost scheduler, string table)
    {
        await using var connection = await scheduler.Get<PipelineDataSource>().OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(
            "SELECT clock_timestamp() FROM pg_stat_progress_create_index WHERE relid = $1::regclass", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table });
        return await command.ExecuteScalarAsync() as DateTime?;
    }

    private static async Task<bool?> IsValidAsync(IHost scheduler, string table)
    {
        await using var connection = await scheduler.Get<PipelineDataSource>().OpenAsync(CancellationToken.None);
        return await EmbeddingIndex.IsValidAsync(connection, table + EmbeddingIndex.Suffix, CancellationToken.None);
    }

    private static async Task<List<DateTime>> CommitTimesAsync(IHost scheduler, Guid jobId)
    {
        await using var connection = await scheduler.Get<PipelineDataSource>().OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand("SELECT committed_at FROM job_batches WHERE job_id = $1 ORDER BY committed_at", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
        await using var reader = await command.ExecuteReaderAsync();
        List<DateTime> times = [];
        while (await reader.ReadAsync())
        {
            times.Add(reader.GetDateTime(0));
        }

        return times;
    }

    private static async Task<string> ExplainNearestAsync(IHost scheduler, string table)
    {
        await using var connection = await scheduler.Get<PipelineDataSource>().OpenAsync(CancellationToken.None);
        var query = "[" + string.Join(',', Enumerable.Repeat("0.03", 1280)) + "]";
        await using var command = new NpgsqlCommand($"EXPLAIN SELECT uri FROM {table} ORDER BY embedding <=> '{query}'::vector LIMIT 10", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var plan = new System.Text.StringBuilder();
        while (await reader.ReadAsync())
        {
            plan.AppendLine(reader.GetString(0));
        }

        return plan.ToString();
    }
}
