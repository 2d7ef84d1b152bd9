using System.ComponentModel.DataAnnotations;

namespace Pipeline.Common.Sources;

/// <summary>Limits and retry policy for reading images (configuration section <c>Fetch</c>).</summary>
public sealed class FetchOptions : IValidatableObject
{
    /// <summary>The settings section, <c>Fetch</c>.</summary>
    public const string SectionName = "Fetch";

    /// <summary>
    /// Largest image accepted, in bytes; bigger ones fail as <see cref="FailureReason.TooLarge"/>.
    /// Default 52,428,800 (50 MiB); 1 to 2,147,483,591 (<see cref="Array.MaxLength"/>: an image is held in one array).
    /// </summary>
    [Range(1d, 2_147_483_591d)]
    public long MaxBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>
    /// Per http attempt, headers and body together; exceeded → <see cref="FailureReason.Timeout"/>.
    /// Default 30 s; 1 ms to 1 day (a CancellationTokenSource timer's reach is about 49 days).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first http attempt for 5xx, 408, 429 and dropped connections. Default 3; 0 to 10.</summary>
    [Range(0, 10)]
    public int HttpRetries { get; set; } = 3;

    /// <summary>Back-off before the first http retry; doubled for each further retry. Default 500 ms; 0 to 1 day.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan HttpRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Cap on one http back-off, Retry-After included. Default 10 s; <see cref="HttpRetryDelay"/> to 1 day.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan HttpMaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Redirects followed per request; 0 disables redirects. Exceeded → <see cref="FailureReason.FetchFailed"/>. Default 5; 0 to 50.
    /// </summary>
    [Range(0, 50)]
    public int HttpMaxRedirects { get; set; } = 5;

    /// <summary>Sent on every http request; some image hosts refuse requests without one. Empty sends none. Default <c>Pipeline-ImageEmbedder/1.0</c>.</summary>
    public string HttpUserAgent { get; set; } = "Pipeline-ImageEmbedder/1.0";

    /// <summary>Cross-field rules, run by <see cref="FetchOptionsValidator"/> after the ranges.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HttpMaxRetryDelay < HttpRetryDelay)
        {
            yield return new ValidationResult(
                $"HttpMaxRetryDelay ({HttpMaxRetryDelay}) must be at least HttpRetryDelay ({HttpRetryDelay}).",
                [nameof(HttpMaxRetryDelay), nameof(HttpRetryDelay)]);
        }
    }
}
