namespace Pipeline.Common.Sources;

/// <summary>
/// Positively an outage of a shared dependency (blob service unreachable or throttling past its retries, the
/// worker out of file descriptors): no image's fault, so the message is tried again later. Fetchers throw it
/// only when they know; anything else they meet is the image's failure.
/// </summary>
public sealed class ImageSourceUnavailableException : Exception
{
    /// <summary>The source is unavailable, reason unknown.</summary>
    public ImageSourceUnavailableException() : this("image source unavailable") { }

    /// <summary>The source is unavailable, as <paramref name="message"/> says.</summary>
    public ImageSourceUnavailableException(string message) : base(message) { }

    /// <summary>The source is unavailable because of <paramref name="innerException"/>.</summary>
    public ImageSourceUnavailableException(string message, Exception? innerException) : base(message, innerException) { }
}
