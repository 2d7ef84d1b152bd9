using System.ComponentModel.DataAnnotations;

namespace Pipeline.Common.Storage;

/// <summary>Database connection. Bound from the <c>Postgres</c> section; the password comes from the environment only.</summary>
public sealed class PostgresOptions
{
    /// <summary>The settings section, <c>Postgres</c>.</summary>
    public const string SectionName = "Postgres";

    /// <summary>
    /// Npgsql connection string (TLS via <c>SSL Mode=…</c>); a secret, never logged. Required. Default
    /// <c>Host=127.0.0.1;Port=55432;Username=pipeline;Database=pipeline</c> (the local services).
    /// </summary>
    [Required]
    public string ConnectionString { get; set; } = "Host=127.0.0.1;Port=55432;Username=pipeline;Database=pipeline";

    /// <summary>
    /// How long a lost database is waited out (jittered back-off) before a worker fails or <c>pipeline</c> exits 6.
    /// Default 1 min; 0 (fail at the first error) to 1 hour.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan OutageTolerance { get; set; } = TimeSpan.FromSeconds(60);
}
