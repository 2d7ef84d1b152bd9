using System.ComponentModel.DataAnnotations;
using Azure.Storage.Blobs;

namespace Pipeline.Common.Sources;

/// <summary>Azure Blob access (configuration section <c>Blob</c>, e.g. env <c>PIPELINE_Blob__ConnectionString</c>).</summary>
public sealed class BlobOptions : IValidatableObject
{
    /// <summary>The settings section, <c>Blob</c>.</summary>
    public const string SectionName = "Blob";

    /// <summary>
    /// Account key, SAS or <c>UseDevelopmentStorage=true</c> connection string; a secret, never logged (nor echoed by
    /// validation). Default none: only public or SAS-carrying <c>*.blob.core.windows.net</c> URLs can be read.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// REST API version to ask for; default none: the SDK's newest. Pin an older one (e.g. <c>V2025_01_05</c>)
    /// for an emulator that rejects versions it does not know and runs without <c>--skipApiVersionCheck</c>.
    /// </summary>
    public BlobClientOptions.ServiceVersion? ServiceVersion { get; set; }

    /// <summary>SDK retries for throttling, 5xx and dropped connections, after the first try. Default 3; 0 to 20.</summary>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>First SDK back-off; exponential after that. Default 800 ms; 0 to 1 day.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(0.8);

    /// <summary>Cap on one SDK back-off. Default 30 s; <see cref="RetryDelay"/> to 1 day.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Per SDK try; a stalled try is retried. Default 100 s; 1 ms to 1 day.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Cross-field and format rules, run by <see cref="BlobOptionsValidator"/> after the ranges.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ConnectionString is { } connectionString && !IsParsable(connectionString))
        {
            // The text itself is a secret: name the setting, never echo it.
            yield return new ValidationResult("Not a valid Azure Storage connection string.", [nameof(ConnectionString)]);
        }

        if (ServiceVersion is { } version && !Enum.IsDefined(version))
        {
            yield return new ValidationResult("Not a version this SDK knows.", [nameof(ServiceVersion)]);
        }

        if (MaxRetryDelay < RetryDelay)
        {
            yield return new ValidationResult(
                $"MaxRetryDelay ({MaxRetryDelay}) must be at least RetryDelay ({RetryDelay}).", [nameof(MaxRetryDelay), nameof(RetryDelay)]);
        }
    }

    private static bool IsParsable(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return false;
        }

        try
        {
            _ = BlobEndpoints.FromConnectionString(connectionString);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
