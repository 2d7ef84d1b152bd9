namespace Pipeline.Common.Messaging;

using Microsoft.Extensions.Options;

/// <summary>Checks <see cref="RabbitMqOptions"/> at start-up: its DataAnnotations ranges and its cross-field rules (source-generated).</summary>
[OptionsValidator]
public sealed partial class RabbitMqOptionsValidator : IValidateOptions<RabbitMqOptions>
{
}
