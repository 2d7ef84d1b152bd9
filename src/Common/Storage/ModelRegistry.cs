using Npgsql;

namespace Pipeline.Common.Storage;

/// <summary>
/// Registers a model and creates its table. Vectors from different weights, preprocessing or
/// pooling are not comparable, so a mismatch with what is registered under the same id is refused.
/// </summary>
public static class ModelRegistry
{
    /// <summary>Registers <paramref name="model"/> and creates its table (idempotent).</summary>
    /// <exception cref="InvalidOperationException">Another model is registered under the same id (other weights, preprocessing, pooling or width).</exception>
    public static async Task EnsureAsync(PipelineDataSource dataSource, ModelIdentity model, CancellationToken cancellationToken)
    {
        var table = model.Table;
        var columnType = model.ColumnType;
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // One lock for every model: two registrations that each insert into models and then create a table
        // referencing it would otherwise deadlock (each holds RowExclusive, each wants ShareRowExclusive).
        await using (var lockModels = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('pipeline.models'))", connection, transaction))
        {
            await lockModels.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO models (id, weights_sha256, preprocessing, pooling, dims, column_type, table_name)
            VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING;
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = model.ModelId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = model.WeightsSha256 });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = model.Preprocessing });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = model.Pooling });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = model.Dims });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = columnType });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = table });
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var registered = await ReadAsync(connection, transaction, model.ModelId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"model '{model.ModelId}' vanished while registering");
        if (!registered.IsCompatibleWith(model))
        {
            throw new InvalidOperationException(
                $"model '{model.ModelId}' is registered as {Describe(registered)} but this process has {Describe(model)}; " +
                "vectors would not be comparable: use another model id");
        }

        // The table name is validated by ModelIdentity; identifiers cannot be parameters.
        await using (var create = new NpgsqlCommand(
            $"""
            CREATE TABLE IF NOT EXISTS {table} (
                id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                uri         text NOT NULL UNIQUE,
                content_id  text NOT NULL,
                job_id      uuid NOT NULL,
                model_id    text NOT NULL REFERENCES models (id),
                embedding   {columnType}({model.Dims}) NOT NULL,
                created_at  timestamptz NOT NULL DEFAULT now()
            );
            """, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The registered identity of a model, or null when no worker has registered it yet.</summary>
    public static async Task<ModelIdentity?> FindAsync(PipelineDataSource dataSource, string modelId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(connection, null, modelId, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<ModelIdentity?> ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string modelId, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand(
            "SELECT weights_sha256, preprocessing, pooling, dims, column_type FROM models WHERE id = $1", connection, transaction);
        select.Parameters.Add(new NpgsqlParameter<string> { TypedValue = modelId });
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new ModelIdentity(
            modelId, reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
            VectorStorage.PrecisionOf(reader.GetString(4)));
    }

    private static string Describe(ModelIdentity m) =>
        $"(sha256 {m.WeightsSha256[..Math.Min(12, m.WeightsSha256.Length)]}…, {m.Preprocessing}, {m.Pooling}, {m.Dims} dims, {m.Storage.Describe()})";
}
