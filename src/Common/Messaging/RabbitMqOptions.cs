using System.ComponentModel.DataAnnotations;
using Pipeline.Common.Storage;

namespace Pipeline.Common.Messaging;

/// <summary>Broker connection and queue naming. Bound from the <c>RabbitMq</c> section.</summary>
public sealed class RabbitMqOptions : IValidatableObject
{
    /// <summary>The settings section, <c>RabbitMq</c>.</summary>
    public const string SectionName = "RabbitMq";

    /// <summary>
    /// AMQP URI (<c>amqp://</c>, or <c>amqps://</c> for TLS); may carry credentials, so it is read from the environment and never
    /// logged nor echoed by validation. Default <c>amqp://guest:guest@127.0.0.1:5672/</c>.
    /// </summary>
    [Required]
    public string Uri { get; set; } = "amqp://guest:guest@127.0.0.1:5672/";

    /// <summary>Queue name prefix; the queue of a model is <c>{prefix}.{modelId}</c>. Default <c>pipeline.batches</c>; 1–100 of <c>A–Z a–z 0–9 . _ -</c>.</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,100}$")]
    public string QueuePrefix { get; set; } = "pipeline.batches";

    /// <summary>Publisher confirms awaited at once by the scheduler (throughput vs memory). Default 256; 1 to 10,000.</summary>
    [Range(1, 10_000)]
    public int MaxOutstandingConfirms { get; set; } = 256;

    /// <summary>Attempts of a message that meets transient errors (fetch outage, lost database) before it is dead-lettered. Default 5; 1 to 20.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Back-off before the first retry; doubles with each attempt; names the retry queues. Default 5 s; 10 ms to 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Cap on the doubling back-off. Default 5 min; <see cref="RetryBaseDelay"/> to 1 day.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Deliveries of one message (crashes included) before the worker dead-letters it, counted by the quorum queue
    /// (<c>x-delivery-count</c>). Changeable at any time: it is no queue argument. Default 20; 1 to 1,000 (<see cref="QueueTopology.DeliveryLimitCeiling"/>).
    /// </summary>
    [Range(1, QueueTopology.DeliveryLimitCeiling)]
    public int MaxDeliveries { get; set; } = 20;

    /// <summary>
    /// How long an unreachable broker is waited out (connecting, re-sending) before a worker fails or <c>pipeline</c> exits 7.
    /// Default 2 min; 0 (fail at once) to 1 hour.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan OutageTolerance { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// PEM file of the CA (or CAs) that signed the broker's certificate, when the system store does not trust it.
    /// amqps only; the host name is still checked. Default none: the system store.
    /// </summary>
    public string? TlsCaFile { get; set; }

    /// <summary>Name the broker's certificate must carry, when it is not the URI's host (e.g. connecting by IP). amqps only. Default none: the URI's host.</summary>
    public string? TlsServerName { get; set; }

    /// <summary>Client certificate (PEM file) for mutual TLS, with <see cref="TlsClientKeyFile"/>. amqps only. Default none.</summary>
    public string? TlsClientCertificateFile { get; set; }

    /// <summary>Unencrypted PEM key of <see cref="TlsClientCertificateFile"/>; the two go together. Default none.</summary>
    public string? TlsClientKeyFile { get; set; }

    /// <summary>The queue of a model; the id is validated, since it comes from configuration.</summary>
    public string QueueFor(string modelId)
    {
        ModelIdentity.ValidateId(modelId);
        return $"{QueuePrefix}.{modelId}";
    }

    /// <summary>URI and TLS rules, run by <see cref="RabbitMqOptionsValidator"/>; never echoes the URI (it holds the password).</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var tls = false;
        if (!System.Uri.TryCreate(Uri, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
        {
            yield return new ValidationResult("Must be an amqp:// or amqps:// URI.", [nameof(Uri)]);
        }
        else
        {
            tls = uri.Scheme == "amqps";
        }

        string?[] tlsSettings = [TlsCaFile, TlsServerName, TlsClientCertificateFile, TlsClientKeyFile];
        if (!tls && tlsSettings.Any(s => !string.IsNullOrEmpty(s)))
        {
            yield return new ValidationResult("The Tls* settings need an amqps:// URI.", [nameof(Uri)]);
        }

        if (string.IsNullOrEmpty(TlsClientCertificateFile) != string.IsNullOrEmpty(TlsClientKeyFile))
        {
            yield return new ValidationResult(
                "TlsClientCertificateFile and TlsClientKeyFile go together.", [nameof(TlsClientCertificateFile), nameof(TlsClientKeyFile)]);
        }

        foreach (var (setting, path) in new[]
        {
            (nameof(TlsCaFile), TlsCaFile), (nameof(TlsClientCertificateFile), TlsClientCertificateFile), (nameof(TlsClientKeyFile), TlsClientKeyFile),
        })
        {
            if (!string.IsNullOrEmpty(path) && !File.Exists(path))
            {
                yield return new ValidationResult($"File {path} not found.", [setting]);
            }
        }
    }
}
