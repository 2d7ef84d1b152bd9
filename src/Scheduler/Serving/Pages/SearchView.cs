namespace Pipeline.Scheduler.Serving.Pages;

/// <summary>What the search page shows: the form's values, the query, and its neighbours (or images to pick from).</summary>
/// <param name="UploadModel">The model uploads are embedded with (this server's <c>PIPELINE_Model__Id</c>).</param>
/// <param name="QueryLabel">The query as text: an uploaded file's name or a stored URI (redacted when shown).</param>
/// <param name="QueryImage">Source of the query's picture: a thumbnail link, or a data: URI for an upload.</param>
/// <param name="Recent">Stored images to start from when there is no query yet.</param>
internal sealed record SearchView(
    IReadOnlyList<string> Models,
    string? Model,
    string UploadModel,
    int K,
    int EfSearch,
    string? QueryLabel,
    string? QueryImage,
    IReadOnlyList<SearchHit> Hits,
    IReadOnlyList<SearchHit> Recent,
    string? Error);
