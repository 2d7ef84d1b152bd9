using Polly;
using Polly.Retry;

namespace Pipeline.Common.Resilience;

/// <summary>
/// Waits out an outage of a service (database restart or failover, broker restart) on a named Polly retry pipeline:
/// exponential back-off with jitter from <see cref="OutageRetryOptions.FirstDelay"/> up to
/// <see cref="OutageRetryOptions.MaxDelay"/>, so that many workers hit by one failover do not retry in lockstep;
/// retried while the outage is younger than its tolerance, then the last error surfaces (fail loudly).
/// </summary>
public sealed class OutageRetry
{
    private static readonly ResiliencePropertyKey<DateTimeOffset> Deadline = new("pipeline.outage-deadline");
    private static readonly ResiliencePropertyKey<Action<Exception, TimeSpan, int>?> Observer = new("pipeline.on-retry");

    private readonly ResiliencePipeline _pipeline;
    private readonly OutageRetryOptions _options;

    /// <summary>A pipeline with <paramref name="options"/>' back-off and tolerance; <paramref name="time"/> drives its waits (FakeTimeProvider in tests).</summary>
    public OutageRetry(OutageRetryOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        Time = time;
        _pipeline = new ResiliencePipelineBuilder { Name = options.Name, TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex && options.IsOutage(ex)
                    && time.GetUtcNow() < args.Context.Properties.GetValue(Deadline, DateTimeOffset.MinValue)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.FirstDelay,
                MaxDelay = options.MaxDelay,
                MaxRetryAttempts = int.MaxValue,
                OnRetry = args =>
                {
                    if (args.Context.Properties.GetValue(Observer, null) is { } observe)
                    {
                        observe(args.Outcome.Exception!, args.RetryDelay, args.AttemptNumber + 1);
                    }

                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>The pipeline's name (<c>database</c>, <c>broker</c>) in logs and metrics.</summary>
    public string Name => _options.Name;

    /// <summary>The clock the waits and the tolerance are measured on.</summary>
    public TimeProvider Time { get; }

    /// <summary>Runs <paramref name="operation"/>, retrying outages for at most the tolerance counted from now.</summary>
    /// <param name="onRetry">Told of each retry: the error, the wait before the next attempt, that attempt's number (2 = first retry).</param>
    public async Task<T> RunAsync<T>(
        Func<CancellationToken, Task<T>> operation, Action<Exception, TimeSpan, int>? onRetry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            context.Properties.Set(Deadline, Time.GetUtcNow() + _options.Tolerance);
            context.Properties.Set(Observer, onRetry);
            return await _pipeline.ExecuteAsync(
                static async (context, operation) => await operation(context.CancellationToken).ConfigureAwait(false), context, operation)
                .ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Runs <paramref name="operation"/>, retrying outages for at most the tolerance counted from now.</summary>
    public Task RunAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return RunAsync<bool>(
            async token =>
            {
                await operation(token).ConfigureAwait(false);
                return true;
            },
            null,
            cancellationToken);
    }
}
