namespace Pipeline.Worker.Inference;

using Microsoft.Extensions.Options;

/// <summary>Checks <see cref="InferenceOptions"/> at start-up: its DataAnnotations ranges and its cross-field rules (source-generated).</summary>
[OptionsValidator]
internal sealed partial class InferenceOptionsValidator : IValidateOptions<InferenceOptions>
{
}
