namespace Pipeline.Common;

/// <summary>A permanent problem with one image: recorded as data, never fatal to the batch.</summary>
public sealed class ImageFailureException : Exception
{
    /// <summary>The image failed for <paramref name="reason"/>; <paramref name="message"/> is stored in <c>failures.message</c>.</summary>
    public ImageFailureException(FailureReason reason, string message, Exception? innerException = null)
        : base(message, innerException) => Reason = reason;

    /// <summary>A <see cref="FailureReason.FetchFailed"/> failure with a generic message.</summary>
    public ImageFailureException() : this(FailureReason.FetchFailed, "image failed") { }

    /// <summary>A <see cref="FailureReason.FetchFailed"/> failure.</summary>
    public ImageFailureException(string message) : this(FailureReason.FetchFailed, message) { }

    /// <summary>A <see cref="FailureReason.FetchFailed"/> failure caused by <paramref name="innerException"/>.</summary>
    public ImageFailureException(string message, Exception innerException)
        : this(FailureReason.FetchFailed, message, innerException) { }

    /// <summary>Why the image failed (<c>failures.reason</c>).</summary>
    public FailureReason Reason { get; }
}
