namespace Pipeline.Common.Sources;

/// <summary>
/// Which image URIs the scheduler queues and the workers fetch (configuration section <c>UriPolicy</c>,
/// e.g. <c>PIPELINE_UriPolicy__AllowedHosts__0=*.example.com</c>). Anything else fails as
/// <see cref="FailureReason.Refused"/>. URLs on the configured blob endpoint (<see cref="BlobOptions.ConnectionString"/>)
/// are the operator's own and always allowed.
/// </summary>
public sealed class UriPolicyOptions
{
    public const string SectionName = "UriPolicy";

    /// <summary>The schemes that exist: a blob URL counts as its http(s) scheme.</summary>
    public static IReadOnlyList<string> KnownSchemes { get; } = ["file", "http", "https"];

    /// <summary>Subset of <see cref="KnownSchemes"/>; empty allows all three.</summary>
    public IList<string> AllowedSchemes { get; } = [];

    /// <summary>
    /// Plain http(s) hosts (not blobs): exact names or IP literals, or <c>*.example.com</c> for any subdomain
    /// (not <c>example.com</c> itself). Empty allows any host that passes the address check.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>
    /// Storage accounts blob URLs may name. Empty allows any account: other accounts are read anonymously
    /// (public containers or a SAS in the URL), never with the configured credentials.
    /// </summary>
    public IList<string> AllowedBlobAccounts { get; } = [];

    /// <summary>
    /// Folders local files must lie in, symbolic links resolved. Empty allows any local path: fine on a
    /// developer machine, so production should list the image mounts. Paths with <c>..</c> are always refused.
    /// </summary>
    public IList<string> AllowedFileRoots { get; } = [];

    /// <summary>
    /// Lets http(s) reach loopback, private, link-local, CGNAT and metadata addresses
    /// (<see cref="NonPublicNetworks"/>). Off by default: an image URL is user input, and these addresses are
    /// the cluster's own services. Turn on only for local development and tests.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }
}
