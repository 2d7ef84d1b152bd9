using Microsoft.Extensions.Options;

namespace Pipeline.Common.Sources;

/// <summary>Checks <see cref="BlobOptions"/> at start-up: its DataAnnotations ranges and its cross-field rules (source-generated).</summary>
[OptionsValidator]
public sealed partial class BlobOptionsValidator : IValidateOptions<BlobOptions>
{
    /// <summary>For callers outside dependency injection: the same checks, thrown.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public static void ThrowIfInvalid(BlobOptions options) => new BlobOptionsValidator().ThrowIfInvalid(options, BlobOptions.SectionName);
}
