using Microsoft.Extensions.Options;
using Pipeline.Common.Resilience;
using RabbitMQ.Client.Exceptions;

namespace Pipeline.Common.Messaging;

/// <summary>
/// The <c>broker</c> retry pipeline: waits out an unreachable or restarting RabbitMQ with jittered exponential
/// back-off (500 ms doubling to 10 s) for at most <see cref="RabbitMqOptions.OutageTolerance"/>. Used to connect
/// (worker start-up, enqueue) and to re-send publishes lost with a connection.
/// </summary>
public sealed class BrokerRetry(IOptions<RabbitMqOptions> options, TimeProvider time)
{
    /// <summary>The pipeline's name in logs and metrics.</summary>
    public const string Name = "broker";

    private readonly OutageRetry _retry = new(
        new OutageRetryOptions(Name, IsConnectionLoss, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), options.Value.OutageTolerance), time);

    /// <summary>
    /// A lost or refused connection, or a nack (<see cref="PublishException"/>: the broker lost the message, e.g. while its
    /// queue leader restarted). Not: wrong credentials, access refused, a missing or inequivalent queue (a person must act).
    /// </summary>
    public static bool IsConnectionLoss(Exception exception) => exception switch
    {
        BrokerUnreachableException { InnerException: AuthenticationFailureException } => false,
        OperationInterruptedException { ShutdownReason.ReplyCode: 403 or 404 or 406 or 530 } => false,
        AlreadyClosedException or OperationInterruptedException or PublishException or BrokerUnreachableException or IOException => true,
        _ => false,
    };

    /// <summary>Runs <paramref name="operation"/>, retrying broker outages for at most <c>RabbitMq__OutageTolerance</c>; then the last error surfaces.</summary>
    public Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        _retry.RunAsync(operation, null, cancellationToken);

    /// <summary>Runs <paramref name="operation"/>, retrying broker outages for at most <c>RabbitMq__OutageTolerance</c>; then the last error surfaces.</summary>
    public Task RunAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken) =>
        _retry.RunAsync(operation, cancellationToken);
}
