using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Pipeline.Common.Storage;

namespace Pipeline.Scheduler.Serving;

/// <summary>Ready while the database answers a query (the pages have nothing to show without it).</summary>
internal sealed class DatabaseHealthCheck(PipelineDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (NpgsqlException ex)
        {
            // The reason, never the connection string.
            return HealthCheckResult.Unhealthy("database unavailable: " + ex.Message.Split('\n', 2)[0]);
        }
    }
}
