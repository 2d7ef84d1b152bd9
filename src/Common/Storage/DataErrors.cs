using System.Text;
using Npgsql;

namespace Pipeline.Common.Storage;

/// <summary>
/// Errors that say a row's values are unacceptable, not that the database is gone: retrying cannot help, and
/// they belong to the rows that caused them (split the commit, record those rows as failures).
/// </summary>
public static class DataErrors
{
    /// <summary>
    /// SQLSTATE class 22 (data exception: NUL or invalid UTF-8 in text, values out of range, …), 54000 (program
    /// limit exceeded: an index row too large) and text the client could not encode.
    /// </summary>
    public static bool IsDataError(Exception exception) => exception switch
    {
        PostgresException { SqlState: var state } => state.StartsWith("22", StringComparison.Ordinal) || state == "54000",
        EncoderFallbackException => true,
        NpgsqlException { InnerException: { } inner } => IsDataError(inner),
        _ => false,
    };

    /// <summary>A short description for the failure message.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        PostgresException postgres => $"the database refused the row ({postgres.SqlState}: {postgres.MessageText})",
        _ => $"the row could not be encoded for the database ({exception.Message})",
    };
}
