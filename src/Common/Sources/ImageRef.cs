namespace Pipeline.Common.Sources;

/// <summary>One image to embed: its URI and, when the listing already knows it, its content identity.</summary>
/// <param name="Uri">Normalised URI: <c>file:///abs/path</c>, an Azure Blob URL, or <c>http(s)://</c>.</param>
/// <param name="ContentId">
/// Blob ETag (<c>etag:…</c>), file size + mtime (<c>stat:size:ticks</c>) or content hash (<c>sha256:…</c>);
/// null when only fetching the content can tell.
/// </param>
public sealed record ImageRef(string Uri, string? ContentId);
