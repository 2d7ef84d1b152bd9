using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Pipeline.Scheduler.Serving;

/// <summary>k and <c>hnsw.ef_search</c> from a query string or form, clamped to what the server allows.</summary>
internal readonly record struct SearchParameters(int K, int EfSearch)
{
    public const int DefaultK = 12;

    /// <summary>pgvector's default <c>hnsw.ef_search</c>.</summary>
    public const int DefaultEfSearch = 40;

    public static SearchParameters From(Func<string, string?> read, ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(options);
        var k = Math.Clamp(Int(read("k")) ?? DefaultK, 1, options.MaxK);
        var ef = Math.Clamp(Int(read("ef_search")) ?? DefaultEfSearch, VectorSearch.MinEfSearch, VectorSearch.MaxEfSearch);
        // The index scan returns at most ef_search rows: a k above it would silently get fewer neighbours.
        return new SearchParameters(k, Math.Max(ef, Math.Min(k, VectorSearch.MaxEfSearch)));
    }

    public static SearchParameters From(IQueryCollection query, ServeOptions options) =>
        From(name => query.TryGetValue(name, out var v) ? v.ToString() : null, options);

    private static int? Int(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
