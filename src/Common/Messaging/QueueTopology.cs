using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Pipeline.Common.Messaging;

/// <summary>
/// The queues of one model, all quorum (replicated). Work goes to the main queue; a message that hit a transient
/// error waits in a retry queue whose TTL dead-letters it back to the main queue (back-off); a message that keeps
/// failing, or keeps being redelivered (crashing workers), ends in the dead-letter queue.
/// </summary>
/// <remarks>
/// Queue arguments are immutable: a queue redeclared with other arguments is refused (406 PRECONDITION_FAILED) and
/// the declaring program dies. So no operator setting ever becomes a queue argument:
/// <list type="bullet">
/// <item>a retry queue is named by its delay (<c>&lt;queue&gt;.retry.7s</c>): a new <see cref="RabbitMqOptions.RetryBaseDelay"/>
/// or <see cref="RabbitMqOptions.RetryMaxDelay"/> declares new queues next to the old ones, which still drain into the
/// main queue;</item>
/// <item><see cref="RabbitMqOptions.MaxAttempts"/> is counted by the worker (<c>x-attempt</c> header);</item>
/// <item><see cref="RabbitMqOptions.MaxDeliveries"/> is enforced by the worker from the <c>x-delivery-count</c> header
/// quorum queues set on redeliveries (<see cref="DeliveryLimit"/>); the main queue carries only a fixed ceiling
/// (<see cref="DeliveryLimitCeiling"/>), which also overrides RabbitMQ 4's default limit of 20.</item>
/// </list>
/// The remaining arguments are constants of this code. A queue declared by an earlier version with other arguments
/// (the work queue's old <c>x-delivery-limit</c>) is detected, explained in a warning and used as it is.
/// </remarks>
public sealed class QueueTopology(RabbitMqOptions options, string modelId)
{
    /// <summary>The main queue's fixed <c>x-delivery-limit</c>: the highest <see cref="RabbitMqOptions.MaxDeliveries"/>.</summary>
    public const int DeliveryLimitCeiling = 1000;

    /// <summary>The work queue, <c>pipeline.batches.&lt;model&gt;</c>.</summary>
    public string Main { get; } = options.QueueFor(modelId);

    /// <summary>The dead-letter queue, <c>&lt;queue&gt;.dead</c>.</summary>
    public string Dead => Main + ".dead";

    /// <summary>The retry queue before attempt <paramref name="attempt"/> + 1: named by its delay, e.g. <c>….retry.10s</c>.</summary>
    public string Retry(int attempt) => $"{Main}.retry.{DelayName(Delay(attempt))}";

    /// <summary>Back-off before attempt <paramref name="attempt"/> (1-based): base × 2^(attempt−1), capped.</summary>
    public TimeSpan Delay(int attempt) =>
        TimeSpan.FromTicks(Math.Min(options.RetryBaseDelay.Ticks << Math.Min(attempt - 1, 20), options.RetryMaxDelay.Ticks));

    /// <summary>Processing attempts before a message goes to the dead-letter queue (<c>RabbitMq__MaxAttempts</c>).</summary>
    public int MaxAttempts => options.MaxAttempts;

    /// <summary>Deliveries (counted by <c>x-delivery-count</c>) before a message goes to the dead-letter queue (<c>RabbitMq__MaxDeliveries</c>).</summary>
    public int MaxDeliveries => options.MaxDeliveries;

    /// <summary>A delay as a queue-name suffix: <c>500ms</c>, <c>7s</c>, <c>1m30s</c>, <c>2h</c>, <c>1d</c>.</summary>
    public static string DelayName(TimeSpan delay)
    {
        var text = new StringBuilder();
        Append(text, delay.Days, "d");
        Append(text, delay.Hours, "h");
        Append(text, delay.Minutes, "m");
        Append(text, delay.Seconds, "s");
        Append(text, delay.Milliseconds, "ms");
        return text.Length == 0 ? "0ms" : text.ToString();

        static void Append(StringBuilder text, int value, string unit)
        {
            if (value > 0)
            {
                text.Append(value.ToString(CultureInfo.InvariantCulture)).Append(unit);
            }
        }
    }

    /// <summary>
    /// Declares the dead-letter, main and retry queues on channels of its own (a refused declaration closes its
    /// channel). A queue that exists with other arguments is kept and reported through <paramref name="logger"/>.
    /// </summary>
    public async Task DeclareAsync(IConnection connection, ILogger? logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var (queue, arguments) in Queues())
            {
                channel = await DeclareOneAsync(connection, channel, queue, arguments, logger, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await channel.DisposeAsync().ConfigureAwait(false);
        }
    }

    private IEnumerable<(string Queue, Dictionary<string, object?> Arguments)> Queues()
    {
        yield return (Dead, new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        yield return (Main, new Dictionary<string, object?>
        {
            ["x-queue-type"] = "quorum",
            // A backstop only: the worker dead-letters at MaxDeliveries (DeliveryLimit), which stays changeable.
            ["x-delivery-limit"] = DeliveryLimitCeiling,
            // Unreadable messages (nacked without requeue) and the backstop go to the dead-letter queue.
            ["x-dead-letter-exchange"] = string.Empty,
            ["x-dead-letter-routing-key"] = Dead,
        });
        var declared = new HashSet<string>(StringComparer.Ordinal);
        for (var attempt = 1; attempt < options.MaxAttempts; attempt++)
        {
            if (!declared.Add(Retry(attempt)))
            {
                continue; // capped delays share one queue
            }

            // One queue per delay: a fixed TTL per queue avoids head-of-line blocking of per-message TTLs.
            yield return (Retry(attempt), new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-message-ttl"] = (long)Delay(attempt).TotalMilliseconds,
                ["x-dead-letter-exchange"] = string.Empty,
                ["x-dead-letter-routing-key"] = Main,
                // Expired messages move to the main queue at least once (kept until it has them), never dropped.
                ["x-dead-letter-strategy"] = "at-least-once",
                ["x-overflow"] = "reject-publish",
            });
        }
    }

    private static async Task<IChannel> DeclareOneAsync(
        IConnection connection, IChannel channel, string queue, Dictionary<string, object?> arguments, ILogger? logger, CancellationToken cancellationToken)
    {
        try
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return channel;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 406)
        {
            // Declared earlier with other arguments (an older version of this code): use it as it is.
            await channel.DisposeAsync().ConfigureAwait(false);
            var fresh = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await fresh.QueueDeclarePassiveAsync(queue, cancellationToken).ConfigureAwait(false);
            if (logger is not null)
            {
                MessagingLog.QueueKeptWithOtherArguments(logger, queue, ex.ShutdownReason.ReplyText);
            }

            return fresh;
        }
    }
}
