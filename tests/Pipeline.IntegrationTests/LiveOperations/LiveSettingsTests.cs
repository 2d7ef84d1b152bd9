using System.Text;
using Pipeline.Common.Messaging;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.Scheduler.Enqueueing;
using Xunit.Abstractions;

namespace Pipeline.IntegrationTests.LiveOperations;

/// <summary>
/// Every broker tunable changed as an operator would: a worker with the default declares the queues and stops, a
/// worker with the new value starts on the same broker, runs, and the new value is what happens.
/// </summary>
public sealed class LiveSettingsTests(ITestOutputHelper output)
{
    // Nothing listens on port 1: every fetch is an outage (connection refused), never the image's fault.
    private const string UnreachableBlob =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
        + "BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;";

    [Fact]
    public async Task RetryBaseDelay_ChangedOnExistingQueues_WorkerRunsAndWaitsTheNewDelay()
    {
        await using var broker = await LiveBroker.CreateAsync("live_base");
        await broker.RunDefaultWorkerOnceAsync();

        var hops = await RunOutageJobAsync(broker, ("PIPELINE_RabbitMq__RetryBaseDelay", "00:00:03"), ("PIPELINE_RabbitMq__MaxAttempts", "2"));

        Assert.Equal([broker.Topology().Main + ".retry.3s", broker.Topology().Dead], hops.Select(h => h.Queue));
        var waited = hops[1].At - hops[0].At;
        output.WriteLine($"retry delay 3 s: the message came back after {waited.TotalSeconds:0.00} s");
        Assert.True(waited >= TimeSpan.FromSeconds(2.75), $"came back after {waited}");
    }

    [Fact]
    public async Task RetryMaxDelay_ChangedOnExistingQueues_WorkerRunsAndCapsTheDelay()
    {
        await using var broker = await LiveBroker.CreateAsync("live_max");
        await broker.RunDefaultWorkerOnceAsync();

        // 1 s, then 2 s capped to 1.5 s.
        var hops = await RunOutageJobAsync(
            broker,
            ("PIPELINE_RabbitMq__RetryBaseDelay", "00:00:01"),
            ("PIPELINE_RabbitMq__RetryMaxDelay", "00:00:01.500"),
            ("PIPELINE_RabbitMq__MaxAttempts", "3"));

        var main = broker.Topology().Main;
        Assert.Equal([main + ".retry.1s", main + ".retry.1s500ms", broker.Topology().Dead], hops.Select(h => h.Queue));
        var capped = hops[2].At - hops[1].At;
        output.WriteLine($"capped retry delay 1.5 s: the message came back after {capped.TotalSeconds:0.00} s");
        Assert.True(capped >= TimeSpan.FromSeconds(1.25), $"came back after {capped}");
    }

    [Fact]
    public async Task MaxAttempts_ChangedOnExistingQueues_WorkerDeadLettersAfterTheNewCount()
    {
        await using var broker = await LiveBroker.CreateAsync("live_attempts");
        await broker.RunDefaultWorkerOnceAsync();

        var hops = await RunOutageJobAsync(broker, ("PIPELINE_RabbitMq__RetryBaseDelay", "00:00:00.200"), ("PIPELINE_RabbitMq__MaxAttempts", "3"));

        var main = broker.Topology().Main;
        Assert.Equal([main + ".retry.200ms", main + ".retry.400ms", broker.Topology().Dead], hops.Select(h => h.Queue));
    }

    [Fact]
    public async Task MaxDeliveries_ChangedOnExistingQueues_WorkerDeadLettersAMessageDeliveredThatOften()
    {
        await using var broker = await LiveBroker.CreateAsync("live_deliveries");
        await broker.RunDefaultWorkerOnceAsync();
        using var scheduler = await SchedulerHarness.StartAsync(broker.Environment);
        var job = await scheduler.Get<Enqueuer>().RunAsync(
            new ManifestImageSource(await OneImageManifestAsync(new Uri(Path.Combine(RepoPaths.SampleImages, "dog.jpg")).AbsoluteUri)),
            broker.ModelId, force: false, batchSize: 10, CancellationToken.None);

        // Two deliveries that ended without a settlement, like two crashed workers.
        await using (var channel = await broker.ChannelAsync())
        {
            for (var i = 0; i < 2; i++)
            {
                var delivery = await channel.BasicGetAsync(broker.Topology().Main, autoAck: false);
                Assert.NotNull(delivery);
                await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true);
            }
        }

        await using var worker = await broker.StartWorkerAsync(("PIPELINE_RabbitMq__MaxDeliveries", "2"));
        var dead = await broker.NextDeadLetterAsync(worker, TimeSpan.FromMinutes(1));

