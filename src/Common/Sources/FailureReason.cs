namespace Pipeline.Common.Sources;

/// <summary>Why one image could not be embedded; stored in the failures table as text.</summary>
public enum FailureReason
{
    /// <summary>The URI is malformed or its scheme is not supported.</summary>
    InvalidUri,
    /// <summary>The URI is refused by policy (scheme, host, root).</summary>
    Refused,
    /// <summary>File, blob or http resource does not exist (404).</summary>
    NotFound,
    /// <summary>Over the byte or pixel limit.</summary>
    TooLarge,
    /// <summary>The bytes are not a decodable image.</summary>
    Undecodable,
    /// <summary>The source answered with a non-retryable error (e.g. http 403, 500 after retries).</summary>
    FetchFailed,
    /// <summary>The source did not answer in time.</summary>
    Timeout,
}
