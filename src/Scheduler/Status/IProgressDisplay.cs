namespace Pipeline.Scheduler.Status;

/// <summary>How <c>--wait</c> / <c>--follow</c> shows a job while it runs.</summary>
internal interface IProgressDisplay
{
    Task UpdateAsync(JobProgress progress, CancellationToken cancellationToken);

    /// <summary>The last state (complete, or the only one without <c>--wait</c>), left on screen as a plain line.</summary>
    Task FinishAsync(JobProgress progress, CancellationToken cancellationToken);
}
