namespace Pipeline.Common.Messaging;

using System.ComponentModel.DataAnnotations;
using Pipeline.Common.Storage;

/// <summary>Broker connection and queue naming. Bound from the <c>RabbitMq</c> section.</summary>
public sealed class RabbitMqOptions
{
    public const string Section = "RabbitMq";

    /// <summary>AMQP URI; may carry credentials, so it is read from the environment and never logged.</summary>
    [Required]
    public string Uri { get; set; } = "amqp://guest:guest@127.0.0.1:5672/";

    /// <summary>Queue name prefix; the queue of a model is <c>{prefix}.{modelId}</c>.</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,100}$")]
    public string QueuePrefix { get; set; } = "pipeline.batches";

    /// <summary>Publisher confirms awaited at once by the scheduler (throughput vs memory).</summary>
    [Range(1, 10_000)]
    public int MaxOutstandingConfirms { get; set; } = 256;

    /// <summary>Attempts of a message that meets transient errors (fetch outage, lost database) before it is dead-lettered.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Back-off before the first retry; doubles with each attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Deliveries of one message (crashes included) before the worker dead-letters it, counted by the quorum queue
    /// (<see cref="DeliveryLimit"/>). Changeable at any time: it is no queue argument.
    /// </summary>
    [Range(1, QueueTopology.DeliveryLimitCeiling)]
    public int MaxDeliveries { get; set; } = 20;

    /// <summary>How long the scheduler keeps re-sending while the broker is unreachable before it gives up.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan OutageTolerance { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// PEM file of the CA (or CAs) that signed the broker's certificate, when the system store does not trust it.
    /// amqps only; the host name is still checked.
    /// </summary>
    public string? TlsCaFile { get; set; }

    /// <summary>Name the broker's certificate must carry, when it is not the URI's host (e.g. connecting by IP).</summary>
    public string? TlsServerName { get; set; }

    /// <summary>Client certificate (PEM) for mutual TLS, with <see cref="TlsClientKeyFile"/> (unencrypted PEM key).</summary>
    public string? TlsClientCertificateFile { get; set; }

    public string? TlsClientKeyFile { get; set; }

    /// <summary>The queue of a model; the id is validated, since it comes from configuration.</summary>
    public string QueueFor(string modelId)
    {
        ModelIdentity.ValidateId(modelId);
        return $"{QueuePrefix}.{modelId}";
    }
}
