using Azure.Storage.Blobs;

namespace Pipeline.Common.Sources;

/// <summary>Azure Blob access (configuration section <c>Blob</c>, e.g. env <c>PIPELINE_Blob__ConnectionString</c>).</summary>
public sealed class BlobOptions
{
    public const string SectionName = "Blob";

    /// <summary>
    /// Account key, SAS or <c>UseDevelopmentStorage=true</c> connection string; a secret, never logged.
    /// Null: only public or SAS-carrying <c>*.blob.core.windows.net</c> URLs can be read.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// REST API version to ask for; null takes the SDK's newest. Pin an older one (e.g. <c>V2025_01_05</c>)
    /// for an emulator that rejects versions it does not know and runs without <c>--skipApiVersionCheck</c>.
    /// </summary>
    public BlobClientOptions.ServiceVersion? ServiceVersion { get; set; }

    /// <summary>SDK retries for throttling, 5xx and dropped connections, after the first try.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First SDK back-off; exponential after that.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(0.8);

    /// <summary>Cap on one SDK back-off.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Per SDK try; a stalled try is retried.</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(100);
}
