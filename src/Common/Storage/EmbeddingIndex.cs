namespace Pipeline.Common.Storage;

using Npgsql;

/// <summary>
/// The HNSW (cosine) index of a model's table. It is built when the model's first job completes,
/// so a bulk load pays one fast build instead of per-row graph inserts; afterwards it is maintained
/// online, which suits the small increments of cron runs.
/// </summary>
public static class EmbeddingIndex
{
    public static async Task<bool> EnsureAsync(PipelineDataSource dataSource, string modelId, CancellationToken cancellationToken)
    {
        var model = await ModelRegistry.FindAsync(dataSource, modelId, cancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return false;
        }

        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"""
            SELECT pg_advisory_lock(hashtext('{model.Table}_hnsw'));
            CREATE INDEX IF NOT EXISTS {model.Table}_hnsw ON {model.Table}
                USING hnsw (embedding {VectorColumnType.CosineOps(model.ColumnType)});
            SELECT pg_advisory_unlock(hashtext('{model.Table}_hnsw'));
            """, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }
}
