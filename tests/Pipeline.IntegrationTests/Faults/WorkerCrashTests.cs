using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.Scheduler.Enqueueing;

namespace Pipeline.IntegrationTests.Faults;

/// <summary>Preemptible pods die without warning: the job must still finish with every image stored once.</summary>
public sealed class WorkerCrashTests
{
    [Fact]
    public async Task KillMinus9_TenTimesDuringAJob_EveryImageStoredExactlyOnce()
    {
        var folder = Directory.CreateTempSubdirectory("crash-").FullName;
        var samples = Directory.GetFiles(RepoPaths.SampleImages).Where(f => f.EndsWith(".jpg", StringComparison.Ordinal)).ToArray();
        const int Copies = 30;
        for (var i = 0; i < Copies; i++)
        {
            foreach (var sample in samples)
            {
                File.Copy(sample, Path.Combine(folder, $"{i:D3}-{Path.GetFileName(sample)}"));
            }
        }

        var images = Copies * samples.Length;
        var modelId = ServiceEndpoints.NewModelId("crash");
        var environment = ServiceEndpoints.ProcessEnvironment(modelId, "test." + Guid.NewGuid().ToString("N"));
        environment["PIPELINE_Worker__InferenceBatchSize"] = "8";
        var workers = new List<WorkerProcess> { WorkerProcess.Start(environment), WorkerProcess.Start(environment) };
        using var scheduler = await SchedulerHarness.StartAsync(environment);
        try
        {
            await workers[0].WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
            var job = await scheduler.Get<Enqueuer>().RunAsync(new FolderImageSource(folder), modelId, force: false, batchSize: 5, CancellationToken.None);
            var jobs = scheduler.Get<JobStore>();
            var random = new Random(1234);
            var kills = 0;
            while (kills < 10)
            {
                await Task.Delay(random.Next(300, 1500));
                var victim = random.Next(workers.Count);
                await workers[victim].KillAsync();
                await workers[victim].DisposeAsync();
                workers[victim] = WorkerProcess.Start(environment);
                kills++;
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            JobStatus status;
            while (!(status = (await jobs.GetAsync(job.JobId, timeout.Token))!.Value.Status).IsComplete)
            {
                await Task.Delay(250, timeout.Token);
            }

            Assert.Equal((long)images, status.Total);
            Assert.Equal((long)images, status.Embedded);
            Assert.Equal(0, status.Failed);
            await using var connection = await scheduler.Get<PipelineDataSource>().OpenAsync(CancellationToken.None);
            await using var command = new Npgsql.NpgsqlCommand(
                $"SELECT count(*), count(DISTINCT uri) FROM {ModelIdentity.TableFor(modelId)}", connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            Assert.Equal((long)images, reader.GetInt64(0));
            Assert.Equal((long)images, reader.GetInt64(1));
        }
        finally
        {
            foreach (var worker in workers)
            {
                await worker.DisposeAsync();
            }

            Directory.Delete(folder, recursive: true);
        }
    }
}
