using System.Globalization;
using Npgsql;
using Pgvector;

namespace Pipeline.Common.Storage;

/// <summary>Top-k cosine nearest neighbours through plain SQL (uses the HNSW index when present).</summary>
public static class NeighbourSearch
{
    /// <summary>Candidates fetched by Hamming distance per wanted neighbour before the exact cosine re-rank.</summary>
    public const int RerankFactor = 10;

    /// <summary>pgvector caps <c>hnsw.ef_search</c>, and so the candidates one index scan returns, at 1,000.</summary>
    public const int MaxCandidates = 1000;

    private const int MinCandidates = 100;

    /// <summary>The <paramref name="top"/> nearest rows to <paramref name="query"/> (unit length, the model's width) by cosine distance, nearest first.</summary>
    public static async Task<IReadOnlyList<Neighbour>> SearchAsync(
        PipelineDataSource dataSource, ModelIdentity model, float[] query, int top, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var storage = model.Storage;
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var sql = storage.Index == VectorIndexKind.BinaryQuantized
                  && await PrepareRerankAsync(connection, transaction, model, top, cancellationToken).ConfigureAwait(false) is { } candidates
            ? RerankSql(model, candidates)
            : $"SELECT uri, embedding <=> $1 AS distance FROM {model.Table} ORDER BY embedding <=> $1 LIMIT $2";
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(storage.IsHalf
            ? new NpgsqlParameter<HalfVector> { TypedValue = new HalfVector(query.Select(v => (Half)v).ToArray()) }
            : new NpgsqlParameter<Vector> { TypedValue = new Vector(query) });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = top });

        var result = new List<Neighbour>(top);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(new Neighbour(reader.GetString(0), reader.GetDouble(1)));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>How many Hamming candidates a search for <paramref name="top"/> neighbours re-ranks.</summary>
    public static int CandidatesFor(int top) =>
        Math.Max(top, Math.Clamp(Math.Min(top, MaxCandidates) * RerankFactor, MinCandidates, MaxCandidates));

    // Candidates come from the binary-quantized index, so they are the only rows re-ranked; ef_search must
    // allow that many or the index scan stops early. Null (exact scan) until the index exists.
    private static async Task<int?> PrepareRerankAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ModelIdentity model, int top, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT to_regclass($1) IS NOT NULL, set_config('hnsw.ef_search', $2, true)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = EmbeddingIndex.IndexName(model) });
        var candidates = CandidatesFor(top);
        command.Parameters.Add(new NpgsqlParameter<string>
        {
            TypedValue = Math.Min(candidates, MaxCandidates).ToString(CultureInfo.InvariantCulture),
        });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && reader.GetBoolean(0) ? candidates : null;
    }

    private static string RerankSql(ModelIdentity model, int candidates) =>
        $"""
        SELECT uri, distance FROM (
            SELECT uri, embedding <=> $1 AS distance FROM {model.Table}
            ORDER BY {EmbeddingIndex.BinaryQuantized(model.Storage)} <~> binary_quantize($1)
            LIMIT {candidates.ToString(CultureInfo.InvariantCulture)}
        ) AS candidates
        ORDER BY distance LIMIT $2
        """;
}
