namespace Pipeline.Scheduler.Status;

using System.Globalization;
using Microsoft.Extensions.Options;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;

/// <summary>Prints a job's accounting, and with <c>--wait</c> follows it until it completes.</summary>
public sealed class JobFollower(JobStore jobs, IOptions<SchedulerOptions> options, TimeProvider time)
{
    /// <returns>Exit code: 0 all embedded or skipped, 3 some images failed, 4 unknown job, 5 not complete.</returns>
    public async Task<int> ShowAsync(Guid jobId, bool wait, TextWriter output, CancellationToken cancellationToken)
    {
        string? lastLine = null;
        while (true)
        {
            var found = await jobs.GetAsync(jobId, cancellationToken).ConfigureAwait(false);
            if (found is not { } job)
            {
                await output.WriteLineAsync($"job {jobId} not found").ConfigureAwait(false);
                return ExitCodes.UnknownJob;
            }

            var line = Format(job.Status, job.DoneAtEnqueue);
            if (line != lastLine)
            {
                await output.WriteLineAsync(line).ConfigureAwait(false);
                lastLine = line;
            }

            if (job.Status.IsComplete || !wait)
            {
                return await FinishAsync(job.Status, output, cancellationToken).ConfigureAwait(false);
            }

            await Task.Delay(options.Value.PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    public static string Format(JobStatus s, long doneAtEnqueue)
    {
        var rate = s.ImagesPerSecond(doneAtEnqueue) is { } r ? r.ToString("0.0", CultureInfo.InvariantCulture) + " img/s" : "-";
        var total = s.Total?.ToString(CultureInfo.InvariantCulture) ?? "?";
        var pending = s.Pending?.ToString(CultureInfo.InvariantCulture) ?? "?";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"job {s.Id} [{s.State}] model {s.ModelId}: images {total}, done {s.Embedded}, failed {s.Failed}, skipped {s.Skipped}, pending {pending}, {rate}");
    }

    private async Task<int> FinishAsync(JobStatus status, TextWriter output, CancellationToken cancellationToken)
    {
        if (status.Failed > 0)
        {
            foreach (var (uri, reason, message) in await jobs.GetFailuresAsync(status.Id, 20, cancellationToken).ConfigureAwait(false))
            {
                // The stored URI keeps its SAS (needed to fetch); what is printed must not.
                await output.WriteLineAsync($"  failed {reason}: {ImageUri.Redact(uri)}: {message}").ConfigureAwait(false);
            }

            return ExitCodes.ImagesFailed;
        }

        return status.IsComplete ? ExitCodes.Ok : ExitCodes.NotComplete;
    }
}
