namespace Pipeline.Common.Sources;

/// <summary>
/// One http attempt met a problem worth another try (5xx, 408, 429, a dropped connection): the <c>http-fetch</c>
/// retry pipeline handles it; after the last attempt it becomes a <see cref="FailureReason.FetchFailed"/> failure.
/// </summary>
internal sealed class RetryableFetchException(ImageUri image, string problem, string? detail, TimeSpan? retryAfter, Exception? inner)
    : Exception($"{image} {problem}", inner)
{
    public ImageUri Image { get; } = image;

    /// <summary>Short text for the retry log, e.g. <c>answered HTTP 503</c> or <c>ConnectionError</c>.</summary>
    public string Problem { get; } = detail ?? problem;

    /// <summary>The server's Retry-After, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>E.g. <c>… answered HTTP 503 on all 4 attempts</c>, <c>… failed on all 4 attempts: ConnectionError</c>.</summary>
    public string FinalMessage(ImageUri uri, int attempts) =>
        $"{uri} {problem} on all {attempts} attempts" + (detail is null ? string.Empty : ": " + detail);
}
