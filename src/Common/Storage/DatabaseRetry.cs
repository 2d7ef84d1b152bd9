using Microsoft.Extensions.Options;
using Npgsql;
using Pipeline.Common.Resilience;

namespace Pipeline.Common.Storage;

/// <summary>
/// The <c>database</c> retry pipeline: waits out a lost database (restart, failover) with jittered exponential
/// back-off (200 ms doubling to 10 s) for at most <see cref="PostgresOptions.OutageTolerance"/>; after that the
/// error surfaces and the program fails loudly. Used for every database call a job depends on: worker start-up and
/// commits, enqueue, <c>status</c>.
/// </summary>
public sealed class DatabaseRetry(IOptions<PostgresOptions> options, TimeProvider time)
{
    /// <summary>The pipeline's name in logs and metrics.</summary>
    public const string Name = "database";

    private readonly OutageRetry _retry = new(
        new OutageRetryOptions(
            Name,
            ex => ex is NpgsqlException npgsql && DatabaseErrors.IsTransient(npgsql),
            TimeSpan.FromMilliseconds(200),
            TimeSpan.FromSeconds(10),
            options.Value.OutageTolerance),
        time);

    /// <summary>Runs <paramref name="operation"/>, retrying database outages for at most <c>Postgres__OutageTolerance</c>; then the last error surfaces.</summary>
    public Task<T> RunAsync<T>(
        Func<CancellationToken, Task<T>> operation, Action<NpgsqlException, TimeSpan, int>? onRetry, CancellationToken cancellationToken) =>
        _retry.RunAsync(operation, onRetry is null ? null : (ex, delay, attempt) => onRetry((NpgsqlException)ex, delay, attempt), cancellationToken);

    /// <summary>Runs <paramref name="operation"/>, retrying database outages for at most <c>Postgres__OutageTolerance</c>; then the last error surfaces.</summary>
    public Task RunAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken) =>
        _retry.RunAsync(operation, cancellationToken);
}
