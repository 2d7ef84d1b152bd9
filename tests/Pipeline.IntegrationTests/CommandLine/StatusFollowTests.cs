namespace Pipeline.IntegrationTests.CommandLine;

using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;

/// <summary><c>status --follow</c> in a log (not a terminal), on a job whose batches the test commits itself.</summary>
public sealed class StatusFollowTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    private static BatchOutcome Batch(Guid jobId, int batchNo, params string[] names) =>
        new(jobId, batchNo, [.. names.Select(n => new EmbeddedImage($"file:///follow/{n}.jpg", "stat:1:1", [1f, 0f, 0f, 0f]))], 0, []);

    [Fact]
    public async Task StatusFollow_RunningJobInALog_PrintsLinesWithRateAndEtaUntilComplete()
    {
        var modelId = ServiceEndpoints.NewModelId("follow");
        var environment = ServiceEndpoints.ProcessEnvironment(modelId, "test." + Guid.NewGuid().ToString("N"));
        environment["PIPELINE_Scheduler__PollInterval"] = "00:00:00.100";
        environment["PIPELINE_Scheduler__ProgressInterval"] = "00:00:00";
        using var scheduler = await SchedulerHarness.StartAsync(environment);
        var dataSource = scheduler.Get<PipelineDataSource>();
        await SchemaMigrator.EnsureAsync(dataSource, CancellationToken.None);
        var model = new ModelIdentity(modelId, new string('a', 64), "torch;short256;crop224;nchw", "avg", 4);
        await ModelRegistry.EnsureAsync(dataSource, model, CancellationToken.None);
        var jobs = scheduler.Get<JobStore>();
        var jobId = Guid.CreateVersion7();
        await jobs.CreateAsync(jobId, modelId, "test", force: false, CancellationToken.None);
        await jobs.MarkEnqueuedAsync(jobId, total: 4, skippedAtEnqueue: 0, batches: 2, CancellationToken.None);
        var writer = new EmbeddingWriter(dataSource, model);
        await writer.CommitAsync([Batch(jobId, 0, "a", "b")], CancellationToken.None);

        using var follow = CliProcess.Start(environment, "status", jobId.ToString(), "--follow");
        await follow.WaitForOutputAsync(", ETA ", Timeout);
        await writer.CommitAsync([Batch(jobId, 1, "c", "d")], CancellationToken.None);
        var code = await follow.WaitForExitAsync(Timeout);

        Assert.True(code == 0, follow.Output);
        var lines = follow.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(
            $@"^job {jobId} \[running\] model {modelId}: images 4, done 2, failed 0, skipped 0, pending 2, \d+\.\d img/s, ETA \d\d:\d\d:\d\d$", lines[0]);
        Assert.Matches($@"^job {jobId} \[completed\] model {modelId}: images 4, done 4, failed 0, skipped 0, pending 0, \d+\.\d img/s$", lines[^1]);
        Assert.DoesNotContain("\r", follow.Output, StringComparison.Ordinal);
    }
}
