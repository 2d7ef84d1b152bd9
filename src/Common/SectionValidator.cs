using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Pipeline.Common;

/// <summary>
/// Runs an options validator and names each failing member as the operator writes it, <c>Section:Name</c>
/// (<c>PIPELINE_Section__Name</c>): the source-generated validator reports <c>HttpRetries: The field FetchOptions.HttpRetries
/// must be between 0 and 10.</c>, this reports <c>Fetch:HttpRetries: …</c>. Cross-field rules whose message already names
/// its settings give no member names and pass unchanged.
/// </summary>
public sealed partial class SectionValidator<TOptions>(IValidateOptions<TOptions> inner, string sectionName) : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <summary>The inner validator's result, its failures' member names prefixed with the section.</summary>
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var result = inner.Validate(name, options);
        if (!result.Failed)
        {
            return result;
        }

        return ValidateOptionsResult.Fail(result.Failures.Select(f => MemberNames().Replace(
            f, m => string.Join(", ", m.Groups[1].Value.Split(", ").Select(member => $"{sectionName}:{member}")) + ": ", 1)));
    }

    // "Member: message" or "A, B: message", as ValidateOptionsResultBuilder writes a ValidationResult.
    [GeneratedRegex(@"^(\w+(?:, \w+)*): ", RegexOptions.CultureInvariant)]
    private static partial Regex MemberNames();
}
