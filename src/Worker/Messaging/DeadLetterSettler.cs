using System.Text;
using System.Text.Json;
using Npgsql;
using Pipeline.Common;
using Pipeline.Common.Messaging;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Pipeline.Worker.Messaging;

/// <summary>
/// Closes the accounting of dead-lettered batches, whichever way they died (<see cref="DeadLetters"/>): consumes
/// <c>.dead</c>, commits the batch's images as <see cref="FailureReason.DeadLettered"/> failures with the reason
/// and last error (idempotent: a batch already committed is left as it is), then moves the message to
/// <c>.parked</c> (confirmed before the ack) for <c>pipeline dead-letters</c>. The job then completes, as failed.
/// </summary>
internal sealed class DeadLetterSettler(EmbeddingWriter writer, DatabaseRetry retry, ILogger logger)
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(5);

    /// <summary>Starts consuming on a channel of its own; the channel's disposal stops it (unacked letters return to <c>.dead</c>).</summary>
    public async Task<IChannel> StartAsync(IConnection connection, DeadLetters letters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(letters);
        var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken).ConfigureAwait(false);
        await letters.DeclareAsync(channel, cancellationToken).ConfigureAwait(false);
        await channel.BasicQosAsync(0, 4, global: false, cancellationToken).ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => SettleAsync(channel, letters, delivery, cancellationToken);
        await channel.BasicConsumeAsync(letters.Dead, autoAck: false, consumer, cancellationToken).ConfigureAwait(false);
        return channel;
    }

    private async Task SettleAsync(IChannel channel, DeadLetters letters, BasicDeliverEventArgs delivery, CancellationToken cancellationToken)
    {
        var reason = DeadLetters.Reason(delivery.BasicProperties);
        try
        {
            if (TryRead(delivery.Body.Span) is { } message)
            {
                await RecordAsync(message, reason, cancellationToken).ConfigureAwait(false);
                Log.DeadLetterSettled(logger, message.JobId, message.BatchNo, message.Items.Count, reason);
            }

            var properties = new BasicProperties
            {
                Persistent = true,
                ContentType = delivery.BasicProperties.ContentType,
                MessageId = delivery.BasicProperties.MessageId,
                Headers = new Dictionary<string, object?>(delivery.BasicProperties.Headers ?? new Dictionary<string, object?>())
                {
                    [DeadLetters.SettledHeader] = Encoding.UTF8.GetBytes(reason),
                },
            };
            await channel.BasicPublishAsync(string.Empty, letters.Parked, mandatory: true, properties, delivery.Body, cancellationToken)
                .ConfigureAwait(false);
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationInterruptedException or AlreadyClosedException or PublishException)
        {
            // Database or broker gone: the letter stays in .dead and is settled once they are back.
            Log.DeadLetterDeferred(logger, ex, reason);
            try
            {
                await Task.Delay(RetryPause, cancellationToken).ConfigureAwait(false);
                await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception nack) when (nack is OperationCanceledException or OperationInterruptedException or AlreadyClosedException)
            {
                // Closing: the broker returns the unacked letter by itself.
            }
        }
    }

    private async Task RecordAsync(BatchMessage message, string reason, CancellationToken cancellationToken)
    {
        var failures = message.Items
            .Select(item => new FailedImage(item.Uri, FailureReason.DeadLettered, $"{ImageUri.Redact(StoredText.Clean(item.Uri))}: {reason}"))
            .ToList();
        var outcome = new BatchOutcome(message.JobId, message.BatchNo, [], 0, failures);
        try
        {
            await retry.RunAsync(
                token => writer.CommitIsolatingAsync([outcome], null, token),
                (ex, delay, attempt) => Log.DatabaseRetry(logger, ex, delay, attempt),
                cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // The job was deleted meanwhile: nothing left to account for.
        }
    }

    private static BatchMessage? TryRead(ReadOnlySpan<byte> body)
    {
        try
        {
            return BatchMessageSerializer.Deserialize(body);
        }
        catch (JsonException)
        {
            return null; // not ours: parked as it is
        }
    }
}
