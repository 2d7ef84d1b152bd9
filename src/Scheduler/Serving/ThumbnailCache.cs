using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Pipeline.Common;
using Pipeline.Common.Sources;

namespace Pipeline.Scheduler.Serving;

/// <summary>
/// Thumbnails of stored or failed images, fetched through the worker's fetchers (so the same URI policy: no private
/// addresses, allowed roots and hosts), resized server-side and kept in a size-bounded memory cache.
/// </summary>
internal sealed class ThumbnailCache(IImageFetcher fetcher, IOptions<ServeOptions> options, ServingMetrics metrics) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = options.Value.ThumbnailCacheBytes });
    private readonly SemaphoreSlim _fetches = new(options.Value.ThumbnailConcurrency);

    /// <summary>The thumbnail of <paramref name="uri"/>, cached under <paramref name="key"/>; a bad image gives its problem, not an exception.</summary>
    public async Task<Thumbnail> GetAsync(string key, string uri, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(key, out Thumbnail? cached) && cached is not null)
        {
            metrics.Thumbnail("hit");
            return cached;
        }

        await _fetches.WaitAsync(cancellationToken).ConfigureAwait(false);
        Thumbnail made;
        try
        {
            var image = await fetcher.FetchAsync(uri, cancellationToken).ConfigureAwait(false);
            try
            {
                made = new Thumbnail(ThumbnailRenderer.Render(image.Data.Span, options.Value.ThumbnailSize), null);
            }
            finally
            {
                image.Release();
            }

            metrics.Thumbnail("miss");
        }
        catch (ImageFailureException ex)
        {
            // Unreadable is the answer for this image (as the worker would record it), cached like a picture.
            made = new Thumbnail([], $"{ex.Reason}: {ex.Message}");
            metrics.Thumbnail("error");
        }
        finally
        {
            _fetches.Release();
        }

        _cache.Set(key, made, new MemoryCacheEntryOptions { Size = Math.Max(256, made.Jpeg.Length) });
        return made;
    }

    public void Dispose()
    {
        _cache.Dispose();
        _fetches.Dispose();
    }
}
