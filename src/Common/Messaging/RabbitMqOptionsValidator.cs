using Microsoft.Extensions.Options;

namespace Pipeline.Common.Messaging;

/// <summary>Checks <see cref="RabbitMqOptions"/> at start-up: its DataAnnotations ranges and its cross-field rules (source-generated).</summary>
[OptionsValidator]
public sealed partial class RabbitMqOptionsValidator : IValidateOptions<RabbitMqOptions>
{
}
