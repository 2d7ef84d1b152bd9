using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.CommandLine;

/// <summary><c>status --follow</c> in a log (not a terminal), on a job whose batches the test commits itself.</summary>
public sealed class StatusFollowTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task StatusFollow_RunningJobInALog_PrintsLinesWithRateAndEtaUntilComplete()
    {
        var modelId = ServiceEndpoints.NewModelId("follow");
        var environment = ServiceEndpoints.ProcessEnvironment(modelId, "test." + Guid.NewGuid().ToString("N"));
        environment["PIPELINE_Scheduler__PollInterval"] = "00:00:00.100";
        environment["PIPELINE_Scheduler__ProgressInterval"] = "00:00:00";
        using var scheduler = await SchedulerHarness.StartAsync(environment);
        var job = await ManualJob.CreateAsync(scheduler, modelId, total: 4, batches: 2);
        var jobId = job.JobId;
        var writer = job.Writer();
        await writer.CommitAsync([job.Batch(0, "follow", "a", "b")], CancellationToken.None);

        using var follow = CliProcess.Start(environment, "status", jobId.ToString(), "--follow");
        await follow.WaitForOutputAsync(", ETA ", Timeout);
        await writer.CommitAsync([job.Batch(1, "follow", "c", "d")], CancellationToken.None);
        var code = await follow.WaitForExitAsync(Timeout);

        Assert.True(code == 0, follow.Output);
        var lines = follow.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(
            $@"^job {jobId} \[running\] model {modelId}: images 4, done 2, failed 0, skipped 0, pending 2, \d+\.\d img/s, ETA \d\d:\d\d:\d\d$", lines[0]);
        Assert.Matches($@"^job {jobId} \[completed\] model {modelId}: images 4, done 4, failed 0, skipped 0, pending 0, \d+\.\d img/s$", lines[^1]);
        Assert.DoesNotContain("\r", follow.Output, StringComparison.Ordinal);
    }
}
