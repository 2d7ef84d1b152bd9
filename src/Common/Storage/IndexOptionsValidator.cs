using Microsoft.Extensions.Options;

namespace Pipeline.Common.Storage;

/// <summary>Checks <see cref="IndexOptions"/> at start-up: its DataAnnotations ranges and its cross-field rules (source-generated).</summary>
[OptionsValidator]
public sealed partial class IndexOptionsValidator : IValidateOptions<IndexOptions>
{
}
