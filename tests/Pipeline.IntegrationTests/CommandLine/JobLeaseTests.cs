using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.Scheduler;
using Pipeline.Scheduler.Enqueueing;

namespace Pipeline.IntegrationTests.CommandLine;

/// <summary>Every job ends for whoever waits on it: an abandoned enqueue shows as such, and waits can time out.</summary>
public sealed class JobLeaseTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Status_SchedulerDiedMidEnqueue_ShowsAbandonedAndTheSameEnqueueTakesOver()
    {
        var folder = Directory.CreateTempSubdirectory("lease-").FullName;
        File.Copy(RepoPaths.Sample("dog.jpg"), Path.Combine(folder, "dog.jpg"));
        var modelId = ServiceEndpoints.NewModelId("lease");
        var environment = ServiceEndpoints.ProcessEnvironment(modelId, "test." + Guid.NewGuid().ToString("N"));
        using var scheduler = await SchedulerHarness.StartAsync(environment);
        var dataSource = scheduler.Get<PipelineDataSource>();
        await SchemaMigrator.EnsureAsync(dataSource, CancellationToken.None);
        var source = new FolderImageSource(folder);
        var jobs = scheduler.Get<JobStore>();
        var dead = Guid.CreateVersion7();
        await jobs.CreateAsync(dead, modelId, source.Description, force: false, CancellationToken.None);
        // What a scheduler killed mid-enqueue leaves: 'enqueuing', and no heartbeat for longer than the lease.
        await ExecuteAsync(dataSource, "UPDATE jobs SET heartbeat_at = now() - interval '5 minutes' WHERE id = $1", dead);

        var (code, output) = await CliProcess.RunAsync(environment, Timeout, "status", dead.ToString());
        Assert.True(code == ExitCodes.JobAbandoned, output);
        Assert.Contains("[abandoned]", output, StringComparison.Ordinal);
        Assert.Contains("run the same enqueue again", output, StringComparison.Ordinal);
        // The jobs list (serve's page and API) accounts for a job as the status command does.
        var listed = (await jobs.ListAsync(1000, CancellationToken.None)).Single(j => j.Status.Id == dead);
        Assert.Equal(JobLease.Abandoned, listed.Status.State);

        var again = await scheduler.Get<Enqueuer>().RunAsync(source, modelId, force: false, batchSize: 4, CancellationToken.None);
        Assert.Equal(1, again.Enqueued);
        Assert.Equal(JobLease.Abandoned, (await jobs.GetAsync(dead, CancellationToken.None))!.Value.Status.State);
        Assert.Equal("running", (await jobs.GetAsync(again.JobId, CancellationToken.None))!.Value.Status.State);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task StatusWait_JobThatDoesNotFinish_GivesUpAfterTheTimeoutWithItsOwnExitCode()
    {
        var modelId = ServiceEndpoints.NewModelId("wait");
        var environment = ServiceEndpoints.ProcessEnvironment(modelId, "test." + Guid.NewGuid().ToString("N"));
        environment["PIPELINE_Scheduler__PollInterval"] = "00:00:00.100";
        using var scheduler = await SchedulerHarness.StartAsync(environment);
        await SchemaMigrator.EnsureAsync(scheduler.Get<PipelineDataSource>(), CancellationToken.None);
        var jobs = scheduler.Get<JobStore>();
        var jobId = Guid.CreateVersion7();
        await jobs.CreateAsync(jobId, modelId, "test", force: false, CancellationToken.None);
        await jobs.MarkEnqueuedAsync(jobId, total: 5, skippedAtEnqueue: 0, batches: 1, CancellationToken.None);

        var (code, output) = await CliProcess.RunAsync(environment, Timeout, "status", jobId.ToString(), "--wait", "--timeout", "00:00:01");

        Assert.True(code == ExitCodes.WaitTimedOut, output);
        Assert.Contains("gave up waiting", output, StringComparison.Ordinal);
        Assert.Equal("running", (await jobs.GetAsync(jobId, CancellationToken.None))!.Value.Status.State);
    }

    private static async Task ExecuteAsync(PipelineDataSource dataSource, string sql, Guid jobId)
    {
        await using var connection = await dataSource.OpenAsync(CancellationToken.None);
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter<Guid> { TypedValue = jobId });
        await command.ExecuteNonQueryAsync();
    }
}
