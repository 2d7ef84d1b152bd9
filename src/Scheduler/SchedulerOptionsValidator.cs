namespace Pipeline.Scheduler;

using Microsoft.Extensions.Options;

/// <summary>Checks <see cref="SchedulerOptions"/> at start-up: its DataAnnotations ranges and its cross-field rules (source-generated).</summary>
[OptionsValidator]
internal sealed partial class SchedulerOptionsValidator : IValidateOptions<SchedulerOptions>
{
}
