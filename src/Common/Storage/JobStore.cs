using Npgsql;

namespace Pipeline.Common.Storage;

/// <summary>Job rows: created by the scheduler, completed by whoever commits the last image.</summary>
public sealed class JobStore(PipelineDataSource dataSource)
{
    /// <summary>Inserts the job row (state <c>enqueuing</c>, counts at 0).</summary>
    public async Task CreateAsync(Guid jobId, string modelId, string source, bool force, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(

            """
            WITH abandoned AS (
                -- An earlier run of the same enqueue that died mid-way: this run takes over its work (dedup skips what is done).
                UPDATE jobs SET state = 'abandoned'
                WHERE model_id = $2 AND source = $3 AND state = 'enqueuing'
                  AND coalesce(heartbeat_at, created_at) < now() - make_interval(secs => $5)
            )
            INSERT INTO jobs (id, model_id, source, force, state, heartbeat_at) VALUES ($1, $2, $3, $4, 'enqueuing', now())
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = modelId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = source });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = force });
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = JobLease.Expiry.TotalSeconds });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Renews the scheduler's lease on a job it is enqueuing (<see cref="JobLease"/>).</summary>
    public async Task HeartbeatAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("UPDATE jobs SET heartbeat_at = now() WHERE id = $1 AND state = 'enqueuing'", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when the batch's rows are already committed (a redelivered message: nothing to do but ack).</summary>
    public async Task<bool> IsBatchCommittedAsync(Guid jobId, int batchNo, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM job_batches WHERE job_id = $1 AND batch_no = $2)", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = batchNo });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
    }

    /// <summary>Records the final count once every batch is published.</summary>
    /// <returns>True when the job is already complete (everything skipped, or workers were faster).</returns>
    public async Task<bool> MarkEnqueuedAsync(Guid jobId, long total, long skippedAtEnqueue, int batches, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await JobCompletion.LockAsync(connection, transaction, jobId, cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(
            """
            UPDATE jobs SET state = 'running', total = $2, skipped_at_enqueue = $3, batches = $4, enqueued_at = now()
            WHERE id = $1
            """, connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = total });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = skippedAtEnqueue });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = batches });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var completed = await JobCompletion.TryCompleteAsync(connection, transaction, jobId, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return completed;
    }

    /// <summary>
    /// Records images the scheduler refused (URI policy) as failures of the job, before they are queued;
    /// they count in <see cref="JobStatus.Failed"/> and in the completion check.
    /// </summary>
    public async Task RecordEnqueueFailuresAsync(Guid jobId, IReadOnlyList<FailedImage> failures, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failures);
        if (failures.Count == 0)
        {
            return;
        }

        // Every refusal counts, a URI listed twice too (the job's total does); the failures table keeps one row per URI.
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            """
            WITH recorded AS (
                INSERT INTO failures (job_id, uri, reason, message)
                SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[])
                ON CONFLICT (job_id, uri) DO NOTHING
            )
            UPDATE jobs SET failed_at_enqueue = failed_at_enqueue + $5 WHERE id = $1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
        // Stored bounded and cleaned (StoredText): an over-long or NUL-bearing URI is exactly what gets refused here.
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. failures.Select(f => StoredText.Uri(f.Uri))] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. failures.Select(f => f.Reason.ToString())] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. failures.Select(f => StoredText.Message(f.Message))] });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = failures.Count });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // One job row with its batch totals, as `pipeline status`, the job page and the jobs list account for it; the caller
    // adds WHERE or ORDER BY/LIMIT ($1) and binds the lease expiry as $2.
    private const string StatusQuery =
        """
        SELECT j.id, j.model_id, j.source, j.state, j.total, j.skipped_at_enqueue, j.batches, j.created_at, j.completed_at,
               coalesce(b.embedded, 0), coalesce(b.failed, 0), coalesce(b.skipped, 0), b.done, b.first_at, b.last_at,
               j.failed_at_enqueue, j.retried,
               j.state = 'enqueuing' AND coalesce(j.heartbeat_at, j.created_at) < now() - make_interval(secs => $2)
        FROM jobs j
        LEFT JOIN LATERAL (
            SELECT sum(embedded)::bigint AS embedded, sum(failed)::bigint AS failed, sum(skipped)::bigint AS skipped,
                   count(*)::int AS done, min(committed_at) AS first_at, max(committed_at) AS last_at
            FROM job_batches WHERE job_id = j.id
        ) b ON true
        """;

    /// <returns>The job, and how many of its images were settled by the scheduler (skipped or refused), not by workers.</returns>
    public async Task<(JobStatus Status, long DoneAtEnqueue)?> GetAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var found = await QueryAsync(StatusQuery + "\nWHERE j.id = $1", new NpgsqlParameter<Guid> { TypedValue = jobId }, cancellationToken)
            .ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>The newest <paramref name="limit"/> jobs first, accounted as <see cref="GetAsync"/> accounts one.</summary>
    public Task<IReadOnlyList<(JobStatus Status, long DoneAtEnqueue)>> ListAsync(int limit, CancellationToken cancellationToken) =>
        QueryAsync(StatusQuery + "\nORDER BY j.created_at DESC LIMIT $1", new NpgsqlParameter<int> { TypedValue = limit }, cancellationToken);

    private async Task<IReadOnlyList<(JobStatus Status, long DoneAtEnqueue)>> QueryAsync(
        string sql, NpgsqlParameter first, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(first);
        command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = JobLease.Expiry.TotalSeconds });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var jobs = new List<(JobStatus, long)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            jobs.Add(ReadStatus(reader));
        }

        return jobs;
    }

    private static (JobStatus Status, long DoneAtEnqueue) ReadStatus(NpgsqlDataReader reader)
    {
        var skippedAtEnqueue = reader.GetInt64(5);
        // Failures re-queued by 'pipeline retry' are pending again until their retry batch commits.
        var failedAtEnqueue = reader.GetInt64(15) - reader.GetInt64(16);
        var status = new JobStatus(
            reader.GetGuid(0),
            ModelId: reader.GetString(1),
            Source: reader.GetString(2),
            State: reader.GetBoolean(17) ? JobLease.Abandoned : reader.GetString(3),
            Total: reader.IsDBNull(4) ? null : reader.GetInt64(4),
            Embedded: reader.GetInt64(9),
            Failed: reader.GetInt64(10) + failedAtEnqueue,
            Skipped: reader.GetInt64(11) + skippedAtEnqueue,
            Batches: reader.IsDBNull(6) ? null : reader.GetInt32(6),
            BatchesDone: reader.GetInt32(12),
            CreatedAt: reader.GetFieldValue<DateTimeOffset>(7),
            FirstCommitAt: reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13),
            LastCommitAt: reader.IsDBNull(14) ? null : reader.GetFieldValue<DateTimeOffset>(14),
            CompletedAt: reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8));
        return (status, skippedAtEnqueue + failedAtEnqueue);
    }

    /// <summary>The recorded failures of a job, for status output.</summary>
    public async Task<IReadOnlyList<(string Uri, string Reason, string Message)>> GetFailuresAsync(
        Guid jobId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT uri, reason, message FROM failures WHERE job_id = $1 AND retry_batch IS NULL ORDER BY uri LIMIT $2", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var result = new List<(string, string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return result;
    }
}
