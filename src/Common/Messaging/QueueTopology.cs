namespace Pipeline.Common.Messaging;

using RabbitMQ.Client;

/// <summary>
/// The queues of one model. Work goes to the main quorum queue; a message that hit a transient error
/// waits in a retry queue whose TTL dead-letters it back to the main queue (back-off); a message that
/// keeps failing, or keeps crashing workers (quorum delivery limit), ends in the dead-letter queue.
/// </summary>
public sealed class QueueTopology(RabbitMqOptions options, string modelId)
{
    public string Main { get; } = options.QueueFor(modelId);

    public string Dead => Main + ".dead";

    public string Retry(int attempt) => $"{Main}.retry.{attempt}";

    /// <summary>Back-off before attempt <paramref name="attempt"/> (1-based): base × 2^(attempt−1), capped.</summary>
    public TimeSpan Delay(int attempt) =>
        TimeSpan.FromTicks(Math.Min(options.RetryBaseDelay.Ticks << Math.Min(attempt - 1, 20), options.RetryMaxDelay.Ticks));

    public int MaxAttempts => options.MaxAttempts;

    public async Task DeclareAsync(IChannel channel, CancellationToken cancellationToken)
    {
        await channel.QueueDeclareAsync(
            Dead, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" },
            cancellationToken: cancellationToken).ConfigureAwait(false);

        await channel.QueueDeclareAsync(
            Main, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                // Redeliveries after crashes (kill -9, OOM) count too: a message that kills every worker stops here.
                ["x-delivery-limit"] = options.MaxDeliveries,
                ["x-dead-letter-exchange"] = string.Empty,
                ["x-dead-letter-routing-key"] = Dead,
            },
            cancellationToken: cancellationToken).ConfigureAwait(false);

        for (var attempt = 1; attempt < options.MaxAttempts; attempt++)
        {
            // One queue per attempt: a fixed TTL per queue avoids head-of-line blocking of per-message TTLs.
            await channel.QueueDeclareAsync(
                Retry(attempt), durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?>
                {
                    ["x-message-ttl"] = (long)Delay(attempt).TotalMilliseconds,
                    ["x-dead-letter-exchange"] = string.Empty,
                    ["x-dead-letter-routing-key"] = Main,
                },
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}
