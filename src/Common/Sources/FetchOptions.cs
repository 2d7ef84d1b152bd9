namespace Pipeline.Common.Sources;

/// <summary>Limits and retry policy for reading images (configuration section <c>Fetch</c>).</summary>
public sealed class FetchOptions
{
    public const string SectionName = "Fetch";

    /// <summary>Largest image accepted, in bytes; bigger ones fail as <see cref="FailureReason.TooLarge"/>.</summary>
    public long MaxBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Per http attempt, headers and body together; exceeded → <see cref="FailureReason.Timeout"/>.</summary>
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first http attempt for 5xx, 408, 429 and dropped connections.</summary>
    public int HttpRetries { get; set; } = 3;

    /// <summary>Back-off before the first http retry; doubled for each further retry.</summary>
    public TimeSpan HttpRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Cap on one http back-off, Retry-After included.</summary>
    public TimeSpan HttpMaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Redirects followed per request; 0 disables redirects. Exceeded → <see cref="FailureReason.FetchFailed"/>.</summary>
    public int HttpMaxRedirects { get; set; } = 5;

    /// <summary>Sent on every http request; some image hosts refuse requests without one. Empty sends none.</summary>
    public string HttpUserAgent { get; set; } = "Pipeline-ImageEmbedder/1.0";
}
