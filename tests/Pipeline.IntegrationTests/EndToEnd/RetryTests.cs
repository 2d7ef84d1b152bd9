namespace Pipeline.IntegrationTests.EndToEnd;

using Pipeline.Common.Messaging;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.Scheduler.Enqueueing;
using RabbitMQ.Client;

/// <summary>Transient errors go through the back-off queues and end in the dead-letter queue.</summary>
[Collection(EndToEndGroup.Name)]
public sealed class RetryTests
{
    [Fact]
    public async Task UnreachableBlobService_RetriesWithBackoffThenDeadLetters_AndTheJobStaysPending()
    {
        var modelId = ServiceEndpoints.NewModelId("retry");
        var prefix = "test." + Guid.NewGuid().ToString("N");
        var environment = ServiceEndpoints.ProcessEnvironment(modelId, prefix);
        // A blob endpoint where nothing listens: connection refused is an outage, not a bad image.
        environment["PIPELINE_Blob__ConnectionString"] =
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;";
        environment["PIPELINE_Blob__MaxRetries"] = "0";
        environment["PIPELINE_RabbitMq__MaxAttempts"] = "3";
        environment["PIPELINE_RabbitMq__RetryBaseDelay"] = "00:00:00.200";
        await using var worker = WorkerProcess.Start(environment);
        await worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        using var scheduler = await SchedulerHarness.StartAsync(environment);
        var manifest = Path.Combine(Directory.CreateTempSubdirectory("retry-").FullName, "uris.txt");
        await File.WriteAllTextAsync(manifest, "http://127.0.0.1:1/devstoreaccount1/photos/cat.jpg\n");

        var job = await scheduler.Get<Enqueuer>().RunAsync(
            new ManifestImageSource(manifest, blobEndpoints: scheduler.Get<BlobEndpoints>()), modelId, force: false, batchSize: 10, CancellationToken.None);

        var factory = new ConnectionFactory { Uri = new Uri(ServiceEndpoints.RabbitMq) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var dead = new QueueTopology(new RabbitMqOptions { QueuePrefix = prefix }, modelId).Dead;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        BasicGetResult? deadLetter;
        while ((deadLetter = await channel.BasicGetAsync(dead, autoAck: true, timeout.Token)) is null)
        {
            Assert.False(worker.HasExited, worker.Log);
            await Task.Delay(100, timeout.Token);
        }

        Assert.Equal(3, Convert.ToInt32(deadLetter.BasicProperties.Headers!["x-attempt"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(job.JobId, BatchMessageSerializer.Deserialize(deadLetter.Body.Span).JobId);
        Assert.Equal(2, worker.Log.Split("sent to " + prefix + "." + modelId + ".retry.").Length - 1);
        var status = (await scheduler.Get<JobStore>().GetAsync(job.JobId, CancellationToken.None))!.Value.Status;
        Assert.Equal(1, status.Pending);
        Assert.False(status.IsComplete);
    }
}
