using Microsoft.Extensions.Options;
using Pipeline.Common;
using Pipeline.Common.Messaging;
using Pipeline.Common.Storage;

namespace Pipeline.Scheduler.Recovery;

/// <summary>
/// Queues a job's failed images again (same job, a new attempt): <c>pipeline retry</c> and the jobs page's retry action.
/// Needs a database role that may write <c>failures</c> and <c>jobs</c>, and the broker.
/// </summary>
internal sealed class JobRetrier(JobStore jobs, JobRetries retries, RabbitMqConnector broker, IOptions<SchedulerOptions> options)
{
    /// <summary>Plans and publishes the retry of <paramref name="jobId"/>'s failures (all, or those with the given reasons).</summary>
    /// <returns>The images and messages queued, or null when the job does not exist.</returns>
    public async Task<RetryOutcome?> QueueAsync(Guid jobId, IReadOnlyCollection<FailureReason> reasons, CancellationToken cancellationToken)
    {
        if (await jobs.GetAsync(jobId, cancellationToken).ConfigureAwait(false) is not { } found)
        {
            return null;
        }

        // Broker first, as enqueue does: an unreachable broker leaves the job untouched.
        var publisher = await BatchPublisher.OpenAsync(broker, found.Status.ModelId, cancellationToken).ConfigureAwait(false);
        await using (publisher.ConfigureAwait(false))
        {
            var messages = await retries.PlanAsync(jobId, reasons, options.Value.BatchSize, cancellationToken).ConfigureAwait(false) ?? [];
            foreach (var message in messages)
            {
                await publisher.PublishAsync(message, cancellationToken).ConfigureAwait(false);
            }

            await publisher.FlushAsync(cancellationToken).ConfigureAwait(false);
            return new RetryOutcome(messages.Sum(m => m.Items.Count), messages.Count);
        }
    }
}
