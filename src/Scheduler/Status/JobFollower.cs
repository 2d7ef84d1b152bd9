namespace Pipeline.Scheduler.Status;

using Microsoft.Extensions.Options;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;

/// <summary>Prints a job's accounting, and with <c>--wait</c> / <c>--follow</c> follows it until it completes.</summary>
/// <remarks>Every read waits out a lost database (<see cref="DatabaseRetry"/>), like <c>enqueue</c> and the workers do.</remarks>
public sealed class JobFollower(JobStore jobs, DatabaseRetry retry, IOptions<SchedulerOptions> options, TimeProvider time)
{
    /// <returns>Exit code: 0 all embedded or skipped, 3 some images failed, 4 unknown job, 5 not complete.</returns>
    public async Task<int> ShowAsync(Guid jobId, bool wait, TextWriter output, CancellationToken cancellationToken)
    {
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
