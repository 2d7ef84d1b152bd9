using Microsoft.Extensions.Logging;

namespace Pipeline.Common.Sources;

/// <summary>Source-generated log messages; URIs passed here are already redacted.</summary>
internal static partial class SourcesLog
{
    [LoggerMessage(EventId = EventIds.Sources.RetryingHttpFetch,
        Level = LogLevel.Debug,
        Message = "Retrying {Uri} in {Delay} after {Problem} (attempt {Attempt} of {MaxAttempts})")]
    public static partial void RetryingHttpFetch(ILogger logger, string uri, TimeSpan delay, string problem, int attempt, int maxAttempts);

    [LoggerMessage(EventId = EventIds.Sources.NonUtf8NamesSkipped,
        Level = LogLevel.Warning,
        Message = "Skipped {Count} entries of {Folder} whose names are not UTF-8: .NET cannot name them (rename them to UTF-8, e.g. with convmv, to index them)")]
    public static partial void NonUtf8NamesSkipped(ILogger logger, int count, string folder);
}
