using RabbitMQ.Client;

namespace Pipeline.Common.Messaging;

/// <summary>
/// Publishes batch messages with publisher confirms. Several publishes are kept in flight at once
/// (bounded) because awaiting each confirm in turn caps throughput at one round trip per message.
/// A publish lost to a broker restart is sent again once the connection has recovered; a message
/// that was in fact delivered twice is harmless, because workers commit each (job, batch) once.
/// </summary>
public sealed class BatchPublisher : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly string _queue;
    private readonly RabbitMqOptions _options;
    private readonly BrokerRetry _retry;
    private readonly Queue<(BatchMessage Message, Task Confirm)> _outstanding = new();

    private BatchPublisher(IConnection connection, IChannel channel, string queue, RabbitMqOptions options, BrokerRetry retry)
    {
        _connection = connection;
        _channel = channel;
        _queue = queue;
        _options = options;
        _retry = retry;
    }

    /// <summary>Opens a confirm-mode channel and declares <paramref name="modelId"/>'s queue topology (work, retry, dead queues).</summary>
    public static async Task<BatchPublisher> OpenAsync(RabbitMqConnector connector, string modelId, CancellationToken cancellationToken)
    {
        var connection = await connector.ConnectAsync("pipeline-scheduler", cancellationToken).ConfigureAwait(false);
        try
        {
            var topology = new QueueTopology(connector.Options, modelId);
            await topology.DeclareAsync(connection, logger: null, cancellationToken).ConfigureAwait(false);
            var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
                cancellationToken).ConfigureAwait(false);
            return new BatchPublisher(connection, channel, topology.Main, connector.Options, connector.Retry);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The work queue messages are published to, <c>pipeline.batches.&lt;model&gt;</c>.</summary>
    public string Queue => _queue;

    /// <summary>Sends one message; returns once the window of unconfirmed messages has room.</summary>
    public async Task PublishAsync(BatchMessage message, CancellationToken cancellationToken)
    {
        while (_outstanding.Count >= _options.MaxOutstandingConfirms)
        {
            await SettleOldestAsync(cancellationToken).ConfigureAwait(false);
        }

        _outstanding.Enqueue((message, SendAsync(message, cancellationToken)));
    }

    /// <summary>Waits until the broker has confirmed every message published so far.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (_outstanding.Count > 0)
        {
            await SettleOldestAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for outstanding confirms, then closes the channel.</summary>
    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private async Task SettleOldestAsync(CancellationToken cancellationToken)
    {
        var (message, confirm) = _outstanding.Dequeue();
        try
        {
            await confirm.ConfigureAwait(false);
        }
        catch (Exception ex) when (BrokerRetry.IsConnectionLoss(ex))
        {
            // Sent again until the connection is back (the broker pipeline: jittered back-off, RabbitMq:OutageTolerance).
            await _retry.RunAsync(token => SendAsync(message, token), cancellationToken).ConfigureAwait(false);
        }
    }

    // Async so that a closed channel surfaces through the task, like a lost confirm does.
    private async Task SendAsync(BatchMessage message, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties
        {
            Persistent = true,
            ContentType = BatchMessageSerializer.ContentType,
            MessageId = $"{message.JobId:N}-{message.BatchNo}",
        };
        await _channel.BasicPublishAsync(
            exchange: string.Empty,
            routingKey: _queue,
            mandatory: true,
            basicProperties: properties,
            body: BatchMessageSerializer.Serialize(message),
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
