namespace Pipeline.Common.Sources;

/// <summary>I/O seam: reads one image by URI (file, Azure Blob, http(s)).</summary>
/// <remarks>
/// Permanent per-image problems throw <see cref="ImageFailureException"/>; a positive outage of a shared
/// dependency (blob service down, throttling after retries) throws <see cref="ImageSourceUnavailableException"/>.
/// Callers treat any other exception as the image's failure, never as an outage.
/// </remarks>
public interface IImageFetcher
{
    /// <summary>Reads the image at <paramref name="uri"/> into memory.</summary>
    /// <exception cref="ImageFailureException">The image's own failure (not found, too large, refused ...): record it, go on.</exception>
    /// <exception cref="ImageSourceUnavailableException">An outage of the storage behind it: retry the message.</exception>
    ValueTask<FetchedImage> FetchAsync(string uri, CancellationToken cancellationToken);
}
