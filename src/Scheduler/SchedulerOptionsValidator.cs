using Microsoft.Extensions.Options;

namespace Pipeline.Scheduler;

/// <summary>Checks <see cref="SchedulerOptions"/> at start-up: its DataAnnotations ranges and its cross-field rules (source-generated).</summary>
[OptionsValidator]
internal sealed partial class SchedulerOptionsValidator : IValidateOptions<SchedulerOptions>
{
}
