using Pipeline.Common;

namespace Pipeline.Worker.Observability;

/// <summary>Source-generated log messages of the metrics and health listener.</summary>
internal static partial class ObservabilityLog
{
    [LoggerMessage(EventIds.Observability.Listening, LogLevel.Information, "Metrics and health listening on {Prefix} (/metrics, /healthz, /readyz)")]
    public static partial void Listening(ILogger logger, string prefix);
}
