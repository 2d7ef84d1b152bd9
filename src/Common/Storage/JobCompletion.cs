using Npgsql;

namespace Pipeline.Common.Storage;

/// <summary>
/// Marks a job completed when images = embedded + failed + skipped (failures re-queued by <c>pipeline retry</c>,
/// counted in <c>jobs.retried</c>, are pending again until their retry batches commit). Callers hold the job row lock
/// (<see cref="LockAsync"/>) so the last batch commit and the scheduler's final count cannot both miss it.
/// </summary>
internal static class JobCompletion
{
    public static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT 1 FROM jobs WHERE id = $1 FOR UPDATE", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <returns>True when this call completed the job.</returns>
    public static async Task<bool> TryCompleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid jobId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            UPDATE jobs SET state = 'completed', completed_at = now()
            WHERE id = $1 AND state = 'running'
              AND total = skipped_at_enqueue + failed_at_enqueue - retried
                  + (SELECT coalesce(sum(embedded + skipped + failed), 0) FROM job_batches WHERE job_id = $1)
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = jobId });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }
}
