namespace Pipeline.Common.Sources;

/// <summary>I/O seam: reads one image by URI (file, Azure Blob, http(s)).</summary>
/// <remarks>
/// Permanent per-image problems throw <see cref="ImageFailureException"/>; a positive outage of a shared
/// dependency (blob service down, throttling after retries) throws <see cref="ImageSourceUnavailableException"/>.
/// Callers treat any other exception as the image's failure, never as an outage.
/// </remarks>
public interface IImageFetcher
{
    ValueTask<FetchedImage> FetchAsync(string uri, CancellationToken cancellationToken);
}
