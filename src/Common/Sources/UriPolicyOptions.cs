using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Pipeline.Common.Sources;

/// <summary>
/// Which image URIs the scheduler queues and the workers fetch (configuration section <c>UriPolicy</c>,
/// e.g. <c>PIPELINE_UriPolicy__AllowedHosts__0=*.example.com</c>). Anything else fails as
/// <see cref="FailureReason.Refused"/>. URLs on the configured blob endpoint (<see cref="BlobOptions.ConnectionString"/>)
/// are the operator's own and always allowed.
/// </summary>
public sealed partial class UriPolicyOptions : IValidatableObject
{
    /// <summary>The settings section, <c>UriPolicy</c>.</summary>
    public const string SectionName = "UriPolicy";

    /// <summary>The schemes that exist: a blob URL counts as its http(s) scheme.</summary>
    public static IReadOnlyList<string> KnownSchemes { get; } = ["file", "http", "https"];

    /// <summary>Subset of <see cref="KnownSchemes"/>. Default empty: all three.</summary>
    public IList<string> AllowedSchemes { get; } = [];

    /// <summary>
    /// Plain http(s) hosts (not blobs): exact names or IP literals, or <c>*.example.com</c> for any subdomain
    /// (not <c>example.com</c> itself). Default empty: any host that passes the address check.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>
    /// Storage accounts blob URLs may name (3–24 lowercase letters and digits). Default empty: any account; other accounts are read anonymously
    /// (public containers or a SAS in the URL), never with the configured credentials.
    /// </summary>
    public IList<string> AllowedBlobAccounts { get; } = [];

    /// <summary>
    /// Folders (absolute paths) local files must lie in, symbolic links resolved. Default empty: any local path, fine on a
    /// developer machine, so production should list the image mounts. Paths with <c>..</c> are always refused.
    /// </summary>
    public IList<string> AllowedFileRoots { get; } = [];

    /// <summary>
    /// Lets http(s) reach loopback, private, link-local, CGNAT and metadata addresses
    /// (<see cref="NonPublicNetworks"/>). Off by default: an image URL is user input, and these addresses are
    /// the cluster's own services. Turn on only for local development and tests.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Entry formats, run by <see cref="UriPolicyOptionsValidator"/>.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AllowedSchemes.Any(s => !KnownSchemes.Contains(s?.Trim().ToLowerInvariant())))
        {
            yield return new ValidationResult("Entries must be file, http or https.", [nameof(AllowedSchemes)]);
        }

        if (AllowedHosts.Any(h => h is null || !HostPattern().IsMatch(h.Trim())))
        {
            yield return new ValidationResult(
                "Entries must be host names, IP addresses or *.domain patterns.", [nameof(AllowedHosts)]);
        }

        if (AllowedBlobAccounts.Any(a => a is null || !AccountName().IsMatch(a.Trim())))
        {
            yield return new ValidationResult(
                "Entries must be storage account names (3-24 lowercase letters and digits).", [nameof(AllowedBlobAccounts)]);
        }

        if (AllowedFileRoots.Any(root => string.IsNullOrWhiteSpace(root) || !System.IO.Path.IsPathFullyQualified(root)))
        {
            yield return new ValidationResult("Entries must be absolute paths.", [nameof(AllowedFileRoots)]);
        }
    }

    // A DNS name (optionally "*." in front), an IPv4 literal, or an IPv6 literal with or without brackets.
    [GeneratedRegex(@"^((\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*|\[?[0-9A-Fa-f:.]+\]?)$", RegexOptions.CultureInvariant)]
    private static partial Regex HostPattern();

    [GeneratedRegex("^[A-Za-z0-9]{3,24}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountName();
}
