namespace Pipeline.Common.Sources;

/// <summary>Where the manifest columns are in a CSV header row (names case-insensitive); -1 when absent.</summary>
internal sealed record CsvColumns(int Count, int Uri, int ContentId, int ETag, int Sha256)
{
    /// <returns>Null when the header has no <c>uri</c> column.</returns>
    public static CsvColumns? FromHeader(IReadOnlyList<string> header)
    {
        var names = header.Select(name => name.Trim().ToUpperInvariant()).ToList();
        var uri = names.IndexOf("URI");
        return uri < 0 ? null : new CsvColumns(names.Count, uri, names.IndexOf("CONTENT_ID"), names.IndexOf("ETAG"), names.IndexOf("SHA256"));
    }

    public static string? Field(IReadOnlyList<string> fields, int column) => column < 0 ? null : fields[column];
}
