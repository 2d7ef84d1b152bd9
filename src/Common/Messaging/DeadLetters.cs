using System.Text;
using RabbitMQ.Client;

namespace Pipeline.Common.Messaging;

/// <summary>
/// Where dead letters of a model go, and what they say. A message lands in <see cref="QueueTopology.Dead"/>
/// after <c>MaxAttempts</c> (sent there by a worker, with <see cref="LastErrorHeader"/>) or when the quorum
/// delivery limit dead-letters it (the broker's <c>x-first-death-reason</c>). A worker settles it — the batch's
/// images are recorded as <c>DeadLettered</c> failures, so the job's accounting closes — and moves it to
/// <see cref="Parked"/>, where <c>pipeline dead-letters list|replay|purge</c> finds it.
/// </summary>
/// <remarks>Kept apart from <see cref="QueueTopology"/> on purpose: one more queue, no argument of the others changed.</remarks>
public sealed class DeadLetters(QueueTopology topology)
{
    /// <summary>Header counting a message's processing attempts (1 on first publish).</summary>
    public const string AttemptHeader = "x-attempt";
    /// <summary>Header with the last error a message met (cut to a bounded length).</summary>
    public const string LastErrorHeader = "x-last-error";
    /// <summary>Header a settled dead letter carries in the parked queue: why it was dead-lettered.</summary>
    public const string SettledHeader = "x-settled-reason";

    /// <summary>Dead letters not yet settled (a worker consumes it).</summary>
    public string Dead => topology.Dead;

    /// <summary>Settled dead letters, kept for inspection and replay; nothing consumes it.</summary>
    public string Parked => topology.Main + ".parked";

    /// <summary>The model's work queue.</summary>
    public string Main => topology.Main;

    /// <summary>Declares the work, retry, dead and parked queues (idempotent; all quorum queues).</summary>
    public async Task DeclareAsync(IChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        await channel.QueueDeclareAsync(
            Parked, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" },
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Why a message was dead-lettered, in words, from its headers.</summary>
    public static string Reason(IReadOnlyBasicProperties properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var headers = properties.Headers;
        if (Text(headers, SettledHeader) is { } settled)
        {
            return settled;
        }

        if (Text(headers, LastErrorHeader) is { } error)
        {
            var attempts = headers?.TryGetValue(AttemptHeader, out var value) == true
                ? Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)
                : 0;
            return $"dead-lettered after {attempts} attempts; last error: {error}";
        }

        return Text(headers, "x-first-death-reason") is "delivery_limit" or null
            ? "dead-lettered by the broker: the delivery limit was reached (the message kept crashing or stalling workers)"
            : $"dead-lettered by the broker ({Text(headers, "x-first-death-reason")})";
    }

    private static string? Text(IDictionary<string, object?>? headers, string name) =>
        headers?.TryGetValue(name, out var value) == true
            ? value switch
            {
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                string text => text,
                null => null,
                _ => value.ToString(),
            }
            : null;
}
