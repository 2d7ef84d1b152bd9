namespace Pipeline.Common.Sources;

/// <summary>Reads a whole body into one pooled buffer, failing as soon as it passes the byte limit.</summary>
internal static class BoundedStreamReader
{
    private const int UnknownLengthInitialCapacity = 64 * 1024;

    /// <param name="declaredLength">Content-Length if the source gave one; sizes the buffer, never trusted as the limit.</param>
    /// <param name="redactedUri">For the error message only.</param>
    /// <returns>The body in a buffer rented from <see cref="ImageBuffers"/> (see <see cref="FetchedImage.Pooled"/>).</returns>
    /// <exception cref="ImageFailureException">With <see cref="FailureReason.TooLarge"/>.</exception>
    public static async ValueTask<(byte[] Buffer, int Length)> ReadAsync(
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

        // The pool may hand out a longer array; `capacity` is the size this read may fill before it checks the limit.
        var capacity = (int)Math.Max(1, Math.Min(declaredLength ?? UnknownLengthInitialCapacity, maxBytes));
        var buffer = ImageBuffers.Pool.Rent(capacity);
        var probe = new byte[1];
        var length = 0;
        try
        {
            while (true)
            {
                if (length == capacity)
                {
                    // Full: probe one byte before growing, so an exact Content-Length costs no reallocation.
                    if (await source.ReadAsync(probe, cancellationToken).ConfigureAwait(false) == 0)
                    {
                        return (buffer, length);
                    }

                    if (length >= maxBytes)
                    {
                        throw TooLarge(redactedUri, maxBytes);
                    }

                    capacity = (int)Math.Min(2L * capacity, maxBytes);
                    var larger = ImageBuffers.Pool.Rent(capacity);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ImageBuffers.Pool.Return(buffer);
                    buffer = larger;
                    buffer[length++] = probe[0];
                    continue;
                }

                var read = await source.ReadAsync(buffer.AsMemory(length, capacity - length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return (buffer, length);
                }

                length += read;
            }
        }
        catch
        {
            ImageBuffers.Pool.Return(buffer);
            throw;
        }
    }

    public static ImageFailureException TooLarge(string redactedUri, long maxBytes) =>
        new(FailureReason.TooLarge, $"{redactedUri} is larger than the {maxBytes}-byte limit");
}
