using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.Scheduler.Enqueueing;

namespace Pipeline.IntegrationTests.Faults;

/// <summary>The broker and the database go away mid-job (upgrade, failover): workers reconnect and finish.</summary>
public sealed class ServiceRestartTests
{
    [Theory]
    [InlineData("rabbitmq")]
    [InlineData("postgres")]
    public async Task ServiceRestart_MidJob_JobCompletesWithEveryImageOnce(string service)
    {
        var folder = Directory.CreateTempSubdirectory("restart-").FullName;
        var samples = Directory.GetFiles(RepoPaths.SampleImages).Where(f => f.EndsWith(".jpg", StringComparison.Ordinal)).ToArray();
        for (var i = 0; i < 20; i++)
        {
            foreach (var sample in samples)
            {
                File.Copy(sample, Path.Combine(folder, $"{i:D3}-{Path.GetFileName(sample)}"));
            }
        }

        var images = 20 * samples.Length;
        var modelId = ServiceEndpoints.NewModelId("restart");
        var environment = ServiceEndpoints.ProcessEnvironment(modelId, "test." + Guid.NewGuid().ToString("N"));
        environment["PIPELINE_Worker__InferenceBatchSize"] = "8";
        environment["PIPELINE_RabbitMq__RetryBaseDelay"] = "00:00:00.500";
        await using var first = WorkerProcess.Start(environment);
        await using var second = WorkerProcess.Start(environment);
        await first.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        await second.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        using var scheduler = await SchedulerHarness.StartAsync(environment);
        try
        {
            var job = await scheduler.Get<Enqueuer>().RunAsync(new FolderImageSource(folder), modelId, force: false, batchSize: 5, CancellationToken.None);
            var jobs = scheduler.Get<JobStore>();
            using (var started = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
            {
                while ((await jobs.GetAsync(job.JobId, started.Token))!.Value.Status.Embedded == 0)
                {
                    await Task.Delay(50, started.Token);
                }
            }

            await LocalServices.RestartAsync(service);

            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            JobStatus status;
            while (true)
            {
                try
                {
                    status = (await jobs.GetAsync(job.JobId, timeout.Token))!.Value.Status;
                    if (status.IsComplete)
                    {
                        break;
                    }
                }
                catch (Npgsql.NpgsqlException)
                {
                    // The test's own pooled connections die with the restart too.
                }

                Assert.False(first.HasExited || second.HasExited, first.Log + second.Log);
                await Task.Delay(250, timeout.Token);
            }

            Assert.Equal((long)images, status.Embedded);
            Assert.Equal(0, status.Failed);
            await using var connection = await scheduler.Get<PipelineDataSource>().OpenAsync(CancellationToken.None);
            await using var command = new Npgsql.NpgsqlCommand($"SELECT count(*) FROM {ModelIdentity.TableFor(modelId)}", connection);
            Assert.Equal((long)images, (long)(await command.ExecuteScalarAsync())!);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("rabbitmq")]
    [InlineData("postgres")]
    public async Task ServiceRestart_WhileEnqueuing_SchedulerReconnectsAndTheJobCompletes(string service)
    {
        var folder = Directory.CreateTempSubdirectory("enqueue-restart-").FullName;
        var photo = RepoPaths.Sample("rocket.jpg");
        var files = Enumerable.Range(0, 300).Select(i => Path.Combine(folder, $"{i:D4}.jpg")).ToList();
        files.ForEach(f => File.Copy(photo, f));
        var modelId = ServiceEndpoints.NewModelId("enqrestart");
        var environment = ServiceEndpoints.ProcessEnvironment(modelId, "test." + Guid.NewGuid().ToString("N"));
        environment["PIPELINE_Scheduler__LookupChunk"] = "10"; // a database lookup every ten listed images
        await using var worker = WorkerProcess.Start(environment);
        await worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        using var scheduler = await SchedulerHarness.StartAsync(environment);
        try
        {
            // 300 one-image messages trickling over ~6 s; the service restarts about one second in.
            var enqueue = scheduler.Get<Enqueuer>().RunAsync(
                new SlowSource(files, TimeSpan.FromMilliseconds(20), withIdentity: true), modelId, force: false, batchSize: 1, CancellationToken.None);
            await Task.Delay(TimeSpan.FromSeconds(1));
            await LocalServices.RestartAsync(service);
            var job = await enqueue;

            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            var jobs = scheduler.Get<JobStore>();
            JobStatus status;
            while (!(status = (await scheduler.Get<DatabaseRetry>().RunAsync(
                token => jobs.GetAsync(job.JobId, token), null, timeout.Token))!.Value.Status).IsComplete)
            {
                Assert.False(worker.HasExited, worker.Log);
                await Task.Delay(250, timeout.Token);
            }

            Assert.Equal(300, status.Total);
            Assert.Equal(300, status.Embedded);
            await using var connection = await scheduler.Get<PipelineDataSource>().OpenAsync(CancellationToken.None);
            await using var command = new Npgsql.NpgsqlCommand($"SELECT count(*) FROM {ModelIdentity.TableFor(modelId)}", connection);
            Assert.Equal(300L, (long)(await command.ExecuteScalarAsync())!);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
