using Microsoft.Extensions.Options;

namespace Pipeline.Worker.Inference;

/// <summary>Checks <see cref="InferenceOptions"/> at start-up: its DataAnnotations ranges and its cross-field rules (source-generated).</summary>
[OptionsValidator]
internal sealed partial class InferenceOptionsValidator : IValidateOptions<InferenceOptions>
{
}
