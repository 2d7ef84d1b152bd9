using Microsoft.Extensions.Options;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;

namespace Pipeline.Scheduler.Status;

/// <summary>Prints a job's accounting, and with <c>--wait</c> / <c>--follow</c> follows it until it completes.</summary>
/// <remarks>Every read waits out a lost database (<see cref="DatabaseRetry"/>), like <c>enqueue</c> and the workers do.</remarks>
internal sealed class JobFollower(JobStore jobs, DatabaseRetry retry, IOptions<SchedulerOptions> options, TimeProvider time)
{
    /// <param name="timeout">With <paramref name="wait"/>: give up after this long (null: wait for ever).</param>
    /// <returns>
    /// Exit code: 0 all embedded or skipped, 3 some images failed, 4 unknown job, 5 not complete, 10 the wait timed out,
    /// 11 the job was abandoned by its scheduler.
    /// </returns>
    public async Task<int> ShowAsync(Guid jobId, bool wait, TextWriter output, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var deadline = timeout is { } limit ? time.GetUtcNow() + limit : (DateTimeOffset?)null;
        var display = wait
            ? ProgressDisplays.For(output, time, options.Value.ProgressInterval)
            : new PlainProgressDisplay(output, time, TimeSpan.Zero);
        while (true)
        {
            var found = await retry.RunAsync(token => jobs.GetAsync(jobId, token), null, cancellationToken).ConfigureAwait(false);
            if (found is not { } job)
            {
                await output.WriteLineAsync($"job {jobId} not found").ConfigureAwait(false);
                return ExitCodes.UnknownJob;
            }

            var progress = JobProgress.From(job.Status, job.DoneAtEnqueue);
            if (job.Status.State == JobLease.Abandoned)
            {
                await display.FinishAsync(progress, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync(
                    $"job {jobId} was abandoned: its scheduler stopped while enqueuing (no heartbeat for {JobLease.Expiry.TotalSeconds:0} s); " +
                    "run the same enqueue again: what is already embedded is skipped").ConfigureAwait(false);
                return ExitCodes.JobAbandoned;
            }

            if (wait && deadline is { } end && time.GetUtcNow() >= end)
            {
                await display.FinishAsync(progress, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"gave up waiting for job {jobId} after {timeout}; it goes on (pipeline status {jobId} --wait)").ConfigureAwait(false);
                return ExitCodes.WaitTimedOut;
            }

            if (job.Status.IsComplete || !wait)
            {
                await display.FinishAsync(progress, cancellationToken).ConfigureAwait(false);
                return await FinishAsync(job.Status, output, cancellationToken).ConfigureAwait(false);
            }

            await display.UpdateAsync(progress, cancellationToken).ConfigureAwait(false);
            await Task.Delay(options.Value.PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<int> FinishAsync(JobStatus status, TextWriter output, CancellationToken cancellationToken)
    {
        if (status.Failed > 0)
        {
            var failures = await retry.RunAsync(token => jobs.GetFailuresAsync(status.Id, 20, token), null, cancellationToken).ConfigureAwait(false);
            foreach (var (uri, reason, message) in failures)
            {
                await output.WriteLineAsync($"  failed {reason}: {ImageUri.Redact(uri)}: {message}").ConfigureAwait(false);
            }

            return ExitCodes.ImagesFailed;
        }

        return status.IsComplete ? ExitCodes.Ok : ExitCodes.NotComplete;
    }
}
