using Microsoft.Extensions.Options;

namespace Pipeline.Worker;

/// <summary>Checks <see cref="WorkerOptions"/> at start-up: its DataAnnotations ranges and its cross-field rules (source-generated).</summary>
[OptionsValidator]
internal sealed partial class WorkerOptionsValidator : IValidateOptions<WorkerOptions>
{
}
