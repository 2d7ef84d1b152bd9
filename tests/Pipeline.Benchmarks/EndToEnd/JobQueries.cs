using Npgsql;
using Pipeline.Common.Storage;

namespace Pipeline.Benchmarks.EndToEnd;

internal static class JobQueries
{
    public static async Task<JobTimes?> GetAsync(PipelineDataSource dataSource, Guid jobId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT j.state, coalesce(j.total, 0), coalesce(sum(b.embedded), 0), coalesce(sum(b.failed), 0) + j.failed_at_enqueue,
                   j.created_at, j.enqueued_at, j.completed_at, min(b.committed_at)
            FROM jobs j LEFT JOIN job_batches b ON b.job_id = j.id
            WHERE j.id = $1
            GROUP BY j.id
            """,
            connection);
        command.Parameters.AddWithValue(jobId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new JobTimes(
            reader.GetString(0),
            reader.GetInt64(1),
            reader.GetInt64(2),
            reader.GetInt64(3),
            reader.GetFieldValue<DateTimeOffset>(4),
            await reader.IsDBNullAsync(5, cancellationToken) ? null : reader.GetFieldValue<DateTimeOffset>(5),
            await reader.IsDBNullAsync(6, cancellationToken) ? null : reader.GetFieldValue<DateTimeOffset>(6),
            await reader.IsDBNullAsync(7, cancellationToken) ? null : reader.GetFieldValue<DateTimeOffset>(7));
    }

    /// <summary>Drops what a benchmark model left: its table, registration, jobs and queues, so runs do not pile up.</summary>
    public static async Task DropModelAsync(BenchContext context, string modelId, CancellationToken cancellationToken)
    {
        await using (var connection = await context.DataSource.OpenAsync(cancellationToken))
        {
            await using var command = new NpgsqlCommand(
                $"""
                DROP TABLE IF EXISTS {ModelIdentity.TableFor(modelId)};
                DELETE FROM models WHERE id = '{modelId}';
                DELETE FROM jobs WHERE model_id = '{modelId}';
                """,
                connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var connectionToBroker = await context.Broker.ConnectAsync("pipeline-bench", cancellationToken);
        await using (connectionToBroker)
        {
            await using var channel = await connectionToBroker.CreateChannelAsync(cancellationToken: cancellationToken);
            var topology = new Pipeline.Common.Messaging.QueueTopology(context.RabbitMq, modelId);
            string[] queues = [topology.Main, topology.Dead, .. Enumerable.Range(1, topology.MaxAttempts).Select(topology.Retry)];
            foreach (var queue in queues)
            {
                await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false, cancellationToken: cancellationToken);
            }
        }
    }
}
