using System.Globalization;
using Pipeline.Common.Storage;

namespace Pipeline.Scheduler.Status;

/// <summary>A job's accounting with its rate and, while it runs, the time left at that rate.</summary>
internal readonly record struct JobProgress(JobStatus Status, double? Rate)
{
    private static readonly TimeSpan LongestEta = TimeSpan.FromDays(99);

    public static JobProgress From(JobStatus status, long skippedAtEnqueue) => new(status, status.ImagesPerSecond(skippedAtEnqueue));

    /// <summary>Pending images at the job's rate so far; unknown before the first commit or while the source is still listed.</summary>
    public TimeSpan? Eta =>
        !Status.IsComplete && Status.Pending is { } pending && pending > 0 && Rate is { } rate && rate > 0
            ? TimeSpan.FromSeconds(Math.Min(pending / rate, LongestEta.TotalSeconds))
            : null;

    /// <summary>Done out of total, 0 to 1; unknown while the source is still listed.</summary>
    public double? Fraction => Status.IsComplete ? 1 : Status.Total is { } total && total > 0 ? Math.Min(1, Status.Done / (double)total) : null;

    public string RateText => Rate is { } r ? r.ToString("0.0", CultureInfo.InvariantCulture) + " img/s" : "-";

    public string EtaText => Eta is { } eta ? FormatDuration(eta) : "-";

    /// <summary>The one-line summary: <c>job … [running] model …: images …, done …, failed …, skipped …, pending …, rate[, ETA]</c>.</summary>
    public string Describe()
    {
        var s = Status;
        var total = s.Total?.ToString(CultureInfo.InvariantCulture) ?? "?";
        var pending = s.Pending?.ToString(CultureInfo.InvariantCulture) ?? "?";
        var eta = Eta is null ? string.Empty : ", ETA " + EtaText;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"job {s.Id} [{s.State}] model {s.ModelId}: images {total}, done {s.Embedded}, failed {s.Failed}, skipped {s.Skipped}, pending {pending}, {RateText}{eta}");
    }

    private static string FormatDuration(TimeSpan duration) =>
        duration.ToString(duration >= TimeSpan.FromDays(1) ? @"d\.hh\:mm\:ss" : @"hh\:mm\:ss", CultureInfo.InvariantCulture);
}
