using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Pipeline.Common;
using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.Common.Inference.ModelFiles;
using Pipeline.Common.Messaging;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using Pipeline.Worker.Inference;
using Pipeline.Worker.Observability;
using Pipeline.Worker.Stages;
using Pipeline.Worker.Storage;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Pipeline.Worker.Messaging;

/// <summary>
/// The worker's life: load the backbone, consume the model's queue with manual acks, run the stages,
/// and on SIGTERM stop consuming and drain in-flight messages within the deadline.
/// </summary>
internal sealed class QueueConsumer(
    PipelineDataSource dataSource,
    JobStore jobs,
    RabbitMqConnector connector,
    IImageFetcher fetcher,
    ImagePreprocessor preprocessor,
    ModelFileCache modelFiles,
    IOptions<ModelOptions> modelOptions,
    IOptions<WorkerOptions> workerOptions,
    IOptions<InferenceOptions> inferenceOptions,
    IOptions<IndexOptions> indexOptions,
    DatabaseRetry databaseRetry,
    TimeProvider time,
    WorkerMetrics metrics,
    WorkerReadiness readiness,
    IHostApplicationLifetime lifetime,
    ILogger<QueueConsumer> logger) : BackgroundService
{
    private readonly WorkerOptions _options = workerOptions.Value;
    private volatile bool _accepting = true;
    private int _handlersRunning;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (GpuUnavailableException ex)
        {
            // Not an outage: a restart will not bring the CUDA libraries. One line, its own exit code, no stack trace.
            Log.GpuUnavailableFatal(logger, ex.Message);
            Environment.ExitCode = WorkerExitCodes.GpuUnavailable;
            lifetime.StopApplication();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // An outage past its tolerance: exit non-zero so the orchestrator restarts us; unacked messages are requeued.
            Environment.ExitCode = WorkerExitCodes.Failure;
            throw;
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var spec = await modelFiles.ResolveAsync(modelOptions.Value.ToSpec(), stoppingToken).ConfigureAwait(false);

        // Decoding is already parallel across images; OpenCV's own resize threads would only oversubscribe the cores.
        OpenCvSharp.Cv2.SetNumThreads(1);
        // The model and its execution provider first: a GPU pod without CUDA fails before it touches the database.
        using var backbone = Backbone.Load(spec, ExecutionProviders.BackboneOptions(inferenceOptions.Value, _options.InferenceBatchSize, logger));
        Log.HeadRemoved(logger, backbone.Cut.Describe());
        Log.InferenceProvider(logger, backbone.ExecutionProvider);
        // Start-up waits out a database or broker that is not there yet (the same retry pipelines as the commits).
        await databaseRetry.RunAsync(token => SchemaMigrator.EnsureAsync(dataSource, token), stoppingToken).ConfigureAwait(false);
        backbone.WarmUp(_options.InferenceBatchSize);
        preprocessor.WarmUp(backbone.Preprocess);
        var identity = ModelIdentity.Of(backbone, modelOptions.Value.StoragePrecision);
        await databaseRetry.RunAsync(token => ModelRegistry.EnsureAsync(dataSource, identity, token), stoppingToken).ConfigureAwait(false);

        var connection = await connector.ConnectAsync($"pipeline-worker-{Environment.MachineName}", stoppingToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
            await using (channel.ConfigureAwait(false))
            {
                var topology = new QueueTopology(connector.Options, spec.Id);
                var queue = topology.Main;
                await topology.DeclareAsync(connection, logger, stoppingToken).ConfigureAwait(false);
                var writer = new EmbeddingWriter(dataSource, identity);
                // Dead-lettered batches are settled here, so every job's accounting closes (DeadLetterSettler).
                var deadLetterChannel = await new DeadLetterSettler(writer, databaseRetry, logger)
                    .StartAsync(connection, new DeadLetters(topology), stoppingToken).ConfigureAwait(false);
                await using var deadLetterScope = deadLetterChannel.ConfigureAwait(false);
                var publishChannel = await connection.CreateChannelAsync(
                    new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
                    stoppingToken).ConfigureAwait(false);
                await using var publishChannelScope = publishChannel.ConfigureAwait(false);
                await channel.BasicQosAsync(0, (ushort)_options.EffectivePrefetch, global: false, stoppingToken).ConfigureAwait(false);

                ReserveThreads(_options.EffectiveDecodeConcurrency + 1);
                var settler = new MessageSettler(channel, publishChannel, topology, metrics, logger);
                using var indexStop = new CancellationTokenSource();
                var indexes = new IndexBuilder(dataSource, spec.Id, indexOptions.Value, logger);
                var sink = new SettlingBatchSink(new DatabaseBatchSink(writer, indexes, databaseRetry, metrics, logger, indexStop.Token), settler);
                using var pipeline = new StagePipeline(
                    fetcher, preprocessor, new BackboneEmbedder(backbone, inferenceOptions.Value.EffectiveBatchesInFlight), sink, _options, metrics, time, logger);

                // A build cancelled by a shutdown, or never run: finished in the background while this worker consumes.
                await indexes.RequestIfDueAsync(indexStop.Token).ConfigureAwait(false);
                var consumer = new AsyncEventingBasicConsumer(channel);
                consumer.ReceivedAsync += (_, delivery) => OnReceivedAsync(delivery, channel, pipeline, settler, spec.Id);
                var consumerTag = await channel.BasicConsumeAsync(queue, autoAck: false, consumer, stoppingToken).ConfigureAwait(false);
                Log.Ready(
                    logger, spec.Id, backbone.Width, backbone.WeightsSha256, queue, _options.InferenceBatchSize, _options.EffectivePrefetch, ManagedHeap.DescribeGen0Budget());
                readiness.MarkConsuming();

                var stopped = Task.Delay(Timeout.Infinite, stoppingToken);
                var first = await Task.WhenAny(stopped, pipeline.Completion).ConfigureAwait(false);
                if (first != stopped)
                {
                    // A stage died (e.g. database gone for longer than tolerated): surface its exception.
                    pipeline.Abort();
                    await pipeline.Completion.ConfigureAwait(false);
                }

                await DrainAsync(channel, consumerTag, pipeline).ConfigureAwait(false);
                // A SIGTERM does not wait out a long index build: cancelled, it leaves an INVALID index that the next
                // worker or `pipeline index` rebuilds (IndexBuilder).
                await indexStop.CancelAsync().ConfigureAwait(false);
                await indexes.WhenIdleAsync().ConfigureAwait(false);
                await channel.CloseAsync(CancellationToken.None).ConfigureAwait(false);
                Log.Stopped(logger);
            }
        }
    }

    /// <summary>
    /// The decoders and the inference loop hold thread-pool threads for CPU work. The pool starts with one thread per
    /// core and adds more only about every 0.5 s when starved; reserving them up front means the broker, fetch and
    /// database continuations never queue behind the CPU-bound loops on a small machine.
    /// </summary>
    private static void ReserveThreads(int blocking)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        var needed = blocking + Environment.ProcessorCount;
        if (workers < needed)
        {
            ThreadPool.SetMinThreads(needed, io);
        }
    }

    private async Task DrainAsync(IChannel channel, string consumerTag, StagePipeline pipeline)
    {
        Log.Draining(logger, _options.DrainTimeout);
        readiness.MarkDraining();
        _accepting = false;
        var deadline = time.GetUtcNow() + _options.DrainTimeout;
        await channel.BasicCancelAsync(consumerTag, noWait: false, CancellationToken.None).ConfigureAwait(false);
        while (Volatile.Read(ref _handlersRunning) > 0 && time.GetUtcNow() < deadline)
        {
            await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
        }

        var left = deadline - time.GetUtcNow();
        if (!await pipeline.DrainAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero).ConfigureAwait(false))
        {
            // Whatever is not acked now is requeued by the broker when the channel closes.
            Log.DrainTimedOut(logger);
        }
    }

    private async Task OnReceivedAsync(
        BasicDeliverEventArgs delivery, IChannel channel, StagePipeline pipeline, MessageSettler settler, string modelId)
    {
        Interlocked.Increment(ref _handlersRunning);
        try
        {
            if (!_accepting)
            {
                await NackAsync(channel, delivery.DeliveryTag, requeue: true).ConfigureAwait(false);
                return;
            }

            BatchMessage message;
            try
            {
                message = BatchMessageSerializer.Deserialize(delivery.Body.Span);
            }
            catch (JsonException ex)
            {
                Log.PoisonMessage(logger, ex, delivery.DeliveryTag);
                await NackAsync(channel, delivery.DeliveryTag, requeue: false).ConfigureAwait(false);
                return;
            }

            using var scope = LogScopes.Message(logger, message);
            metrics.MessageAccepted();
            var body = delivery.Body.ToArray();
            var received = new InFlightMessage(message, delivery.DeliveryTag, Empty, body, AttemptOf(delivery));
            if (DeliveryLimit.IsExceeded(delivery.BasicProperties.Headers, connector.Options.MaxDeliveries))
            {
                // Delivered MaxDeliveries times already (each one ended by a crash or a lost connection): not again.
                await settler.DeadLetterAsync(
                    received, $"delivered {DeliveryLimit.PreviousDeliveries(delivery.BasicProperties.Headers)} times (RabbitMq:MaxDeliveries)", CancellationToken.None)
                    .ConfigureAwait(false);
                return;
            }

            await AcceptAsync(received, pipeline, settler, modelId).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _handlersRunning);
        }
    }

    private static readonly Dictionary<string, string> Empty = [];

    /// <summary>A nack lost with the connection needs no retry: the broker requeues unacked messages itself.</summary>
    private static async Task NackAsync(IChannel channel, ulong deliveryTag, bool requeue)
    {
        try
        {
            await channel.BasicNackAsync(deliveryTag, multiple: false, requeue, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.AlreadyClosedException or RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // Nothing to do: the message is back in the queue once the broker notices the dropped connection.
        }
    }

    private static int AttemptOf(BasicDeliverEventArgs delivery) =>
        delivery.BasicProperties.Headers?.TryGetValue(MessageSettler.AttemptHeader, out var value) == true
            ? Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)
            : 0;

    private async Task AcceptAsync(InFlightMessage received, StagePipeline pipeline, MessageSettler settler, string modelId)
    {
        var message = received.Message;
        IReadOnlyDictionary<string, string> stored;
        try
        {
            if (await jobs.IsBatchCommittedAsync(message.JobId, message.BatchNo, CancellationToken.None).ConfigureAwait(false))
            {
                await settler.AckAsync(received, CancellationToken.None).ConfigureAwait(false);
                return;
            }

            stored = message.Force
                ? new Dictionary<string, string>()
                : await StoredContent.GetAsync(dataSource, modelId, [.. message.Items.Select(i => i.Uri)], CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException ex)
        {
            Log.MessageReturned(logger, ex, message.JobId, message.BatchNo, ex.Message);
            await settler.RetryLaterAsync(received, "database: " + ex.Message, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        try
        {
            await pipeline.AcceptAsync(new InFlightMessage(message, received.DeliveryTag, stored, received.Body, received.Attempt), CancellationToken.None)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The pipeline stopped (drain deadline, a dead stage): the unacked message returns to the queue with the channel.
        }
    }
}
