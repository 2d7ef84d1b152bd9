namespace Pipeline.Common.Sources;

/// <summary>The bytes of one image and the content identity observed while fetching them.</summary>
/// <remarks>A class, not a record: a copy made by <c>with</c> would share the pooled buffer and could hand it back twice.</remarks>
public sealed class FetchedImage(string uri, string contentId, ReadOnlyMemory<byte> data)
{
    private byte[]? _pooled;

    /// <summary>The image's URI, the key of its rows.</summary>
    public string Uri { get; } = uri;

    /// <summary>Content identity (blob ETag, file size + mtime, http ETag or content sha256) for incremental runs.</summary>
    public string ContentId { get; } = contentId;

    /// <summary>The image bytes; not to be read after <see cref="Release"/>.</summary>
    public ReadOnlyMemory<byte> Data { get; } = data;

    /// <summary>Bytes in a buffer rented from <see cref="ImageBuffers"/>; <see cref="Release"/> hands it back.</summary>
    internal static FetchedImage Pooled(string uri, string contentId, byte[] buffer, int length) =>
        new(uri, contentId, buffer.AsMemory(0, length)) { _pooled = buffer };

    /// <summary>
    /// Returns the bytes' buffer for reuse once nothing reads <see cref="Data"/> any more (the worker: after decoding).
    /// Optional: an unreleased image is collected as usual. Calling it twice is harmless.
    /// </summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _pooled, null) is { } buffer)
        {
            ImageBuffers.Pool.Return(buffer);
        }
    }
}
