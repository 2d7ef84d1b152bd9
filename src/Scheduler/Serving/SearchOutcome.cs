using Pipeline.Scheduler.Serving.Pages;

namespace Pipeline.Scheduler.Serving;

/// <summary>A search's neighbours, or why there are none.</summary>
/// <param name="Status">HTTP status for the API: 200, 400 (bad image), 404 (unknown model or image), 409 (model mismatch).</param>
/// <param name="QueryUri">The stored image searched from (null for an upload).</param>
/// <param name="QueryId">Its row id.</param>
internal sealed record SearchOutcome(int Status, IReadOnlyList<SearchHit> Hits, string? QueryUri, long? QueryId, string? Error)
{
    public static SearchOutcome Failed(int status, string error) => new(status, [], null, null, error);
}
