using Npgsql;

namespace Pipeline.Common.Storage;

/// <summary>
/// The HNSW index of a model's table: cosine on the column, or Hamming on its binary quantization for widths
/// HNSW cannot index directly (see <see cref="VectorStorage"/>). Built when the model's first job completes, so a
/// bulk load pays one fast build instead of per-row graph inserts; afterwards maintained online by Postgres.
/// </summary>
/// <remarks>
/// The build never blocks writers and is never silently lost:
/// <list type="bullet">
/// <item><c>CREATE INDEX CONCURRENTLY</c>, outside any transaction: commits of every worker go on during the build
/// (a plain <c>CREATE INDEX</c> holds a SHARE lock on the table for the whole build);</item>
/// <item>one builder at a time, under a session advisory lock on the index name;</item>
/// <item>a cancelled build (SIGTERM, scale-to-zero, lost connection) leaves an INVALID index, which the next build
/// finds, drops and builds again (workers check at start-up; <c>pipeline index</c> does it on demand).</item>
/// </list>
/// </remarks>
public static class EmbeddingIndex
{
    /// <summary>Builds the index unless a valid one exists, or rebuilds it (<paramref name="rebuild"/>).</summary>
    /// <param name="waitForLock">Wait for another builder to finish (then check again) instead of returning <see cref="IndexBuildOutcome.BuildingElsewhere"/>.</param>
    /// <param name="progress">Readings of <c>pg_stat_progress_create_index</c> every <see cref="IndexOptions.ProgressInterval"/>.</param>
    /// <exception cref="NpgsqlException">The database failed; a build cancelled midway leaves an INVALID index for the next one.</exception>
    public static async Task<IndexBuildOutcome> EnsureAsync(
        PipelineDataSource dataSource,
        string modelId,
        IndexOptions options,
        bool rebuild,
        bool waitForLock,
        IProgress<IndexProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        var model = await ModelRegistry.FindAsync(dataSource, modelId, cancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return IndexBuildOutcome.UnknownModel;
        }

        var name = IndexName(model);
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (!await LockAsync(connection, name, waitForLock, cancellationToken).ConfigureAwait(false))
        {
            return IndexBuildOutcome.BuildingElsewhere;
        }

        try
        {
            var valid = await IsValidAsync(connection, name, cancellationToken).ConfigureAwait(false);
            if (valid == true && !rebuild)
            {
                return IndexBuildOutcome.AlreadyValid;
            }

            await ApplySettingsAsync(connection, options, cancellationToken).ConfigureAwait(false);
            // Left behind by cancelled builds: the index itself, or REINDEX CONCURRENTLY's _ccnew copy.
            await DropInvalidAsync(connection, model.Table, name, cancellationToken).ConfigureAwait(false);
            var sql = valid == true
                ? $"REINDEX INDEX CONCURRENTLY {name}"
                : $"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {model.Table} USING hnsw ({IndexedExpression(model.Storage)})";
            using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var watcher = progress is null
                ? Task.CompletedTask
                : WatchAsync(dataSource, connection.ProcessID, options.ProgressInterval, progress, watching.Token);
            try
            {
                await ExecuteAsync(connection, sql, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await watching.CancelAsync().ConfigureAwait(false);
                await watcher.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            return valid == true ? IndexBuildOutcome.Rebuilt : IndexBuildOutcome.Built;
        }
        finally
        {
            await ReleaseAsync(connection, name).ConfigureAwait(false);
        }
    }

    /// <summary>True valid, false INVALID (a cancelled build), null absent.</summary>
    public static async Task<bool?> IsValidAsync(NpgsqlConnection connection, string indexName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(
            """
            SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = indexName });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as bool?;
    }

    /// <summary>The index of table <c>embeddings_&lt;model&gt;</c> is <c>embeddings_&lt;model&gt;_hnsw</c>.</summary>
    public const string Suffix = "_hnsw";

    /// <summary>The HNSW index name of <paramref name="model"/>'s table: <c>embeddings_&lt;model&gt;_hnsw</c>.</summary>
    public static string IndexName(ModelIdentity model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Table + Suffix;
    }

    /// <summary>The indexed expression of a binary-quantized index; queries must spell it the same to use the index.</summary>
    public static string BinaryQuantized(VectorStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return $"binary_quantize(embedding)::bit({storage.Dims})";
    }

    private static string IndexedExpression(VectorStorage storage) =>
        storage.Index == VectorIndexKind.BinaryQuantized
            ? $"({BinaryQuantized(storage)}) bit_hamming_ops"
            : $"embedding {VectorColumnType.CosineOps(storage.ColumnType)}";

    private static async Task<bool> LockAsync(NpgsqlConnection connection, string name, bool wait, CancellationToken cancellationToken)
    {
        // The lock key is a value, so a parameter; identifiers cannot be, and the table name is validated by ModelIdentity.
        await using var command = new NpgsqlCommand(
            wait ? "SELECT pg_advisory_lock(hashtext($1)), true" : "SELECT pg_try_advisory_lock(hashtext($1))", connection);
        command.CommandTimeout = 0;
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return reader.GetBoolean(reader.FieldCount - 1);
    }

    /// <summary>
    /// The connection goes back to the pool: its session must not keep the lock (Npgsql resets a pooled session only
    /// when it is next used) or the settings. A connection broken by the failure lost both with its session.
    /// </summary>
    private static async Task ReleaseAsync(NpgsqlConnection connection, string name)
    {
        try
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtext($1))", connection);
            unlock.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            await unlock.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            await ExecuteAsync(connection, "RESET maintenance_work_mem; RESET max_parallel_maintenance_workers", CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException) when (connection.FullState.HasFlag(System.Data.ConnectionState.Broken) || connection.State != System.Data.ConnectionState.Open)
        {
            // The session is gone, and its lock with it.
        }
    }

    private static async Task ApplySettingsAsync(NpgsqlConnection connection, IndexOptions options, CancellationToken cancellationToken)
    {
        foreach (var (setting, value) in new[]
        {
            ("maintenance_work_mem", options.MaintenanceWorkMem),
            ("max_parallel_maintenance_workers", options.MaxParallelMaintenanceWorkers?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        })
        {
            if (value is null)
            {
                continue;
            }

            await using var command = new NpgsqlCommand("SELECT set_config($1, $2, false)", connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = setting });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task DropInvalidAsync(NpgsqlConnection connection, string table, string name, CancellationToken cancellationToken)
    {
        List<string> invalid = [];
        await using (var command = new NpgsqlCommand(
            """
            SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = $1::regclass AND NOT i.indisvalid AND c.relname LIKE $2 || '%'
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                invalid.Add(reader.GetString(0));
            }
        }

        foreach (var index in invalid)
        {
            // Names come from the catalogue and start with our validated index name.
            await ExecuteAsync(connection, $"DROP INDEX CONCURRENTLY IF EXISTS \"{index.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", cancellationToken)
                .ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task WatchAsync(
        PipelineDataSource dataSource, int pid, TimeSpan interval, IProgress<IndexProgress> progress, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(
                """
                SELECT phase, tuples_done, tuples_total, blocks_done, blocks_total
                FROM pg_stat_progress_create_index WHERE pid = $1
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pid });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                progress.Report(new IndexProgress(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
            }
        }
    }
}
