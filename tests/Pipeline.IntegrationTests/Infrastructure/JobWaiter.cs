using Pipeline.Common.Storage;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>Waiting for a job a worker process runs: polls its row until it is complete, failing at once if the worker died.</summary>
internal static class JobWaiter
{
    /// <summary>The job's status once complete.</summary>
    /// <exception cref="OperationCanceledException">Not complete within <paramref name="timeout"/>.</exception>
    public static async Task<JobStatus> UntilCompleteAsync(JobStore jobs, Guid jobId, WorkerProcess worker, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        JobStatus status;
        while (!(status = (await jobs.GetAsync(jobId, deadline.Token))!.Value.Status).IsComplete)
        {
            Assert.False(worker.HasExited, worker.Log);
            await Task.Delay(200, deadline.Token);
        }

        return status;
    }
}
