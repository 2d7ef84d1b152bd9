using System.Text;
using Pipeline.Common.Messaging;
using Pipeline.Worker.Observability;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Pipeline.Worker.Messaging;

/// <summary>
/// Settles delivered messages: acks those whose rows are committed; sends those that met a transient
/// error to the next retry queue (back-off), or to the dead-letter queue after the last attempt.
/// The copy is confirmed by the broker before the original is acked, so nothing is lost in between.
/// </summary>
internal sealed class MessageSettler(IChannel consumeChannel, IChannel publishChannel, QueueTopology topology, WorkerMetrics metrics, ILogger logger)
{
    public const string AttemptHeader = DeadLetters.AttemptHeader;
    public const string LastErrorHeader = DeadLetters.LastErrorHeader;

    public async ValueTask AckAsync(InFlightMessage message, CancellationToken cancellationToken)
    {
        metrics.MessageSettled();
        try
        {
            await consumeChannel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException)
        {
            // The connection dropped after the commit: the broker redelivers the message, and the redelivery
            // finds its batch committed and is acked without any work.
            Log.MessageReturned(logger, ex, message.Message.JobId, message.Message.BatchNo, "ack lost with the connection");
        }
    }

    /// <summary>Publishes the message to its next retry queue (or the dead-letter queue), confirmed, then acks the original.</summary>
    /// <remarks>Callers abandon the message first (<see cref="InFlightMessage.Abandon"/>), so it is returned once.</remarks>
    public async ValueTask RetryLaterAsync(InFlightMessage message, string error, CancellationToken cancellationToken)
    {
        var attempt = message.Attempt + 1;
        await SendAsync(message, attempt < topology.MaxAttempts ? topology.Retry(attempt) : topology.Dead, attempt, error, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Straight to the dead-letter queue, e.g. past <see cref="QueueTopology.MaxDeliveries"/>.</summary>
    public async ValueTask DeadLetterAsync(InFlightMessage message, string error, CancellationToken cancellationToken)
    {
        if (message.Abandon())
        {
            await SendAsync(message, topology.Dead, message.Attempt, error, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask SendAsync(InFlightMessage message, string target, int attempt, string error, CancellationToken cancellationToken)
    {
        metrics.MessageSettled();
        metrics.MessageDeferred(deadLettered: target == topology.Dead);
        var properties = new BasicProperties
        {
            Persistent = true,
            ContentType = BatchMessageSerializer.ContentType,
            Headers = new Dictionary<string, object?>
            {
                [AttemptHeader] = attempt,
                [LastErrorHeader] = Encoding.UTF8.GetBytes(error.Length > 500 ? error[..500] : error),
            },
        };
        try
        {
            await publishChannel.BasicPublishAsync(string.Empty, target, mandatory: true, properties, message.Body, cancellationToken)
                .ConfigureAwait(false);
            await consumeChannel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken).ConfigureAwait(false);
            Log.MessageDeferred(logger, message.Message.JobId, message.Message.BatchNo, target, attempt);
        }
        catch (Exception ex) when (ex is OperationInterruptedException or AlreadyClosedException or PublishException)
        {
            // The broker is unreachable: the unacked original comes back by itself when the connection drops.
            Log.MessageReturned(logger, ex, message.Message.JobId, message.Message.BatchNo, ex.Message);
        }
    }
}
