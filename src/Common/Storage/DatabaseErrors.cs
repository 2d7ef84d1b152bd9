using System.Net.Sockets;
using Npgsql;

namespace Pipeline.Common.Storage;

/// <summary>Which database errors are an outage worth waiting out (restart, failover), not a bug.</summary>
public static class DatabaseErrors
{
    /// <summary>Whether <paramref name="exception"/> is an outage (connection lost, server shutting down, failover) rather than a data error.</summary>
    public static bool IsTransient(NpgsqlException exception) =>
        exception.IsTransient
        // admin_shutdown, crash_shutdown, cannot_connect_now: a restart or failover in progress.
        || exception is PostgresException { SqlState: "57P01" or "57P02" or "57P03" }
        || exception.InnerException is IOException or SocketException;

    /// <summary>
    /// Whether <paramref name="exception"/> means the database cannot be used at all (unreachable, login refused, no such
    /// database, out of connections or resources, shutting down), rather than that one statement failed. Errors without
    /// a SQLSTATE (socket, timeout, TLS) count as unavailable. SQLSTATE classes from PostgreSQL's Appendix A: 08
    /// connection exception, 28 invalid authorization, 3D invalid catalog name, 53 insufficient resources, 57P operator
    /// intervention.
    /// </summary>
    public static bool IsUnavailable(NpgsqlException exception) => exception is not PostgresException postgres
        || postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
        || postgres.SqlState.StartsWith("28", StringComparison.Ordinal)
        || postgres.SqlState.StartsWith("3D", StringComparison.Ordinal)
        || postgres.SqlState.StartsWith("53", StringComparison.Ordinal)
        || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal);
}
