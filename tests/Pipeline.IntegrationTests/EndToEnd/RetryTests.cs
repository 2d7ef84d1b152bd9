using Pipeline.Common;
using Pipeline.Common.Messaging;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.Scheduler.Enqueueing;
using RabbitMQ.Client;

namespace Pipeline.IntegrationTests.EndToEnd;

/// <summary>
/// An outage goes through the back-off queues to the dead-letter queue; the dead letter is settled (the job
/// completes, as failed), and once the outage is over <c>pipeline retry</c> finishes the job.
/// </summary>
[Collection(EndToEndGroup.Name)]
public sealed class RetryTests
{
    [Fact]
    public async Task StoppedBlobService_DeadLettersAndCompletesAsFailed_ThenRetryEmbedsAndTheJobCompletes()
    {
        var modelId = ServiceEndpoints.NewModelId("retry");
        var prefix = "test." + Guid.NewGuid().ToString("N");
        var environment = ServiceEndpoints.ProcessEnvironment(modelId, prefix);
        environment["PIPELINE_Blob__MaxRetries"] = "0";
        environment["PIPELINE_Blob__NetworkTimeout"] = "00:00:05";
        environment["PIPELINE_RabbitMq__MaxAttempts"] = "3";
        environment["PIPELINE_RabbitMq__RetryBaseDelay"] = "00:00:00.200";
        var blobs = BlobServiceClientFactory.Create(new BlobOptions { ConnectionString = ServiceEndpoints.Blob });
        var container = blobs.GetBlobContainerClient("retry-" + Guid.NewGuid().ToString("N")[..12]);
        await container.CreateAsync();
        var uris = new List<string>();
        foreach (var name in new[] { "dog.jpg", "horses.jpg", "giraffe.jpg" })
        {
            var blob = container.GetBlobClient(name);
            await blob.UploadAsync(RepoPaths.Sample(name));
            uris.Add(blob.Uri.AbsoluteUri);
        }

        var manifest = Path.Combine(Directory.CreateTempSubdirectory("retry-").FullName, "uris.txt");
        await File.WriteAllLinesAsync(manifest, uris);
        await using var worker = WorkerProcess.Start(environment);
        await worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        using var scheduler = await SchedulerHarness.StartAsync(environment);
        var jobs = scheduler.Get<JobStore>();
        JobStatus status;
        Guid jobId;
        await LocalServices.StopAsync("azurite");
        try
        {
            jobId = (await scheduler.Get<Enqueuer>().RunAsync(
                new ManifestImageSource(manifest, blobEndpoints: scheduler.Get<BlobEndpoints>()), modelId, force: false, batchSize: 10, CancellationToken.None)).JobId;

            // Dead-lettered after three attempts, then settled: the job completes with every image failed.
            status = await JobWaiter.UntilCompleteAsync(jobs, jobId, worker, TimeSpan.FromMinutes(3));
        }
        finally
        {
            await LocalServices.StartAsync("azurite");
        }

        Assert.Equal((0L, 3L, 0L), (status.Embedded, status.Failed, status.Pending!.Value));
        Assert.Equal(2, worker.Log.Split("sent to " + prefix + "." + modelId + ".retry.").Length - 1);
        var failures = await jobs.GetFailuresAsync(jobId, 10, CancellationToken.None);
        Assert.All(failures, f => Assert.Equal(nameof(FailureReason.DeadLettered), f.Reason));
        Assert.All(failures, f => Assert.Contains("after 3 attempts", f.Message, StringComparison.Ordinal));
        Assert.All(failures, f => Assert.Contains("blob service unavailable", f.Message, StringComparison.Ordinal));
        var letters = new DeadLetters(new QueueTopology(new RabbitMqOptions { QueuePrefix = prefix }, modelId));
        // Parked right after the settling commit (confirmed, then acked).
        using (var parked = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (await CountsAsync(letters) != (0u, 1u))
            {
                await Task.Delay(100, parked.Token);
            }
        }

        var (listed, listOutput) = await CliProcess.RunAsync(environment, TimeSpan.FromMinutes(1), "dead-letters", "list");
        Assert.True(listed == 0, listOutput);
        Assert.Contains($"settled  job {jobId} batch 0: 3 images: dead-lettered after 3 attempts", listOutput, StringComparison.Ordinal);
        Assert.Equal((0u, 1u), await CountsAsync(letters));

        // The outage is over: the same job, a new attempt.
        var (retried, retryOutput) = await CliProcess.RunAsync(
            environment, TimeSpan.FromMinutes(4), "retry", jobId.ToString(), "--reason", "DeadLettered", "--wait", "--timeout", "00:03:00");
        Assert.True(retried == 0, retryOutput + worker.Log);
        Assert.Contains("3 failed images queued again in 1 messages", retryOutput, StringComparison.Ordinal);
        status = (await jobs.GetAsync(jobId, CancellationToken.None))!.Value.Status;
        Assert.True(status.IsComplete);
        Assert.Equal((3L, 0L, 0L, 3L), (status.Embedded, status.Failed, status.Pending!.Value, status.Total!.Value));
        Assert.Empty(await jobs.GetFailuresAsync(jobId, 10, CancellationToken.None));

        // The settled letter is only a record now: replaying it finds nothing left to do, and removes it.
        var (replayed, replayOutput) = await CliProcess.RunAsync(environment, TimeSpan.FromMinutes(1), "dead-letters", "replay");
        Assert.True(replayed == 0, replayOutput);
        Assert.Contains("0 DeadLettered images of 1 jobs from 1 settled ones", replayOutput, StringComparison.Ordinal);
        Assert.Equal((0u, 0u), await CountsAsync(letters));
        Assert.False(worker.HasExited, worker.Log);
    }

