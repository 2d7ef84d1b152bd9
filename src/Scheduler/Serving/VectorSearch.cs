using System.Globalization;
using Npgsql;
using Pgvector;
using Pipeline.Common.Storage;
using Pipeline.Scheduler.Serving.Pages;

namespace Pipeline.Scheduler.Serving;

/// <summary>
/// Cosine top-k over one model's table with a chosen <c>hnsw.ef_search</c> (pgvector's recall/speed knob, 1 to 1,000), and
/// the stored vector of an indexed image. Read-only SQL: a role with SELECT on the tables is enough.
/// </summary>
internal sealed class VectorSearch(PipelineDataSource dataSource)
{
    /// <summary>pgvector's bounds for <c>hnsw.ef_search</c>.</summary>
    public const int MinEfSearch = 1;

    public const int MaxEfSearch = 1000;

    /// <summary>The stored vector of row <paramref name="id"/>, or of <paramref name="uri"/> when no id is given; null when absent.</summary>
    public async Task<(long Id, string Uri, float[] Vector)?> StoredAsync(
        ModelIdentity model, long? id, string? uri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        // real[] works for vector and halfvec alike (pgvector casts both).
        await using var command = new NpgsqlCommand(
            id is null
                ? $"SELECT id, uri, embedding::real[] FROM {model.Table} WHERE uri = $1"
                : $"SELECT id, uri, embedding::real[] FROM {model.Table} WHERE id = $1",
            connection);
        command.Parameters.Add(id is { } rowId
            ? new NpgsqlParameter<long> { TypedValue = rowId }
            : new NpgsqlParameter<string> { TypedValue = uri ?? string.Empty });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? (reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<float[]>(2))
            : null;
    }

    /// <summary>The <paramref name="k"/> stored images nearest to <paramref name="query"/> (unit length, the model's width), nearest first.</summary>
    public async Task<IReadOnlyList<SearchHit>> NearestAsync(
        ModelIdentity model, float[] query, int k, int efSearch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(efSearch, MinEfSearch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(efSearch, MaxEfSearch);
        if (model.Storage.Index == VectorIndexKind.BinaryQuantized)
        {
            // Wide vectors: Hamming candidates through the bit index, exact re-rank; NeighbourSearch sizes ef_search itself.
            var found = await NeighbourSearch.SearchAsync(dataSource, model, query, k, cancellationToken).ConfigureAwait(false);
            return await WithIdsAsync(model, found, cancellationToken).ConfigureAwait(false);
        }

        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var set = new NpgsqlCommand("SELECT set_config('hnsw.ef_search', $1, true)", connection, transaction))
        {
            set.Parameters.Add(new NpgsqlParameter<string> { TypedValue = efSearch.ToString(CultureInfo.InvariantCulture) });
            await set.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var command = new NpgsqlCommand(
            $"SELECT id, uri, embedding <=> $1 FROM {model.Table} ORDER BY embedding <=> $1 LIMIT $2", connection, transaction);
        command.Parameters.Add(QueryParameter(model, query));
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = k });
        var hits = new List<SearchHit>(k);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                hits.Add(new SearchHit(reader.GetInt64(0), reader.GetString(1), reader.GetDouble(2)));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return hits;
    }

    /// <summary>A query vector as the column's type (<c>vector</c> or <c>halfvec</c>).</summary>
    public static NpgsqlParameter QueryParameter(ModelIdentity model, float[] query)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(query);
        return model.Storage.IsHalf
            ? new NpgsqlParameter<HalfVector> { TypedValue = new HalfVector(query.Select(v => (Half)v).ToArray()) }
            : new NpgsqlParameter<Vector> { TypedValue = new Vector(query) };
    }

    private async Task<IReadOnlyList<SearchHit>> WithIdsAsync(
        ModelIdentity model, IReadOnlyList<Neighbour> found, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT uri, id FROM {model.Table} WHERE uri = ANY($1)", connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. found.Select(n => n.Uri)] });
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        return [.. found.Where(n => ids.ContainsKey(n.Uri)).Select(n => new SearchHit(ids[n.Uri], n.Uri, n.Distance))];
    }
}
