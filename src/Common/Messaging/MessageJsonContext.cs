namespace Pipeline.Common.Messaging;

using System.Text.Json.Serialization;

/// <summary>Source-generated JSON for queue messages: no reflection on the hot path.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BatchMessage))]
internal sealed partial class MessageJsonContext : JsonSerializerContext;
