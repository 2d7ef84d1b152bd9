namespace Pipeline.Common.Sources;

/// <summary>
/// Positively an outage of a shared dependency (blob service unreachable or throttling past its retries, the
/// worker out of file descriptors): no image's fault, so the message is tried again later. Fetchers throw it
/// only when they know; anything else they meet is the image's failure.
/// </summary>
public sealed class ImageSourceUnavailableException : Exception
{
    public ImageSourceUnavailableException() : this("image source unavailable") { }

    public ImageSourceUnavailableException(string message) : base(message) { }

    public ImageSourceUnavailableException(string message, Exception? innerException) : base(message, innerException) { }
}
