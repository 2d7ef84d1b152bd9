namespace Pipeline.Common.Sources;

/// <summary>I/O seam: reads one image by URI (file, Azure Blob, http(s)).</summary>
/// <remarks>
/// Permanent per-image problems throw <see cref="ImageFailureException"/>; anything else
/// (network down, throttling after retries) propagates as an outage.
/// </remarks>
public interface IImageFetcher
{
    ValueTask<FetchedImage> FetchAsync(string uri, CancellationToken cancellationToken);
}
