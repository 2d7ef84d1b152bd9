namespace Pipeline.Common.Storage;

using Npgsql;

/// <summary>
/// The HNSW index of a model's table: cosine on the column, or Hamming on its binary quantization for widths
/// HNSW cannot index directly (see <see cref="VectorStorage"/>). It is built when the model's first job completes,
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

        var storage = model.Storage;
        var indexed = storage.Index == VectorIndexKind.BinaryQuantized
            ? $"({BinaryQuantized(storage)}) bit_hamming_ops"
            : $"embedding {VectorColumnType.CosineOps(storage.ColumnType)}";

        // The lock key is a value, so a parameter; identifiers cannot be, and the table name is validated by ModelIdentity.
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var lockIndex = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext($1))", connection, transaction))
        {
            lockIndex.Parameters.Add(new NpgsqlParameter<string> { TypedValue = IndexName(model) });
            await lockIndex.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var create = new NpgsqlCommand(
            $"""
            CREATE INDEX IF NOT EXISTS {IndexName(model)} ON {model.Table} USING hnsw ({indexed})
            """, connection, transaction) { CommandTimeout = 0 })
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public static string IndexName(ModelIdentity model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Table + "_hnsw";
    }

    /// <summary>The indexed expression of a binary-quantized index; queries must spell it the same to use the index.</summary>
    public static string BinaryQuantized(VectorStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return $"binary_quantize(embedding)::bit({storage.Dims})";
    }
}
