namespace Pipeline.Common.Sources;

/// <summary>The fetcher workers use: parses the URI once and hands it to the file, blob or http fetcher.</summary>
public sealed class ImageFetcher : IImageFetcher
{
    private readonly IImageFetcher _files;
    private readonly IImageFetcher _blobs;
    private readonly IImageFetcher _http;
    private readonly BlobEndpoints _blobEndpoints;

    /// <param name="blobEndpoints">Must be the endpoints <paramref name="blobs"/> serves (<see cref="BlobImageFetcher.Endpoints"/>).</param>
    public ImageFetcher(IImageFetcher files, IImageFetcher blobs, IImageFetcher http, BlobEndpoints blobEndpoints)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(blobEndpoints);
        _files = files;
        _blobs = blobs;
        _http = http;
        _blobEndpoints = blobEndpoints;
    }

    public async ValueTask<FetchedImage> FetchAsync(string uri, CancellationToken cancellationToken)
    {
        var image = ImageUri.Parse(uri, _blobEndpoints);
        var fetcher = image.Kind switch
        {
            ImageUriKind.File => _files,
            ImageUriKind.Blob => _blobs,
            _ => _http,
        };
        return await fetcher.FetchAsync(image.Value, cancellationToken).ConfigureAwait(false);
    }
}
