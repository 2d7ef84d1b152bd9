using System.Globalization;

namespace Pipeline.Common.Messaging;

/// <summary>
/// <see cref="RabbitMqOptions.MaxDeliveries"/>, enforced by the consumer rather than by an immutable queue argument:
/// quorum queues count each return of a message (nack with requeue, a consumer's channel or connection lost, e.g. a
/// crashed worker) in the <c>x-delivery-count</c> header of its next delivery.
/// </summary>
public static class DeliveryLimit
{
    /// <summary>The quorum queue's count of earlier deliveries of a message (absent on the first).</summary>
    public const string DeliveryCountHeader = "x-delivery-count";

    /// <summary>Earlier deliveries of this message (0 on the first), from the header quorum queues set.</summary>
    public static long PreviousDeliveries(IDictionary<string, object?>? headers) =>
        headers?.TryGetValue(DeliveryCountHeader, out var value) == true && value is not null
            ? Convert.ToInt64(value, CultureInfo.InvariantCulture)
            : 0;

    /// <summary>True when the message was delivered <paramref name="maxDeliveries"/> times already and must not run again.</summary>
    public static bool IsExceeded(IDictionary<string, object?>? headers, int maxDeliveries) =>
        PreviousDeliveries(headers) >= maxDeliveries;
}
