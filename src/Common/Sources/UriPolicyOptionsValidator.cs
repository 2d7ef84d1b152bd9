using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Pipeline.Common.Sources;

/// <summary>Rejects a <see cref="UriPolicyOptions"/> that would not mean what it says; register for ValidateOnStart.</summary>
public sealed partial class UriPolicyOptionsValidator : IValidateOptions<UriPolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, UriPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> failures = [];
        if (options.AllowedSchemes.Any(s => !UriPolicyOptions.KnownSchemes.Contains(s?.Trim().ToLowerInvariant())))
        {
            failures.Add("UriPolicy:AllowedSchemes entries must be file, http or https.");
        }
        if (options.AllowedHosts.Any(h => h is null || !HostPattern().IsMatch(h.Trim())))
        {
            failures.Add("UriPolicy:AllowedHosts entries must be host names, IP addresses or *.domain patterns.");
        }
        if (options.AllowedBlobAccounts.Any(a => a is null || !AccountName().IsMatch(a.Trim())))
        {
            failures.Add("UriPolicy:AllowedBlobAccounts entries must be storage account names (3-24 lowercase letters and digits).");
        }
        if (options.AllowedFileRoots.Any(root => string.IsNullOrWhiteSpace(root) || !Path.IsPathFullyQualified(root)))
        {
            failures.Add("UriPolicy:AllowedFileRoots entries must be absolute paths.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>For callers outside dependency injection: the same checks, thrown.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public static void ThrowIfInvalid(UriPolicyOptions options)
    {
        var result = new UriPolicyOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(UriPolicyOptions), result.Failures);
        }
    }

    // A DNS name (optionally "*." in front), an IPv4 literal, or an IPv6 literal with or without brackets.
    [GeneratedRegex(@"^((\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*|\[?[0-9A-Fa-f:.]+\]?)$", RegexOptions.CultureInvariant)]
    private static partial Regex HostPattern();

    [GeneratedRegex("^[A-Za-z0-9]{3,24}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountName();
}
