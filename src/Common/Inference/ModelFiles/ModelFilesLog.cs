using Microsoft.Extensions.Logging;

namespace Pipeline.Common.Inference.ModelFiles;

/// <summary>Source-generated log messages of the model file cache; URLs are logged without their query (SAS).</summary>
internal static partial class ModelFilesLog
{
    [LoggerMessage(EventIds.Inference.CacheHit, LogLevel.Information, "Model {Url} is cached at {Path}")]
    public static partial void CacheHit(ILogger logger, string url, string path);

    [LoggerMessage(EventIds.Inference.Downloading, LogLevel.Information, "Downloading model {Url} to {Path}")]
    public static partial void Downloading(ILogger logger, string url, string path);

    [LoggerMessage(EventIds.Inference.Downloaded, LogLevel.Information, "Downloaded model {Url}: {Bytes} bytes, sha256 {Sha256}")]
    public static partial void Downloaded(ILogger logger, string url, long bytes, string sha256);

    [LoggerMessage(EventIds.Inference.CacheCorrupt, LogLevel.Warning, "Cached model {Path} has sha256 {Actual}, expected {Expected}: downloading again")]
    public static partial void CacheCorrupt(ILogger logger, string path, string actual, string expected);
}
