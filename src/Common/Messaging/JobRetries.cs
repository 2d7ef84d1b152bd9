using Npgsql;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;

namespace Pipeline.Common.Messaging;

/// <summary>
/// <c>pipeline retry</c>'s bookkeeping: marks a job's failures as re-queued, each with the retry batch it goes
/// into (new batch numbers after the job's last), and reopens the job. The accounting stays closed at every
/// moment: <c>jobs.retried</c> counts the re-queued failures, which are pending again until their batches commit
/// (<see cref="EmbeddingWriter"/> then removes those that were embedded or skipped).
/// </summary>
/// <remarks>
/// Idempotent: a failure re-queued earlier whose retry batch has not committed (the retry was interrupted, or
/// its message is still queued) is planned again under the same batch number, and a batch commits once.
/// </remarks>
public sealed class JobRetries(PipelineDataSource dataSource)
{
    /// <summary>Plans the retry of <paramref name="jobId"/>'s failures, optionally only those with the given reasons.</summary>
    /// <returns>The messages to publish, or null when the job does not exist.</returns>
    public async Task<IReadOnlyList<BatchMessage>?> PlanAsync(
        Guid jobId, IReadOnlyCollection<FailureReason> reasons, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await JobCompletion.LockAsync(connection, transaction, jobId, cancellationToken).ConfigureAwait(false);

        string modelId;
        bool force;
        int next;
        await using (var job = new NpgsqlCommand(
            """
            SELECT model_id, force, greatest(coalesce(batches, 0),
                   (SELECT coalesce(max(batch_no) + 1, 0) FROM job_batches WHERE job_id = $1),
                   (SELECT coalesce(max(retry_batch) + 1, 0) FROM failures WHERE job_id = $1))
            FROM jobs WHERE id = $1
            """, connection, transaction))
        {
            job.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
            await using var reader = await job.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            (modelId, force, next) = (reader.GetString(0), reader.GetBoolean(1), reader.GetInt32(2));
        }

        var messages = new List<BatchMessage>();
        // Re-queued before but not committed yet: the same batches again (a batch commits once, so a duplicate is harmless).
        var unfinished = await ReadAsync(
            connection, transaction,
            """
            SELECT uri, retry_batch FROM failures f
            WHERE job_id = $1 AND retry_batch IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM job_batches b WHERE b.job_id = f.job_id AND b.batch_no = f.retry_batch)
            ORDER BY retry_batch, uri
            """, jobId, null, cancellationToken).ConfigureAwait(false);
        foreach (var batch in unfinished.GroupBy(row => row.Batch))
        {
            messages.Add(Message(jobId, batch.Key!.Value, modelId, force, batch.Select(row => row.Uri)));
        }

        var fresh = await ReadAsync(
            connection, transaction,
            "SELECT uri, NULL::int FROM failures WHERE job_id = $1 AND retry_batch IS NULL AND ($2::text[] IS NULL OR reason = ANY ($2)) ORDER BY uri",
            jobId, reasons.Count == 0 ? null : [.. reasons.Select(r => r.ToString())], cancellationToken).ConfigureAwait(false);
        var uris = new List<string>(fresh.Count);
        var batches = new List<int>(fresh.Count);
        foreach (var chunk in fresh.Chunk(batchSize))
        {
            messages.Add(Message(jobId, next, modelId, force, chunk.Select(row => row.Uri)));
            uris.AddRange(chunk.Select(row => row.Uri));
            batches.AddRange(chunk.Select(_ => next));
            next++;
        }

        if (uris.Count > 0)
        {
            await using var mark = new NpgsqlCommand(
                """
                WITH marked AS (
                    UPDATE failures f SET retry_batch = r.batch_no, updated_at = now()
                    FROM unnest($2::text[], $3::int[]) AS r (uri, batch_no)
                    WHERE f.job_id = $1 AND f.uri = r.uri
                )
                UPDATE jobs SET retried = retried + $4, batches = $5, completed_at = NULL,
                       state = CASE WHEN state = 'completed' THEN 'running' ELSE state END
                WHERE id = $1
                """, connection, transaction);
            mark.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
            mark.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. uris] });
            mark.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. batches] });
            mark.Parameters.Add(new NpgsqlParameter<long> { TypedValue = uris.Count });
            mark.Parameters.Add(new NpgsqlParameter<int> { TypedValue = next });
            await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return messages;
    }

    private static BatchMessage Message(Guid jobId, int batchNo, string modelId, bool force, IEnumerable<string> uris) =>
        new(jobId, batchNo, modelId, force, [.. uris.Select(uri => new ImageRef(uri, null))]);

    private static async Task<List<(string Uri, int? Batch)>> ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, Guid jobId, string[]? reasons, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
        if (sql.Contains("$2", StringComparison.Ordinal))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]?> { TypedValue = reasons, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        }

        var rows = new List<(string, int?)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt32(1)));
        }

        return rows;
    }
}
