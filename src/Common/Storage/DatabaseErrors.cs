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
}
