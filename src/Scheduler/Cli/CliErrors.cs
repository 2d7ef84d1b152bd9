using Azure;
using Microsoft.Extensions.Options;
using Npgsql;
using Pipeline.Common;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;
using RabbitMQ.Client.Exceptions;

namespace Pipeline.Scheduler.Cli;

/// <summary>
/// Turns the failures a person can fix (a service down, a bad setting, an unreadable source) into one
/// line and a distinct exit code. Anything else is a bug and keeps its stack trace.
/// The messages come from the exceptions, which never carry the passwords of connection strings or URIs.
/// </summary>
internal static class CliErrors
{
    public static CliFailure? Describe(Exception exception) => exception switch
    {
        OptionsValidationException e => new(ExitCodes.InvalidConfiguration, "invalid configuration: " + string.Join("; ", e.Failures)),
        NpgsqlException e when DatabaseErrors.IsUnavailable(e) => new(
            ExitCodes.DatabaseUnavailable, $"database unavailable: {Reasons(e)} (check PIPELINE_Postgres__ConnectionString and that Postgres is running)"),
        // The database answered but refused a statement: its SQLSTATE and text, not advice about connection settings.
        PostgresException e => new(ExitCodes.DatabaseUnavailable, $"database error {e.SqlState}: {FirstLine(e.MessageText)}"),
        BrokerUnreachableException or OperationInterruptedException or AlreadyClosedException or PublishException => new(
            ExitCodes.BrokerUnavailable, $"message broker unavailable: {Reasons(exception)} (check PIPELINE_RabbitMq__Uri and that RabbitMQ is running)"),
        RequestFailedException e => new(ExitCodes.SourceUnreadable, $"blob storage: {e.Status} {e.ErrorCode}: {FirstLine(e.Message)}"),
        ManifestFormatException or FileNotFoundException or DirectoryNotFoundException or ImageFailureException => new(
            ExitCodes.SourceUnreadable, "cannot read the images: " + Reasons(exception)),
        InvalidOperationException => new(ExitCodes.Error, Reasons(exception)),
        _ => null,
    };

    /// <summary>The exception's message and its causes' (the useful part of a broker error is two levels down).</summary>
    private static string Reasons(Exception exception)
    {
        var text = FirstLine(exception.Message);
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            var reason = FirstLine(inner.Message);
            // An aggregate's message only repeats its inner ones, which follow.
            if (inner is not AggregateException && !text.Contains(reason, StringComparison.Ordinal))
            {
                text += ": " + reason;
            }
        }

        return text;
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
