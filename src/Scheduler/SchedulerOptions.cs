using System.ComponentModel.DataAnnotations;

namespace Pipeline.Scheduler;

/// <summary>Enqueue defaults. Bound from the <c>Scheduler</c> section; command-line flags override.</summary>
internal sealed class SchedulerOptions
{
    public const string SectionName = "Scheduler";

    /// <summary>Image URIs per queue message (<c>--batch-size</c>). Default 32; 1 to 10,000.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 32;

    /// <summary>URIs looked up at once when deciding what an incremental run can skip. Default 2,000; 1 to 100,000.</summary>
    [Range(1, 100_000)]
    public int LookupChunk { get; set; } = 2_000;

    /// <summary>How often <c>--wait</c> polls the job. Default 1 s; 50 ms to 10 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>With <c>--wait</c> and output that is not a terminal (CI logs), at most one progress line this often; 0 = every change. Default 10 s; 0 to 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(10);
}
