using Pipeline.Common.Messaging;

namespace Pipeline.Worker.Observability;

/// <summary>
/// Log scopes that tie every line logged while a message is handled (fetcher retries included) to its
/// job and message. The JSON console formatter writes them as fields when scopes are included.
/// </summary>
internal static class LogScopes
{
    private static readonly Func<ILogger, Guid, int, IDisposable?> MessageScope =
        LoggerMessage.DefineScope<Guid, int>("message {JobId}/{BatchNo}");

    private static readonly Func<ILogger, string, IDisposable?> CommitScope =
        LoggerMessage.DefineScope<string>("commit {Messages}");

    public static IDisposable? Message(ILogger logger, BatchMessage message) => MessageScope(logger, message.JobId, message.BatchNo);

    /// <summary>A commit groups several messages: its scope names them all (<c>job/batch</c>, comma separated).</summary>
    public static IDisposable? Commit(ILogger logger, IEnumerable<InFlightMessage> group) =>
        CommitScope(logger, string.Join(", ", group.Select(m => $"{m.Message.JobId}/{m.Message.BatchNo}")));
}
