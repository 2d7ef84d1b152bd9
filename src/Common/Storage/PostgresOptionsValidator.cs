using Microsoft.Extensions.Options;

namespace Pipeline.Common.Storage;

/// <summary>Checks <see cref="PostgresOptions"/> at start-up: its DataAnnotations ranges and its cross-field rules (source-generated).</summary>
[OptionsValidator]
public sealed partial class PostgresOptionsValidator : IValidateOptions<PostgresOptions>
{
}
