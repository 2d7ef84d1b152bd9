namespace Pipeline.Common.Messaging;

using RabbitMQ.Client;

/// <summary>
/// Publishes batch messages with publisher confirms. Several publishes are kept in flight at once
/// (bounded) because awaiting each confirm in turn caps throughput at one round trip per message.
/// </summary>
public sealed class BatchPublisher : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly string _queue;
    private readonly int _maxOutstanding;
    private readonly Queue<Task> _outstanding = new();

    private BatchPublisher(IConnection connection, IChannel channel, string queue, int maxOutstanding)
    {
        _connection = connection;
        _channel = channel;
        _queue = queue;
        _maxOutstanding = maxOutstanding;
    }

    public static async Task<BatchPublisher> OpenAsync(RabbitMqConnector connector, string modelId, CancellationToken cancellationToken)
    {
        var connection = await connector.ConnectAsync("pipeline-scheduler", cancellationToken).ConfigureAwait(false);
        try
        {
            var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
                cancellationToken).ConfigureAwait(false);
            var topology = new QueueTopology(connector.Options, modelId);
            await topology.DeclareAsync(channel, cancellationToken).ConfigureAwait(false);
            return new BatchPublisher(connection, channel, topology.Main, connector.Options.MaxOutstandingConfirms);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public string Queue => _queue;

    /// <summary>Sends one message; returns once the window of unconfirmed messages has room.</summary>
    public async Task PublishAsync(BatchMessage message, CancellationToken cancellationToken)
    {
        while (_outstanding.Count >= _maxOutstanding)
        {
            await _outstanding.Dequeue().ConfigureAwait(false);
        }

        var properties = new BasicProperties
        {
            Persistent = true,
            ContentType = BatchMessageSerializer.ContentType,
            MessageId = $"{message.JobId:N}-{message.BatchNo}",
        };
        _outstanding.Enqueue(_channel.BasicPublishAsync(
            exchange: string.Empty,
            routingKey: _queue,
            mandatory: true,
            basicProperties: properties,
            body: BatchMessageSerializer.Serialize(message),
            cancellationToken: cancellationToken).AsTask());
    }

    /// <summary>Waits until the broker has confirmed every message published so far.</summary>
    public async Task FlushAsync()
    {
        while (_outstanding.Count > 0)
        {
            await _outstanding.Dequeue().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
