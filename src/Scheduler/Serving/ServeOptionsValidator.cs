using Microsoft.Extensions.Options;

namespace Pipeline.Scheduler.Serving;

/// <summary>Checks <see cref="ServeOptions"/> at start-up: its DataAnnotations ranges and its cross-field rules (source-generated).</summary>
[OptionsValidator]
internal sealed partial class ServeOptionsValidator : IValidateOptions<ServeOptions>
{
}