        Assert.Equal(job.JobId, BatchMessageSerializer.Deserialize(dead.Body.Span).JobId);
        var error = Encoding.UTF8.GetString((byte[])dead.BasicProperties.Headers!["x-last-error"]!);
        Assert.Contains("delivered 2 times", error, StringComparison.Ordinal);
        // Settled: the image is a DeadLettered failure and the job is complete (as failed), not pending for ever.
        var status = (await scheduler.Get<JobStore>().GetAsync(job.JobId, CancellationToken.None))!.Value.Status;
        Assert.Equal((1L, 0L), (status.Failed, status.Pending!.Value));
    }

    [Fact]
    public async Task QueuesOfAnEarlierVersion_FixedArguments_NewWorkerExplainsAndProcessesTheJob()
    {
        await using var broker = await LiveBroker.CreateAsync("live_legacy");
        var topology = broker.Topology();
        // What the previous version declared: the delivery limit and numbered retry queues with TTLs as arguments.
        await using (var channel = await broker.ChannelAsync())
        {
            await channel.QueueDeclareAsync(topology.Dead, true, false, false, new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
            await channel.QueueDeclareAsync(topology.Main, true, false, false, new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-delivery-limit"] = 20,
                ["x-dead-letter-exchange"] = string.Empty,
                ["x-dead-letter-routing-key"] = topology.Dead,
            });
            for (var attempt = 1; attempt < 5; attempt++)
            {
                await channel.QueueDeclareAsync($"{topology.Main}.retry.{attempt}", true, false, false, new Dictionary<string, object?>
                {
                    ["x-message-ttl"] = 5000L << (attempt - 1),
                    ["x-dead-letter-exchange"] = string.Empty,
                    ["x-dead-letter-routing-key"] = topology.Main,
                });
            }
        }

        await using var worker = await broker.StartWorkerAsync();
        using var scheduler = await SchedulerHarness.StartAsync(broker.Environment);
        var job = await scheduler.Get<Enqueuer>().RunAsync(
            new ManifestImageSource(await OneImageManifestAsync(new Uri(Path.Combine(RepoPaths.SampleImages, "dog.jpg")).AbsoluteUri)),
            broker.ModelId, force: false, batchSize: 10, CancellationToken.None);

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        JobStatus status;
        while (!(status = (await scheduler.Get<JobStore>().GetAsync(job.JobId, timeout.Token))!.Value.Status).IsComplete)
        {
            Assert.False(worker.HasExited, worker.Log);
            await Task.Delay(200, timeout.Token);
        }

        Assert.Equal(1, status.Embedded);
        Assert.Contains($"Queue {topology.Main} exists with arguments an earlier version declared", worker.Log, StringComparison.Ordinal);
        Assert.Contains("x-delivery-limit", worker.Log, StringComparison.Ordinal);
    }

    /// <summary>A one-image job whose fetch meets an outage until the message is dead-lettered; returns the worker's hops.</summary>
    private static async Task<List<(string Queue, TimeSpan At)>> RunOutageJobAsync(LiveBroker broker, params (string, string)[] settings)
    {
        await using var worker = await broker.StartWorkerAsync(
            [.. settings, ("PIPELINE_Blob__ConnectionString", UnreachableBlob), ("PIPELINE_Blob__MaxRetries", "0")]);
        var environment = new Dictionary<string, string>(broker.Environment) { ["PIPELINE_Blob__ConnectionString"] = UnreachableBlob };
        using var scheduler = await SchedulerHarness.StartAsync(environment);
        var manifest = await OneImageManifestAsync("http://127.0.0.1:1/devstoreaccount1/photos/cat.jpg");
        var job = await scheduler.Get<Enqueuer>().RunAsync(
            new ManifestImageSource(manifest, blobEndpoints: scheduler.Get<BlobEndpoints>()), broker.ModelId, force: false, batchSize: 10, CancellationToken.None);

        var dead = await broker.NextDeadLetterAsync(worker, TimeSpan.FromMinutes(2));

        Assert.Equal(job.JobId, BatchMessageSerializer.Deserialize(dead.Body.Span).JobId);
        Assert.Equal(0, await worker.StopAsync(TimeSpan.FromMinutes(1)));
        return LiveBroker.Hops(worker.Log);
    }

    private static async Task<string> OneImageManifestAsync(string uri)
    {
        var manifest = Path.Combine(Directory.CreateTempSubdirectory("live-").FullName, "uris.txt");
        await File.WriteAllTextAsync(manifest, uri + "\n");
        return manifest;
    }
}
