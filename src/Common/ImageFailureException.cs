namespace Pipeline.Common;

/// <summary>A permanent problem with one image: recorded as data, never fatal to the batch.</summary>
public sealed class ImageFailureException : Exception
{
    public ImageFailureException(FailureReason reason, string message, Exception? innerException = null)
        : base(message, innerException) => Reason = reason;

    public ImageFailureException() : this(FailureReason.FetchFailed, "image failed") { }

    public ImageFailureException(string message) : this(FailureReason.FetchFailed, message) { }

    public ImageFailureException(string message, Exception innerException)
        : this(FailureReason.FetchFailed, message, innerException) { }

    public FailureReason Reason { get; }
}
