namespace Pipeline.Common.Storage;

/// <summary>One image that could not be embedded, recorded as data.</summary>
public sealed record FailedImage(string Uri, FailureReason Reason, string Message);
