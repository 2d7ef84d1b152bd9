using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Pipeline.Common.Messaging;
using Pipeline.Common.Resilience;
using Pipeline.Common.Storage;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Pipeline.UnitTests.Resilience;

/// <summary>The outage retry pipelines on a fake clock: jittered exponential back-off, the tolerance, what is an outage.</summary>
public sealed class OutageRetryTests
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task RunAsync_OutageThenRecovery_RetriesWithJitteredGrowingDelays()
    {
        var time = new FakeTimeProvider();
        var retry = Retry(time, TimeSpan.FromMinutes(5));
        var delays = new List<TimeSpan>();
        var calls = 0;

        var result = await DriveAsync(time, retry.RunAsync(
            _ => ++calls <= 6 ? throw new TimeoutException("down") : Task.FromResult(42),
            (_, delay, _) => delays.Add(delay),
            CancellationToken.None));

        Assert.Equal(42, result);
        Assert.Equal(7, calls);
        Assert.Equal(6, delays.Count);
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, Max));
        // Exponential: the later waits are longer than the first ones on the whole.
        Assert.True(delays.Skip(3).Sum(d => d.Ticks) > delays.Take(3).Sum(d => d.Ticks), string.Join(", ", delays));
    }

    [Fact]
    public async Task RunAsync_TwoClientsOfOneOutage_DoNotRetryInLockstep()
    {
        var time = new FakeTimeProvider();
        async Task<List<TimeSpan>> DelaysAsync()
        {
            var delays = new List<TimeSpan>();
            var calls = 0;
            await DriveAsync(time, Retry(time, TimeSpan.FromMinutes(5)).RunAsync(
                _ => ++calls <= 5 ? throw new TimeoutException("down") : Task.FromResult(0), (_, d, _) => delays.Add(d), CancellationToken.None));
            return delays;
        }

        var first = await DelaysAsync();
        var second = await DelaysAsync();

        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task RunAsync_OutageLongerThanTheTolerance_ThrowsTheLastErrorAfterIt()
    {
        var time = new FakeTimeProvider();
        var started = time.GetUtcNow();
        var calls = 0;

        var run = Retry(time, TimeSpan.FromSeconds(30)).RunAsync<int>(_ => throw new TimeoutException($"down {++calls}"), null, CancellationToken.None);
        var ex = await Assert.ThrowsAsync<TimeoutException>(() => DriveAsync(time, run));

        Assert.Equal($"down {calls}", ex.Message);
        Assert.True(calls > 3, $"{calls} calls");
        Assert.InRange(time.GetUtcNow() - started, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30) + Max + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task RunAsync_ZeroTolerance_FailsAtTheFirstError()
    {
        var calls = 0;

        await Assert.ThrowsAsync<TimeoutException>(() =>
            Retry(new FakeTimeProvider(), TimeSpan.Zero).RunAsync<int>(_ => throw new TimeoutException($"down {++calls}"), null, CancellationToken.None));

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task RunAsync_NotAnOutage_ThrowsAtOnce()
    {
        var calls = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Retry(new FakeTimeProvider(), TimeSpan.FromMinutes(5)).RunAsync<int>(_ => throw new InvalidOperationException($"bug {++calls}"), null, CancellationToken.None));

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task DatabaseRetry_LostConnectionThenBack_IsRetriedButASqlErrorIsNot()
    {
        var time = new FakeTimeProvider();
        var retry = new DatabaseRetry(Options.Create(new PostgresOptions { OutageTolerance = TimeSpan.FromMinutes(1) }), time);
        var calls = 0;

        var result = await DriveAsync(time, retry.RunAsync(
            _ => ++calls < 3 ? throw new NpgsqlException("connection lost", new SocketException()) : Task.FromResult("ok"), null, CancellationToken.None));
        var sqlCalls = 0;
        await Assert.ThrowsAsync<PostgresException>(() => retry.RunAsync<int>(
            _ => throw new PostgresException($"no such table {++sqlCalls}", "ERROR", "ERROR", "42P01"), null, CancellationToken.None));

        Assert.Equal(("ok", 3, 1), (result, calls, sqlCalls));
    }

    [Fact]
    public void BrokerRetry_IsConnectionLoss_RestartsYesMistakesNo()
    {
        Assert.True(BrokerRetry.IsConnectionLoss(new BrokerUnreachableException(new IOException("refused"))));
        Assert.True(BrokerRetry.IsConnectionLoss(new AlreadyClosedException(new ShutdownEventArgs(ShutdownInitiator.Peer, 320, "CONNECTION_FORCED"))));
        Assert.True(BrokerRetry.IsConnectionLoss(new PublishException(1, isReturn: false)));
        Assert.False(BrokerRetry.IsConnectionLoss(new BrokerUnreachableException(new AuthenticationFailureException("ACCESS_REFUSED"))));
        Assert.False(BrokerRetry.IsConnectionLoss(new OperationInterruptedException(new ShutdownEventArgs(ShutdownInitiator.Peer, 406, "PRECONDITION_FAILED"))));
        Assert.False(BrokerRetry.IsConnectionLoss(new InvalidOperationException()));
    }

    private static OutageRetry Retry(TimeProvider time, TimeSpan tolerance) =>
        new(new OutageRetryOptions("test", ex => ex is TimeoutException, First, Max, tolerance), time);

    /// <summary>Moves the fake clock in small steps until <paramref name="run"/> ends (Polly waits on the fake clock's timers).</summary>
    private static async Task<T> DriveAsync<T>(FakeTimeProvider time, Task<T> run)
    {
        for (var steps = 0; !run.IsCompleted && steps < 100_000; steps++)
        {
            await Task.Delay(1);
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        return await run;
    }
}
