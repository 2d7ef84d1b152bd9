using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Pipeline.Common.Storage;

namespace Pipeline.Scheduler.Duplicates;

/// <summary>
/// Near-duplicate groups of one model's images: each row's nearest neighbours through the HNSW index (a LATERAL
/// top-k per row, in chunks of <see cref="DuplicateQuery.ChunkRows"/>), pairs within the distance joined by union-find.
/// Read-only; memory grows with the pairs found, not with the table.
/// </summary>
internal sealed class DuplicateFinder(PipelineDataSource dataSource)
{
    /// <param name="progress">Rows searched so far and in all.</param>
    public async Task<DuplicateReport> FindAsync(
        ModelIdentity model, DuplicateQuery query, IProgress<(long Done, long Total)>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.MaxDistance);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Neighbours, 1);
        var clock = Stopwatch.StartNew();
        var sets = new UnionFind();
        var edgeMax = new Dictionary<(long, long), double>();
        long rows = 0, pairs = 0;

        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var total = await CountAsync(connection, transaction, model, query, cancellationToken).ConfigureAwait(false);
        var candidates = model.Storage.Index == VectorIndexKind.BinaryQuantized
            ? NeighbourSearch.CandidatesFor(query.Neighbours)
            : query.Neighbours + 1;
        await using (var set = new NpgsqlCommand("SELECT set_config('hnsw.ef_search', $1, true)", connection, transaction))
        {
            set.Parameters.Add(new NpgsqlParameter<string>
            {
                TypedValue = Math.Clamp(Math.Max(40, candidates), 1, NeighbourSearch.MaxCandidates).ToString(CultureInfo.InvariantCulture),
            });
            await set.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var sql = ChunkSql(model, query, candidates);
        var last = long.MinValue;
        while (true)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = last });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = DuplicateQuery.ChunkRows });
            command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = query.MaxDistance });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Neighbours });
            if (query.JobId is { } job)
            {
                command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = job });
            }

            var seen = new HashSet<long>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var a = reader.GetInt64(0);
                    seen.Add(a);
                    last = Math.Max(last, a);
                    if (reader.IsDBNull(1))
                    {
                        continue;
                    }

                    var b = reader.GetInt64(1);
                    var key = a < b ? (a, b) : (b, a);
                    if (edgeMax.TryAdd(key, reader.GetDouble(2)))
                    {
                        pairs++;
                        sets.Union(a, b);
                    }
                }
            }

            if (seen.Count == 0)
            {
                break;
            }

            rows += seen.Count;
            progress?.Report((rows, total));
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        var groups = await GroupsAsync(connection, model, sets, edgeMax, cancellationToken).ConfigureAwait(false);
        return new DuplicateReport(model.ModelId, query, rows, pairs, groups, clock.Elapsed);
    }

    // One chunk of starting rows (ids after $1), each with its neighbours within $3 (or one row of nulls).
    // The inner ORDER BY is the index's own expression, so each top-k is an HNSW scan; wide (binary-quantized)
    // models take Hamming candidates and keep the exact cosine distance.
    private static string ChunkSql(ModelIdentity model, DuplicateQuery query, int candidates)
    {
        var order = model.Storage.Index == VectorIndexKind.BinaryQuantized
            ? $"{EmbeddingIndex.BinaryQuantized(model.Storage)} <~> binary_quantize(a.embedding)"
            : "embedding <=> a.embedding";
        var jobFilter = query.JobId is null ? string.Empty : "AND job_id = $5";
        return $"""
            WITH a AS MATERIALIZED (
                SELECT id, embedding FROM {model.Table} WHERE id > $1 {jobFilter}
                ORDER BY id LIMIT $2
            )
            SELECT a.id, n.id, n.distance FROM a
            LEFT JOIN LATERAL (
                SELECT id, distance FROM (
                    SELECT id, embedding <=> a.embedding AS distance FROM {model.Table}
                    ORDER BY {order} LIMIT {candidates.ToString(CultureInfo.InvariantCulture)}
                ) c WHERE c.id <> a.id ORDER BY c.distance LIMIT $4
            ) n ON n.distance <= $3
            """;
    }

    private static async Task<long> CountAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ModelIdentity model, DuplicateQuery query, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT count(*) FROM {model.Table} WHERE $1::uuid IS NULL OR job_id = $1", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = query.JobId });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static async Task<IReadOnlyList<DuplicateGroup>> GroupsAsync(
        NpgsqlConnection connection, ModelIdentity model, UnionFind sets, Dictionary<(long, long), double> edgeMax, CancellationToken cancellationToken)
    {
        var members = sets.Sets().Values.OrderByDescending(m => m.Count).ThenBy(m => m[0]).ToList();
        var uris = new Dictionary<long, string>();
        foreach (var chunk in members.SelectMany(m => m).Chunk(10_000))
        {
            await using var command = new NpgsqlCommand($"SELECT id, uri FROM {model.Table} WHERE id = ANY($1)", connection);
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = chunk });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                uris[reader.GetInt64(0)] = reader.GetString(1);
            }
        }

        var rootMax = new Dictionary<long, double>();
        foreach (var ((a, _), distance) in edgeMax)
        {
            var root = sets.Find(a);
            rootMax[root] = Math.Max(rootMax.GetValueOrDefault(root), distance);
        }

        return [.. members.Select((ids, i) => new DuplicateGroup(
            i + 1,
            [.. ids.Where(uris.ContainsKey).Select(id => new DuplicateMember(id, uris[id]))],
            rootMax.GetValueOrDefault(sets.Find(ids[0]))))];
    }
}
