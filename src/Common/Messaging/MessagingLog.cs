using Microsoft.Extensions.Logging;

namespace Pipeline.Common.Messaging;

/// <summary>Source-generated log messages of the broker topology.</summary>
internal static partial class MessagingLog
{
    [LoggerMessage(
        EventIds.Messaging.QueueKeptWithOtherArguments,
        LogLevel.Warning,
        "Queue {Queue} exists with arguments an earlier version declared ({Reason}); it is used as it is. A fixed x-delivery-limit there "
        + "still dead-letters at its old value, whatever RabbitMq:MaxDeliveries says: drain and delete the queue to drop it")]
    public static partial void QueueKeptWithOtherArguments(ILogger logger, string queue, string reason);
}
