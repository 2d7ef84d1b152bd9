using Npgsql;
using Pipeline.Common.Storage;
using Pipeline.Scheduler.Serving.Pages;
using Pipeline.Scheduler.Status;

namespace Pipeline.Scheduler.Serving;

/// <summary>What the pages read: registered models, jobs with their progress, failures, stored rows. SELECT only.</summary>
internal sealed class ServingQueries(PipelineDataSource dataSource, JobStore jobs)
{
    // Counting a huge table for a page view costs seconds; above this the planner's estimate is shown.
    private const long ExactCountLimit = 1_000_000;

    public async Task<IReadOnlyList<RegisteredModel>> ModelsAsync(CancellationToken cancellationToken)
    {
        var models = new List<(ModelIdentity Identity, DateTimeOffset CreatedAt)>();
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(
            "SELECT id, weights_sha256, preprocessing, pooling, dims, column_type, created_at FROM models ORDER BY id", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var identity = new ModelIdentity(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                    VectorStorage.PrecisionOf(reader.GetString(5)));
                models.Add((identity, reader.GetFieldValue<DateTimeOffset>(6)));
            }
        }

        var result = new List<RegisteredModel>(models.Count);
        foreach (var (identity, createdAt) in models)
        {
            var (rows, hasIndex) = await TableStateAsync(connection, identity, cancellationToken).ConfigureAwait(false);
            result.Add(new RegisteredModel(identity, rows, hasIndex, createdAt));
        }

        return result;
    }

    public async Task<RegisteredModel?> ModelAsync(string modelId, CancellationToken cancellationToken) =>
        (await ModelsAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(m => m.Identity.ModelId == modelId);

    /// <summary>The newest jobs first, with the same accounting as <c>pipeline status</c> (<see cref="JobStore.ListAsync"/>).</summary>
    public async Task<IReadOnlyList<JobProgress>> JobsAsync(int limit, CancellationToken cancellationToken) =>
        [.. (await jobs.ListAsync(limit, cancellationToken).ConfigureAwait(false)).Select(j => JobProgress.From(j.Status, j.DoneAtEnqueue))];

    /// <summary>A job's failures grouped by reason (most frequent first), with up to <paramref name="perReason"/> examples each.</summary>
    public async Task<IReadOnlyList<FailureGroup>> FailuresAsync(Guid jobId, int perReason, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            """
            SELECT reason, total, uri, message, attempts, md5(uri) FROM (
                SELECT reason, uri, message, attempts,
                       count(*) OVER (PARTITION BY reason) AS total,
                       row_number() OVER (PARTITION BY reason ORDER BY uri) AS rank
                FROM failures WHERE job_id = $1
            ) f
            WHERE rank <= $2
            ORDER BY total DESC, reason, uri
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = perReason });
        var groups = new List<FailureGroup>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var reason = reader.GetString(0);
            if (groups.Count == 0 || groups[^1].Reason != reason)
            {
                groups.Add(new FailureGroup(reason, reader.GetInt64(1), new List<FailureSample>()));
            }

            ((List<FailureSample>)groups[^1].Samples).Add(
                new FailureSample(reader.GetString(2), reader.GetString(3), reader.GetInt32(4), reader.GetString(5)));
        }

        return groups;
    }

    /// <summary>The URI of a job's failure named by the md5 of its URI, or null.</summary>
    public async Task<string?> FailureUriAsync(Guid jobId, string key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT uri FROM failures WHERE job_id = $1 AND md5(uri) = $2 LIMIT 1", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>The URI stored in row <paramref name="id"/> of the model's table, or null.</summary>
    public async Task<string?> StoredUriAsync(ModelIdentity model, long id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT uri FROM {model.Table} WHERE id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>The most recently stored images (to pick a query from), newest first.</summary>
    public async Task<IReadOnlyList<SearchHit>> RecentAsync(ModelIdentity model, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT id, uri FROM {model.Table} ORDER BY id DESC LIMIT $1", connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var rows = new List<SearchHit>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new SearchHit(reader.GetInt64(0), reader.GetString(1), 0));
        }

        return rows;
    }

    /// <summary>The URIs of rows <paramref name="ids"/>.</summary>
    public async Task<IReadOnlyDictionary<long, string>> UrisAsync(ModelIdentity model, long[] ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT id, uri FROM {model.Table} WHERE id = ANY($1)", connection);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids });
        var uris = new Dictionary<long, string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            uris[reader.GetInt64(0)] = reader.GetString(1);
        }

        return uris;
    }

    private static async Task<(long Rows, bool HasIndex)> TableStateAsync(
        NpgsqlConnection connection, ModelIdentity model, CancellationToken cancellationToken)
    {
        long estimate;
        bool hasTable, hasIndex, readable;
        // A read-only role may be granted some models' tables only: the others are listed, not counted.
        await using (var command = new NpgsqlCommand(
            """
            SELECT to_regclass($1) IS NOT NULL, to_regclass($2) IS NOT NULL,
                   coalesce((SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass($1)), 0),
                   CASE WHEN to_regclass($1) IS NULL THEN false ELSE has_table_privilege(to_regclass($1), 'SELECT') END
            """,
            connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = model.Table });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = EmbeddingIndex.IndexName(model) });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            (hasTable, hasIndex, estimate, readable) = (reader.GetBoolean(0), reader.GetBoolean(1), reader.GetInt64(2), reader.GetBoolean(3));
        }

        if (!hasTable)
        {
            return (0, false);
        }

        if (!readable)
        {
            return (RegisteredModel.NotReadable, hasIndex);
        }

        if (estimate >= ExactCountLimit)
        {
            return (estimate, hasIndex);
        }

        await using var count = new NpgsqlCommand($"SELECT count(*) FROM {model.Table}", connection);
        return ((long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!, hasIndex);
    }
}
