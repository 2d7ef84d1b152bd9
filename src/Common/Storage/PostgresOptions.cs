using System.ComponentModel.DataAnnotations;
using Npgsql;

namespace Pipeline.Common.Storage;

/// <summary>Database connection. Bound from the <c>Postgres</c> section; the password comes from the environment only.</summary>
public sealed class PostgresOptions : IValidatableObject
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

    /// <summary>The connection string parses as Npgsql's (its parser's message is not repeated: it can quote the password).</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(ConnectionString))
        {
            yield break;
        }

        var valid = true;
        try
        {
            _ = new NpgsqlConnectionStringBuilder(ConnectionString);
        }
        catch (ArgumentException)
        {
            valid = false;
        }

        if (!valid)
        {
            yield return new ValidationResult(
                "Not a valid Npgsql connection string: Key=Value pairs separated by ';', with known keys and values of their type "
                + "(the value is a secret and is not shown).",
                [nameof(ConnectionString)]);
        }
    }
}
