using Microsoft.Extensions.Options;

namespace Pipeline.Common.Sources;

/// <summary>
/// Reads local regular files (<see cref="UnixFiles"/>: FIFOs, sockets, devices, directories and link loops are
/// refused without blocking); identity is <c>stat:size:mtime</c> taken from the open handle. The <see cref="UriPolicy"/>
/// is checked on the path before opening and, with allowed roots, on the opened file's real path (links resolved).
/// </summary>
public sealed class FileImageFetcher : IImageFetcher
{
    private readonly long _maxBytes;
    private readonly UriPolicy _policy;

    /// <summary>A fetcher for local files within <paramref name="policy"/> and the size limit of <paramref name="options"/>.</summary>
    public FileImageFetcher(IOptions<FetchOptions> options, UriPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(policy);
        var value = options.Value;
        FetchOptionsValidator.ThrowIfInvalid(value);
        _maxBytes = value.MaxBytes;
        _policy = policy;
    }

    /// <inheritdoc/>
    public async ValueTask<FetchedImage> FetchAsync(string uri, CancellationToken cancellationToken)
    {
        var image = _policy.Check(uri);
        if (image.LocalPath is not { } path)
        {
            throw new ImageFailureException(FailureReason.InvalidUri, $"{image} is not a local file");
        }

        // Never File.OpenHandle: it would block for ever in open(2) on a FIFO and tells nothing about a socket or a device.
        using var handle = UnixFiles.OpenRegular(path, image.ToString());
        if (_policy.RestrictsFileRoots)
        {
            _policy.CheckRealPath(image, RealPaths.OfHandle(handle) ?? RealPaths.Resolve(path));
        }
        // Stat the handle we read from, so identity and bytes describe the same file even if the path is replaced.
        var length = RandomAccess.GetLength(handle);
        var lastWrite = File.GetLastWriteTimeUtc(handle);
        if (length > _maxBytes)
        {
            throw BoundedStreamReader.TooLarge(image.ToString(), _maxBytes);
        }
        var buffer = ImageBuffers.Pool.Rent((int)length);
        try
        {
            var total = 0;
            while (total < length)
            {
                var read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(total, (int)length - total), total, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break; // truncated while we read; the next listing sees the new stat
                }
                total += read;
            }
            return FetchedImage.Pooled(image.Value, ContentIds.ForFileStat(length, lastWrite), buffer, total);
        }
        catch (IOException ex)
        {
            ImageBuffers.Pool.Return(buffer);
            // EIO and the like while reading one file: that file's problem.
            throw new ImageFailureException(FailureReason.FetchFailed, $"{image} could not be read: {ex.Message}", ex);
        }
        catch
        {
            ImageBuffers.Pool.Return(buffer);
            throw;
        }
    }
}
