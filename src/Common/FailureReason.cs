namespace Pipeline.Common;

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
    /// <summary>The local path is no regular file: a directory, FIFO, socket, device, or a symbolic link loop. Never opened.</summary>
    NotAFile,
    /// <summary>The local file or one of its folders cannot be read by the worker's user.</summary>
    PermissionDenied,
    /// <summary>The database refused to store the image's row (a data error such as a NUL byte in its text); the rest of its batch is stored.</summary>
    Unstorable,
    /// <summary>Its message was dead-lettered (attempts or deliveries exhausted) before the image was done; the message holds the last error.</summary>
    DeadLettered,
    /// <summary>An error nobody classified, met while fetching or decoding this image; the message names it.</summary>
    Unexpected,
}
