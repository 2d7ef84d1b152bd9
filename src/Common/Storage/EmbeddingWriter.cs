using Npgsql;
using NpgsqlTypes;
using Pgvector;
using Pipeline.Common.Sources;

namespace Pipeline.Common.Storage;

/// <summary>
/// Bulk, idempotent writes: binary COPY into a per-session staging table, then one set-based upsert.
/// A batch already recorded in <c>job_batches</c> (a redelivered message) writes nothing again.
/// </summary>
public sealed class EmbeddingWriter(PipelineDataSource dataSource, ModelIdentity model)
{
    private readonly string _table = model.Table;
    private readonly string _staging = "staging_" + model.Table;
    private readonly bool _half = model.Storage.IsHalf;

    /// <summary>The model whose table this writer fills.</summary>
    public string ModelId => model.ModelId;

    /// <summary>
    /// <see cref="CommitAsync"/>, but a row the database refuses as data (<see cref="DataErrors"/>: a NUL byte, an
    /// index row too large, …) does not take the others with it: the group is split in halves until the refused
    /// batch is alone, its rows are tried one by one in transactions that are rolled back, the refused ones become
    /// <see cref="FailureReason.Unstorable"/> failures, and the rest is committed. Costs nothing while no row is refused.
    /// </summary>
    /// <param name="onRefused">Told about each refused row.</param>
    /// <returns>The jobs that this commit completed.</returns>
    public async Task<IReadOnlyList<Guid>> CommitIsolatingAsync(
        IReadOnlyList<BatchOutcome> batches, Action<BatchOutcome, FailedImage>? onRefused, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batches);
        try
        {
            return await CommitAsync(batches, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (DataErrors.IsDataError(ex) && batches.Count > 1)
        {
            var half = batches.Count / 2;
            var first = await CommitIsolatingAsync([.. batches.Take(half)], onRefused, cancellationToken).ConfigureAwait(false);
            var second = await CommitIsolatingAsync([.. batches.Skip(half)], onRefused, cancellationToken).ConfigureAwait(false);
            return [.. first.Concat(second).Distinct()];
        }
        catch (Exception ex) when (DataErrors.IsDataError(ex))
        {
            var repaired = await WithoutRefusedRowsAsync(batches[0], onRefused, cancellationToken).ConfigureAwait(false);
            return await CommitAsync([repaired], cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<BatchOutcome> WithoutRefusedRowsAsync(
        BatchOutcome batch, Action<BatchOutcome, FailedImage>? onRefused, CancellationToken cancellationToken)
    {
        var embedded = new List<EmbeddedImage>(batch.Embedded.Count);
        var failed = new List<FailedImage>(batch.Failed);
        foreach (var image in batch.Embedded)
        {
            if (await ProbeAsync(batch.JobId, image, cancellationToken).ConfigureAwait(false) is { } refusal)
            {
                var failure = new FailedImage(image.Uri, FailureReason.Unstorable, $"{refusal}, for {Shown(image.Uri)}");
                onRefused?.Invoke(batch, failure);
                failed.Add(failure);
            }
            else
            {
                embedded.Add(image);
            }
        }

        return batch with { Embedded = embedded, Failed = failed };
    }

    // The reason first: the URI itself may be what is too long.
    private static string Shown(string uri)
    {
        var shown = ImageUri.Redact(StoredText.Clean(uri));
        return shown.Length <= 200 ? shown : string.Concat(shown.AsSpan(0, 200), "…");
    }

    /// <returns>Why the database refuses this row, or null when it takes it. Nothing is kept: the transaction is rolled back.</returns>
    private async Task<string?> ProbeAsync(Guid jobId, EmbeddedImage image, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {_table} (uri, content_id, job_id, model_id, embedding) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (uri) DO UPDATE SET content_id = EXCLUDED.content_id
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = image.Uri });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = image.ContentId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = model.ModelId });
        command.Parameters.Add(_half ? new NpgsqlParameter { Value = ToHalf(image.Embedding) } : new NpgsqlParameter { Value = new Vector(image.Embedding) });
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (DataErrors.IsDataError(ex))
        {
            return DataErrors.Describe(ex);
        }
        finally
        {
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <returns>The jobs that this commit completed.</returns>
    public async Task<IReadOnlyList<Guid>> CommitAsync(IReadOnlyList<BatchOutcome> batches, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        // Fixed lock order across workers: no deadlocks between commits touching several jobs.
        var jobs = batches.Select(b => b.JobId).Distinct().Order().ToList();
        foreach (var job in jobs)
        {
            await JobCompletion.LockAsync(connection, transaction, job, cancellationToken).ConfigureAwait(false);
        }

        var fresh = await RecordBatchesAsync(connection, transaction, batches, cancellationToken).ConfigureAwait(false);
        if (fresh.Count > 0)
        {
            await UpsertEmbeddingsAsync(connection, transaction, fresh, cancellationToken).ConfigureAwait(false);
            await RecordFailuresAsync(connection, transaction, fresh, cancellationToken).ConfigureAwait(false);
            await SettleRetriedFailuresAsync(connection, transaction, fresh, cancellationToken).ConfigureAwait(false);
        }

        var completed = new List<Guid>();
        foreach (var job in jobs)
        {
            if (await JobCompletion.TryCompleteAsync(connection, transaction, job, cancellationToken).ConfigureAwait(false))
            {
                completed.Add(job);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return completed;
    }

    private static async Task<List<BatchOutcome>> RecordBatchesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<BatchOutcome> batches, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO job_batches (job_id, batch_no, embedded, skipped, failed)
            SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[], $4::int[], $5::int[])
            ON CONFLICT (job_id, batch_no) DO NOTHING
            RETURNING job_id, batch_no
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. batches.Select(b => b.JobId)] });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. batches.Select(b => b.BatchNo)] });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. batches.Select(b => b.Embedded.Count)] });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. batches.Select(b => b.Skipped)] });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. batches.Select(b => b.Failed.Count)] });

        var inserted = new HashSet<(Guid, int)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                inserted.Add((reader.GetGuid(0), reader.GetInt32(1)));
            }
        }

        return [.. batches.Where(b => inserted.Contains((b.JobId, b.BatchNo)))];
    }

    private async Task UpsertEmbeddingsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<BatchOutcome> batches, CancellationToken cancellationToken)
    {
        if (batches.All(b => b.Embedded.Count == 0))
        {
            return;
        }

        await using (var create = new NpgsqlCommand(
            $"""
            CREATE TEMP TABLE IF NOT EXISTS {_staging} (
                uri text, content_id text, job_id uuid, embedding {model.ColumnType}({model.Dims})
            ) ON COMMIT DELETE ROWS
            """, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var importer = await connection.BeginBinaryImportAsync(
            $"COPY {_staging} (uri, content_id, job_id, embedding) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (var batch in batches)
            {
                foreach (var image in batch.Embedded)
                {
                    await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(image.Uri, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(image.ContentId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(batch.JobId, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
                    if (_half)
                    {
                        await importer.WriteAsync(ToHalf(image.Embedding), cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await importer.WriteAsync(new Vector(image.Embedding), cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        // DISTINCT ON: the same URI twice in one commit would otherwise hit the same row twice.
        // Rows reach here only when the worker decided to (re-)embed, so a conflict always updates.
        await using var merge = new NpgsqlCommand(
            $"""
            INSERT INTO {_table} AS t (uri, content_id, job_id, model_id, embedding)
            SELECT DISTINCT ON (uri) uri, content_id, job_id, $1, embedding FROM {_staging} ORDER BY uri
            ON CONFLICT (uri) DO UPDATE
               SET content_id = EXCLUDED.content_id, job_id = EXCLUDED.job_id,
                   embedding = EXCLUDED.embedding, created_at = now()
            """, connection, transaction);
        merge.Parameters.Add(new NpgsqlParameter<string> { TypedValue = model.ModelId });
        await merge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task RecordFailuresAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<BatchOutcome> batches, CancellationToken cancellationToken)
    {
        var failures = batches
            .SelectMany(b => b.Failed.Select(f => (b.JobId, f: f with { Uri = StoredText.Uri(f.Uri), Message = StoredText.Message(f.Message) })))
            .DistinctBy(x => (x.JobId, x.f.Uri))
            .ToList();
        if (failures.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(
            """
            INSERT INTO failures AS f (job_id, uri, reason, message)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])
            ON CONFLICT (job_id, uri) DO UPDATE
               SET reason = EXCLUDED.reason, message = EXCLUDED.message,
                   attempts = f.attempts + 1, updated_at = now(), retry_batch = NULL
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. failures.Select(x => x.JobId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. failures.Select(x => x.f.Uri)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. failures.Select(x => x.f.Reason.ToString())] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. failures.Select(x => x.f.Message)] });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A committed retry batch (<c>pipeline retry</c>) settles the failures it re-queued: those that failed again were
    /// just recorded anew (their <c>retry_batch</c> cleared), the rest were embedded or skipped and are no failures now.
    /// </summary>
    private static async Task SettleRetriedFailuresAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<BatchOutcome> batches, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            DELETE FROM failures f USING unnest($1::uuid[], $2::int[]) AS b (job_id, batch_no)
            WHERE f.job_id = b.job_id AND f.retry_batch = b.batch_no
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. batches.Select(b => b.JobId)] });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. batches.Select(b => b.BatchNo)] });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static HalfVector ToHalf(float[] values)
    {
        var half = new Half[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            half[i] = (Half)values[i];
        }

        return new HalfVector(half);
    }
}
