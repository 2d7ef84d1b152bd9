namespace Pipeline.Worker.Messaging;

using RabbitMQ.Client;

/// <summary>Acks messages whose rows are committed; returns abandoned ones to the queue.</summary>
internal sealed class MessageSettler(IChannel channel)
{
    public ValueTask AckAsync(InFlightMessage message, CancellationToken cancellationToken) =>
        channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);

    /// <summary>Requeues the message for another attempt (this worker could not finish it).</summary>
    public async ValueTask ReturnAsync(InFlightMessage message, CancellationToken cancellationToken)
    {
        if (message.Abandon())
        {
            await channel.BasicNackAsync(message.DeliveryTag, multiple: false, requeue: true, cancellationToken).ConfigureAwait(false);
        }
    }
}
