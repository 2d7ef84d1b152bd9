using System.Globalization;
using System.Text.RegularExpressions;
using Pipeline.Common.Messaging;
using Pipeline.IntegrationTests.Infrastructure;
using RabbitMQ.Client;

namespace Pipeline.IntegrationTests.LiveOperations;

/// <summary>
/// One model's queues on the shared broker, as an operator sees them across worker restarts: workers started one
/// after the other with different settings, the dead-letter queue read, the retry hops timed from the workers' logs.
/// </summary>
internal sealed partial class LiveBroker : IAsyncDisposable
{
    private readonly IConnection _connection;

    private LiveBroker(IConnection connection, string modelId, string prefix)
    {
        _connection = connection;
        ModelId = modelId;
        Prefix = prefix;
        Environment = ServiceEndpoints.ProcessEnvironment(modelId, prefix);
        // Timestamped single-line logs: the retry hops are timed from them.
        Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
    }

    public string ModelId { get; }

    public string Prefix { get; }

    public Dictionary<string, string> Environment { get; }

    public QueueTopology Topology(RabbitMqOptions? options = null)
    {
        options ??= new RabbitMqOptions();
        options.QueuePrefix = Prefix;
        return new QueueTopology(options, ModelId);
    }

    public static async Task<LiveBroker> CreateAsync(string name)
    {
        var factory = new ConnectionFactory { Uri = new Uri(ServiceEndpoints.RabbitMq) };
        return new LiveBroker(await factory.CreateConnectionAsync(), ServiceEndpoints.NewModelId(name), "test." + Guid.NewGuid().ToString("N"));
    }

    /// <summary>A worker with <paramref name="settings"/> on top of the shared ones, ready to consume.</summary>
    public async Task<WorkerProcess> StartWorkerAsync(params (string Key, string Value)[] settings)
    {
        var environment = new Dictionary<string, string>(Environment);
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        var worker = WorkerProcess.Start(environment);
        await worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(3));
        return worker;
    }

    /// <summary>Starts a worker with the defaults (it declares the queues) and stops it: the state an operator changes.</summary>
    public async Task RunDefaultWorkerOnceAsync()
    {
        await using var worker = await StartWorkerAsync();
        Assert.Equal(0, await worker.StopAsync(TimeSpan.FromMinutes(1)));
    }

    /// <summary>
    /// Waits for the next dead letter, once a worker has settled it: the worker consumes the dead-letter queue, records
    /// the batch's images as DeadLettered failures and moves the message, headers kept, to the parked queue.
    /// </summary>
    public async Task<BasicGetResult> NextDeadLetterAsync(WorkerProcess worker, TimeSpan timeout)
    {
        await using var channel = await _connection.CreateChannelAsync();
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            if (await channel.BasicGetAsync(new DeadLetters(Topology()).Parked, autoAck: true, cts.Token) is { } message)
            {
                return message;
            }

            Assert.False(worker.HasExited, worker.Log);
            await Task.Delay(100, cts.Token);
        }
    }

    public async Task<IChannel> ChannelAsync() => await _connection.CreateChannelAsync();

    /// <summary>The worker's "sent to QUEUE" lines: each queue a message was moved to, with the time it was logged.</summary>
    public static List<(string Queue, TimeSpan At)> Hops(string log) =>
        [.. SentTo().Matches(log).Select(m => (m.Groups["queue"].Value, TimeSpan.ParseExact(m.Groups["at"].Value, @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture)))];

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    [GeneratedRegex(@"^(?<at>\d\d:\d\d:\d\d\.\d\d\d) .*sent to (?<queue>\S+) \(attempt", RegexOptions.Multiline)]
    private static partial Regex SentTo();
}
