using System.Globalization;
using System.Text.Json;
using Pipeline.Common;
using Pipeline.Common.Messaging;
using RabbitMQ.Client;

namespace Pipeline.Scheduler.Recovery;

/// <summary>
/// Reads a model's dead letters (<see cref="DeadLetters"/>) with basic.get and manual acks: <c>list</c> returns them
/// all to their queues; <c>replay</c> queues their images again and removes them; <c>purge</c> deletes the settled ones.
/// </summary>
internal sealed class DeadLetterBrowser(RabbitMqConnector connector, JobRetries retries, int batchSize, string modelId)
{
    /// <summary>Dead letters read per queue at most in one run.</summary>
    private const int MaxLetters = 100_000;

    public async Task<int> RunAsync(DeadLetterAction action, TextWriter output, CancellationToken cancellationToken)
    {
        var topology = new QueueTopology(connector.Options, modelId);
        var letters = new DeadLetters(topology);
        var connection = await connector.ConnectAsync("pipeline-dead-letters", cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
                cancellationToken).ConfigureAwait(false);
            await using (channel.ConfigureAwait(false))
            {
                await topology.DeclareAsync(connection, null, cancellationToken).ConfigureAwait(false);
                await letters.DeclareAsync(channel, cancellationToken).ConfigureAwait(false);
                if (action == DeadLetterAction.Purge)
                {
                    var purged = await channel.QueuePurgeAsync(letters.Parked, cancellationToken).ConfigureAwait(false);
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{purged} settled dead letters purged from {letters.Parked}"))
                        .ConfigureAwait(false);
                    return ExitCodes.Ok;
                }

                var unsettled = await GetAllAsync(channel, letters.Dead, cancellationToken).ConfigureAwait(false);
                var settled = await GetAllAsync(channel, letters.Parked, cancellationToken).ConfigureAwait(false);
                foreach (var (queue, got) in unsettled.Select(g => ("unsettled", g)).Concat(settled.Select(g => ("settled", g))))
                {
                    await output.WriteLineAsync(Describe(queue, got)).ConfigureAwait(false);
                }

                if (unsettled.Count + settled.Count == 0)
                {
                    await output.WriteLineAsync($"no dead letters for model {modelId}").ConfigureAwait(false);
                }

                if (action == DeadLetterAction.List)
                {
                    await ReturnAllAsync(channel, unsettled, cancellationToken).ConfigureAwait(false);
                    await ReturnAllAsync(channel, settled, cancellationToken).ConfigureAwait(false);
                    return ExitCodes.Ok;
                }

                await ReplayAsync(channel, letters, unsettled, settled, output, cancellationToken).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
        }
    }

    private async Task ReplayAsync(
        IChannel channel, DeadLetters letters, List<BasicGetResult> unsettled, List<BasicGetResult> settled, TextWriter output, CancellationToken cancellationToken)
    {
        // Not settled yet (no worker ran): the batch is still open, so the message itself goes back, its attempts reset.
        foreach (var got in unsettled)
        {
            var properties = new BasicProperties { Persistent = true, ContentType = got.BasicProperties.ContentType, MessageId = got.BasicProperties.MessageId };
            await channel.BasicPublishAsync(string.Empty, letters.Main, mandatory: true, properties, got.Body, cancellationToken).ConfigureAwait(false);
            await channel.BasicAckAsync(got.DeliveryTag, multiple: false, cancellationToken).ConfigureAwait(false);
        }

        // Settled: the batch is committed with DeadLettered failures, so its images go again as retry batches of their job.
        var jobs = settled.Select(got => Read(got)?.JobId).OfType<Guid>().Distinct().ToList();
        var images = 0;
        var publisher = await BatchPublisher.OpenAsync(connector, modelId, cancellationToken).ConfigureAwait(false);
        await using (publisher.ConfigureAwait(false))
        {
            foreach (var job in jobs)
            {
                foreach (var message in await retries.PlanAsync(job, [FailureReason.DeadLettered], batchSize, cancellationToken).ConfigureAwait(false) ?? [])
                {
                    await publisher.PublishAsync(message, cancellationToken).ConfigureAwait(false);
                    images += message.Items.Count;
                }
            }

            await publisher.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var got in settled)
        {
            await channel.BasicAckAsync(got.DeliveryTag, multiple: false, cancellationToken).ConfigureAwait(false);
        }

        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"replayed {unsettled.Count} unsettled dead letters as they were, and {images} DeadLettered images of {jobs.Count} jobs from {settled.Count} settled ones"))
            .ConfigureAwait(false);
    }

    private static async Task<List<BasicGetResult>> GetAllAsync(IChannel channel, string queue, CancellationToken cancellationToken)
    {
        var all = new List<BasicGetResult>();
        while (all.Count < MaxLetters && await channel.BasicGetAsync(queue, autoAck: false, cancellationToken).ConfigureAwait(false) is { } got)
        {
            all.Add(got);
        }

        return all;
    }

    private static async Task ReturnAllAsync(IChannel channel, List<BasicGetResult> letters, CancellationToken cancellationToken)
    {
        foreach (var got in letters)
        {
            await channel.BasicNackAsync(got.DeliveryTag, multiple: false, requeue: true, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Describe(string state, BasicGetResult got) => Read(got) is { } message
        ? string.Create(
            CultureInfo.InvariantCulture,
            $"{state}  job {message.JobId} batch {message.BatchNo}: {message.Items.Count} images: {DeadLetters.Reason(got.BasicProperties)}")
        : $"{state}  unreadable message ({got.Body.Length} bytes): {DeadLetters.Reason(got.BasicProperties)}";

    private static BatchMessage? Read(BasicGetResult got)
    {
        try
        {
            return BatchMessageSerializer.Deserialize(got.Body.Span);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
