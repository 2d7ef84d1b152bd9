namespace Pipeline.Common.Sources;

/// <summary>Reads a whole body into one array, failing as soon as it passes the byte limit.</summary>
internal static class BoundedStreamReader
{
    private const int UnknownLengthInitialCapacity = 64 * 1024;

    /// <param name="declaredLength">Content-Length if the source gave one; sizes the buffer, never trusted as the limit.</param>
    /// <param name="redactedUri">For the error message only.</param>
    /// <exception cref="ImageFailureException">With <see cref="FailureReason.TooLarge"/>.</exception>
    public static async ValueTask<ReadOnlyMemory<byte>> ReadAsync(
        Stream source,
        long? declaredLength,
        long maxBytes,
        string redactedUri,
        CancellationToken cancellationToken)
    {
        if (declaredLength > maxBytes)
        {
            throw TooLarge(redactedUri, maxBytes);
        }
        var buffer = new byte[Math.Max(1, Math.Min(declaredLength ?? UnknownLengthInitialCapacity, maxBytes))];
        var probe = new byte[1];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                // Full: probe one byte before growing, so an exact Content-Length costs no reallocation.
                if (await source.ReadAsync(probe, cancellationToken).ConfigureAwait(false) == 0)
                {
                    return buffer;
                }
                if (length >= maxBytes)
                {
                    throw TooLarge(redactedUri, maxBytes);
                }
                Array.Resize(ref buffer, (int)Math.Min(2L * buffer.Length, maxBytes));
                buffer[length++] = probe[0];
                continue;
            }
            var read = await source.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.AsMemory(0, length);
            }
            length += read;
        }
    }

    public static ImageFailureException TooLarge(string redactedUri, long maxBytes) =>
        new(FailureReason.TooLarge, $"{redactedUri} is larger than the {maxBytes}-byte limit");
}
