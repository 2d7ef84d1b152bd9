using System.ComponentModel.DataAnnotations;

namespace Pipeline.Common.Storage;

/// <summary>HNSW index builds (<see cref="EmbeddingIndex"/>). Bound from the <c>Index</c> section.</summary>
public sealed class IndexOptions
{
    /// <summary>The settings section, <c>Index</c>.</summary>
    public const string SectionName = "Index";

    /// <summary>
    /// The worker builds the index when a model's first job completes, and at start-up when it is missing or INVALID
    /// (a cancelled build). Off: only <c>pipeline index</c> builds it (backfills, a maintenance window). Default on.
    /// </summary>
    public bool AutoBuild { get; set; } = true;

    /// <summary>
    /// <c>maintenance_work_mem</c> for the build's session, e.g. <c>2GB</c>; unset keeps the server's (64MB by default).
    /// An HNSW graph that outgrows it is finished on disk, several times slower (Postgres says so in a NOTICE).
    /// Default none; a number of up to 9 digits with an optional unit <c>kB</c>, <c>MB</c>, <c>GB</c> or <c>TB</c>.
    /// </summary>
    [RegularExpression("^[0-9]{1,9} ?(kB|MB|GB|TB)?$")]
    public string? MaintenanceWorkMem { get; set; }

    /// <summary><c>max_parallel_maintenance_workers</c> for the build's session. Default none: the server's (2 by default); 0 to 1,024.</summary>
    [Range(0, 1024)]
    public int? MaxParallelMaintenanceWorkers { get; set; }

    /// <summary>How often a build's progress is read from <c>pg_stat_progress_create_index</c>. Default 1 s; 100 ms to 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);
}
