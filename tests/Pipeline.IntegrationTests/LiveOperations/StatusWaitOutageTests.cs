using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.LiveOperations;

/// <summary><c>status --wait</c> rides out a database restart (the <c>database</c> retry pipeline), like enqueue and the workers.</summary>
public sealed class StatusWaitOutageTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task StatusWait_DatabaseRestartsWhileFollowing_WaitsItOutAndExitsZero()
    {
        var modelId = ServiceEndpoints.NewModelId("blip");
        var environment = ServiceEndpoints.ProcessEnvironment(modelId, "test." + Guid.NewGuid().ToString("N"));
        environment["PIPELINE_Scheduler__PollInterval"] = "00:00:00.100";
        using var scheduler = await SchedulerHarness.StartAsync(environment);
        var job = await ManualJob.CreateAsync(scheduler, modelId, total: 1, batches: 1);
        var jobId = job.JobId;

        using var follow = CliProcess.Start(environment, "status", jobId.ToString(), "--wait");
        await follow.WaitForOutputAsync("[running]", Timeout);
        await LocalServices.RestartAsync("postgres");
        var writer = job.Writer();
        // The test's own pooled connections died with the restart too.
        await scheduler.Get<DatabaseRetry>().RunAsync(
            token => writer.CommitAsync([job.Batch(0, "blip", "a")], token),
            null,
            CancellationToken.None);
        var code = await follow.WaitForExitAsync(Timeout);

        Assert.True(code == 0, follow.Output);
        Assert.Contains("[completed]", follow.StandardOutput, StringComparison.Ordinal);
    }
}
