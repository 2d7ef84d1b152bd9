using System.Text.Json;

namespace Pipeline.Common.Messaging;

/// <summary>Wire format of <see cref="BatchMessage"/>: UTF-8 JSON.</summary>
public static class BatchMessageSerializer
{
    /// <summary>The AMQP content type of every batch message.</summary>
    public const string ContentType = "application/json";

    /// <summary>UTF-8 JSON of <paramref name="message"/> (camelCase), the body of one AMQP message.</summary>
    public static byte[] Serialize(BatchMessage message) =>
        JsonSerializer.SerializeToUtf8Bytes(message, MessageJsonContext.Default.BatchMessage);

    /// <exception cref="JsonException">The body is not a batch message.</exception>
    public static BatchMessage Deserialize(ReadOnlySpan<byte> body) =>
        JsonSerializer.Deserialize(body, MessageJsonContext.Default.BatchMessage)
        ?? throw new JsonException("empty batch message");
}
