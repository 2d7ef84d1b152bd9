using Pipeline.Common.Sources;
using Pipeline.Scheduler.Status;

namespace Pipeline.Scheduler.Serving.Pages;

/// <summary>A job as the API and the live-refreshing pages see it (counts as in <c>pipeline status</c>; source redacted).</summary>
/// <param name="Fraction">Done out of total, 0 to 1; null while the scheduler still lists the source.</param>
/// <param name="Rate">Images per second the workers processed so far.</param>
/// <param name="EtaSeconds">Pending images at that rate; null when unknown or complete.</param>
internal sealed record JobSummary(
    Guid Id, string Model, string Source, string State, long? Total, long Embedded, long Failed, long Skipped, long? Pending,
    double? Fraction, double? Rate, double? EtaSeconds, string RateText, string EtaText, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt)
{
    public static JobSummary From(JobProgress progress)
    {
        var s = progress.Status;
        return new JobSummary(
            s.Id, s.ModelId, ImageUri.Redact(s.Source), s.State, s.Total, s.Embedded, s.Failed, s.Skipped, s.Pending,
            progress.Fraction, progress.Rate, progress.Eta?.TotalSeconds, progress.RateText, progress.EtaText, s.CreatedAt, s.CompletedAt);
    }
}
