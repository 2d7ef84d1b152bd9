using System.Text.Json.Serialization;

namespace Pipeline.Common.Messaging;

/// <summary>Source-generated JSON for queue messages: no reflection on the hot path.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BatchMessage))]
internal sealed partial class MessageJsonContext : JsonSerializerContext;
