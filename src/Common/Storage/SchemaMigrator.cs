using Npgsql;

namespace Pipeline.Common.Storage;

/// <summary>Creates the shared tables. Safe to run from many processes at once (advisory lock).</summary>
public static class SchemaMigrator
{
    // Any constant works; it only has to be the same in every process.
    private const long MigrationLockKey = 0x5049_5045_4C49_4E45;

    private const string Ddl = """
        CREATE EXTENSION IF NOT EXISTS vector;
        CREATE TABLE IF NOT EXISTS models (
            id              text PRIMARY KEY,
            weights_sha256  text NOT NULL,
            preprocessing   text NOT NULL,
            pooling         text NOT NULL,
            dims            integer NOT NULL,
            column_type     text NOT NULL,
            table_name      text NOT NULL,
            created_at      timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE IF NOT EXISTS jobs (
            id                  uuid PRIMARY KEY,
            model_id            text NOT NULL,
            source              text NOT NULL,
            force               boolean NOT NULL,
            state               text NOT NULL,
            total               bigint,
            skipped_at_enqueue  bigint NOT NULL DEFAULT 0,
            batches             integer,
            created_at          timestamptz NOT NULL DEFAULT now(),
            enqueued_at         timestamptz,
            completed_at        timestamptz
        );
        -- Images refused by the URI policy before queuing (databases created before the column existed get it here).
        ALTER TABLE jobs ADD COLUMN IF NOT EXISTS failed_at_enqueue bigint NOT NULL DEFAULT 0;
        CREATE TABLE IF NOT EXISTS job_batches (
            job_id        uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
            batch_no      integer NOT NULL,
            embedded      integer NOT NULL,
            skipped       integer NOT NULL,
            failed        integer NOT NULL,
            committed_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
            PRIMARY KEY (job_id, batch_no)
        );
        CREATE TABLE IF NOT EXISTS failures (
            job_id      uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
            uri         text NOT NULL,
            reason      text NOT NULL,
            message     text NOT NULL,
            attempts    integer NOT NULL DEFAULT 1,
            updated_at  timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (job_id, uri)
        );
        -- Heartbeat of the scheduler while it enqueues: a job whose heartbeat is older than the lease is abandoned.
        ALTER TABLE jobs ADD COLUMN IF NOT EXISTS heartbeat_at timestamptz;
        -- Failures re-queued by 'pipeline retry' (pending again) and the retry batch each one went into.
        ALTER TABLE jobs ADD COLUMN IF NOT EXISTS retried bigint NOT NULL DEFAULT 0;
        ALTER TABLE failures ADD COLUMN IF NOT EXISTS retry_batch integer;
        CREATE INDEX IF NOT EXISTS failures_retry_batch ON failures (job_id, retry_batch) WHERE retry_batch IS NOT NULL;
        """;

    /// <summary>Creates or upgrades the shared tables (jobs, job_batches, failures, models); idempotent, serialised by an advisory lock.</summary>
    public static async Task EnsureAsync(PipelineDataSource dataSource, CancellationToken cancellationToken)
    {
        await using (var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
            {
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = MigrationLockKey });
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var command = new NpgsqlCommand(Ddl, connection, transaction))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        // The vector types may have been created just now: let Npgsql learn their OIDs.
        await dataSource.DataSource.ReloadTypesAsync(cancellationToken).ConfigureAwait(false);
    }
}