    [Fact]
    public async Task DeliveryLimit_MessageReturnedMaxDeliveriesTimes_DeadLetteredSettledAndTheJobCompletesAsFailed()
    {
        var modelId = ServiceEndpoints.NewModelId("limit");
        var prefix = "test." + Guid.NewGuid().ToString("N");
        var environment = ServiceEndpoints.ProcessEnvironment(modelId, prefix);
        environment["PIPELINE_RabbitMq__MaxDeliveries"] = "2";
        var options = new RabbitMqOptions { QueuePrefix = prefix, MaxDeliveries = 2 };
        var topology = new QueueTopology(options, modelId);
        using var scheduler = await SchedulerHarness.StartAsync(environment);
        await SchemaMigrator.EnsureAsync(scheduler.Get<PipelineDataSource>(), CancellationToken.None);
        var jobs = scheduler.Get<JobStore>();
        var jobId = Guid.CreateVersion7();
        await jobs.CreateAsync(jobId, modelId, "test", force: false, CancellationToken.None);
        await jobs.MarkEnqueuedAsync(jobId, total: 2, skippedAtEnqueue: 0, batches: 1, CancellationToken.None);

        // A message that keeps coming back (as after crashes): returned twice, its next delivery is over the limit.
        var factory = new ConnectionFactory { Uri = new Uri(ServiceEndpoints.RabbitMq) };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await topology.DeclareAsync(connection, null, CancellationToken.None);
            var message = new BatchMessage(jobId, 0, modelId, Force: false, [new ImageRef("file:///limit/a.jpg", null), new ImageRef("file:///limit/b.jpg", null)]);
            await channel.BasicPublishAsync(string.Empty, topology.Main, BatchMessageSerializer.Serialize(message));
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            for (var returned = 0; returned < 2;)
            {
                if (await channel.BasicGetAsync(topology.Main, autoAck: false, limit.Token) is { } got)
                {
                    await channel.BasicNackAsync(got.DeliveryTag, multiple: false, requeue: true);
                    returned++;
                }
                else
                {
                    await Task.Delay(50, limit.Token);
                }
            }
        }

        await using var worker = WorkerProcess.Start(environment);
        await worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        var status = await JobWaiter.UntilCompleteAsync(jobs, jobId, worker, TimeSpan.FromMinutes(3));

        Assert.Equal((0L, 2L, 0L), (status.Embedded, status.Failed, status.Pending!.Value));
        var failures = await jobs.GetFailuresAsync(jobId, 10, CancellationToken.None);
        Assert.Equal(2, failures.Count);
        Assert.All(failures, f => Assert.Equal(nameof(FailureReason.DeadLettered), f.Reason));
        Assert.All(failures, f => Assert.Contains("MaxDeliveries", f.Message, StringComparison.Ordinal));
        var letters = new DeadLetters(topology);
        using var parked = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await CountsAsync(letters) != (0u, 1u))
        {
            await Task.Delay(100, parked.Token);
        }
    }

    private static async Task<(uint Dead, uint Parked)> CountsAsync(DeadLetters letters)
    {
        var factory = new ConnectionFactory { Uri = new Uri(ServiceEndpoints.RabbitMq) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.MessageCountAsync(letters.Dead), await channel.MessageCountAsync(letters.Parked));
    }
}
