using Microsoft.Extensions.Options;

namespace Pipeline.Common.Inference;

/// <summary>Checks <see cref="ModelOptions"/> at start-up: its DataAnnotations ranges and its cross-field rules (source-generated).</summary>
[OptionsValidator]
public sealed partial class ModelOptionsValidator : IValidateOptions<ModelOptions>
{
}
