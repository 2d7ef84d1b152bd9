using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Pipeline.Common;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;

namespace Pipeline.Scheduler.Serving;

/// <summary>Searches of the page and the API: from a stored image (its stored vector, any registered model) or from uploaded bytes.</summary>
internal sealed class SearchService(PipelineDataSource dataSource, VectorSearch search, UploadEmbedder embedder, ServingMetrics metrics)
{
    /// <summary>The registered identity of <paramref name="modelId"/>, or null (also for ids that cannot name a table).</summary>
    public async Task<ModelIdentity?> ModelAsync(string? modelId, CancellationToken cancellationToken)
    {
        return !ModelIdentity.IsValidId(modelId)
            ? null
            : await ModelRegistry.FindAsync(dataSource, modelId!, cancellationToken).ConfigureAwait(false);
    }

    public async Task<SearchOutcome> FromStoredAsync(string? modelId, long? id, string? uri, int k, int efSearch, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (await ModelAsync(modelId, cancellationToken).ConfigureAwait(false) is not { } model)
        {
            return SearchOutcome.Failed(StatusCodes.Status404NotFound, $"no registered model '{modelId}'");
        }

        if (await search.StoredAsync(model, id, uri, cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return SearchOutcome.Failed(StatusCodes.Status404NotFound,
                $"no image {(id is null ? "'" + ImageUri.Redact(uri ?? string.Empty) + "'" : "#" + id)} stored for model '{modelId}'");
        }

        var hits = await search.NearestAsync(model, stored.Vector, k, efSearch, cancellationToken).ConfigureAwait(false);
        metrics.Search("stored", clock.Elapsed);
        return new SearchOutcome(StatusCodes.Status200OK, hits, stored.Uri, stored.Id, null);
    }

    public async Task<SearchOutcome> FromUploadAsync(string? modelId, ReadOnlyMemory<byte> image, int k, int efSearch, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (await ModelAsync(modelId ?? embedder.ModelId, cancellationToken).ConfigureAwait(false) is not { } model)
        {
            return SearchOutcome.Failed(StatusCodes.Status404NotFound, $"no registered model '{modelId ?? embedder.ModelId}'");
        }

        float[] query;
        try
        {
            query = await embedder.EmbedAsync(image, model, cancellationToken).ConfigureAwait(false);
        }
        catch (ImageFailureException ex)
        {
            return SearchOutcome.Failed(StatusCodes.Status400BadRequest, $"the uploaded file is not usable: {ex.Reason}: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            return SearchOutcome.Failed(StatusCodes.Status409Conflict, ex.Message);
        }

        var hits = await search.NearestAsync(model, query, k, efSearch, cancellationToken).ConfigureAwait(false);
        metrics.Search("upload", clock.Elapsed);
        return new SearchOutcome(StatusCodes.Status200OK, hits, null, null, null);
    }
}
