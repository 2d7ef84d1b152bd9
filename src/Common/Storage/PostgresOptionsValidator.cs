namespace Pipeline.Common.Storage;

using Microsoft.Extensions.Options;

/// <summary>Checks <see cref="PostgresOptions"/> at start-up: its DataAnnotations ranges and its cross-field rules (source-generated).</summary>
[OptionsValidator]
public sealed partial class PostgresOptionsValidator : IValidateOptions<PostgresOptions>
{
}
