namespace Pipeline.Common.Storage;

using Microsoft.Extensions.Options;
using Npgsql;

/// <summary>
/// Waits out a lost database (restart, failover) with capped exponential back-off for at most
/// <see cref="PostgresOptions.OutageTolerance"/>; after that the error surfaces and the program fails loudly.
/// </summary>
public sealed class DatabaseRetry(IOptions<PostgresOptions> options, TimeProvider time)
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    public async Task<T> RunAsync<T>(
        Func<CancellationToken, Task<T>> operation, Action<NpgsqlException, TimeSpan, int>? onRetry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var deadline = time.GetUtcNow() + options.Value.OutageTolerance;
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await operation(cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException ex) when (DatabaseErrors.IsTransient(ex) && time.GetUtcNow() + delay < deadline)
            {
                onRetry?.Invoke(ex, delay, attempt);
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
        }
    }

    public Task RunAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken) =>
        RunAsync<bool>(
            async token =>
            {
                await operation(token).ConfigureAwait(false);
                return true;
            },
            null,
            cancellationToken);
}
