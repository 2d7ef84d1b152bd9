using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.Scheduler.Enqueueing;

namespace Pipeline.IntegrationTests.Faults;

/// <summary>Kubernetes stops pods with SIGTERM: in-flight work finishes (or goes back) and the process exits 0.</summary>
public sealed class DrainTests
{
    [Theory]
    [InlineData("00:00:30")] // generous: in-flight messages finish and are acked
    [InlineData("00:00:00")] // none: in-flight messages go back to the queue unacked
    public async Task Sigterm_MidJob_ExitsZeroWithinDeadlineAndNothingIsLost(string drainTimeout)
    {
        var folder = Directory.CreateTempSubdirectory("drain-").FullName;
        var samples = Directory.GetFiles(RepoPaths.SampleImages).Where(f => f.EndsWith(".jpg", StringComparison.Ordinal)).ToArray();
        for (var i = 0; i < 15; i++)
        {
            foreach (var sample in samples)
            {
                File.Copy(sample, Path.Combine(folder, $"{i:D3}-{Path.GetFileName(sample)}"));
            }
        }

        var images = 15 * samples.Length;
        var modelId = ServiceEndpoints.NewModelId("drain");
        var environment = ServiceEndpoints.ProcessEnvironment(modelId, "test." + Guid.NewGuid().ToString("N"));
        environment["PIPELINE_Worker__DrainTimeout"] = drainTimeout;
        environment["PIPELINE_Worker__InferenceBatchSize"] = "8";
        using var scheduler = await SchedulerHarness.StartAsync(environment);
        try
        {
            int exitCode;
            string log;
            await using (var first = WorkerProcess.Start(environment))
            {
                await first.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
                var job = await scheduler.Get<Enqueuer>().RunAsync(new FolderImageSource(folder), modelId, force: false, batchSize: 5, CancellationToken.None);
                var jobs = scheduler.Get<JobStore>();
                using (var started = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
                {
                    while ((await jobs.GetAsync(job.JobId, started.Token))!.Value.Status.Embedded == 0)
                    {
                        await Task.Delay(20, started.Token);
                    }
                }

                exitCode = await first.StopAsync(TimeSpan.FromMinutes(1));
                log = first.Log;
                Assert.False((await jobs.GetAsync(job.JobId, CancellationToken.None))!.Value.Status.IsComplete, "the job finished before SIGTERM: nothing was in flight");

                await using var second = WorkerProcess.Start(environment);
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
                JobStatus status;
                while (!(status = (await jobs.GetAsync(job.JobId, timeout.Token))!.Value.Status).IsComplete)
                {
                    await Task.Delay(200, timeout.Token);
                }

                Assert.Equal(images, status.Embedded);
            }

            Assert.True(exitCode == 0, log);
            Assert.Contains("Stopped cleanly", log, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
