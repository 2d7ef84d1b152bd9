using Microsoft.Extensions.Options;

namespace Pipeline.Worker.Observability;

/// <summary>Checks <see cref="MetricsOptions"/> at start-up: its DataAnnotations ranges and its cross-field rules (source-generated).</summary>
[OptionsValidator]
internal sealed partial class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
}
