using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Common.Sources;

/// <summary>
/// Decides which image URIs may be read (<see cref="UriPolicyOptions"/>). The scheduler checks every listed
/// image before queuing it; the workers check again before any I/O, the http fetcher also every address a host
/// resolves to (at connect time) and every redirect. Refusals are <see cref="FailureReason.Refused"/> failures
/// whose messages carry the redacted URI only.
/// </summary>
public sealed partial class UriPolicy
{
    private const int MaxShownLength = 200;

    private const string NonPublicAddress =
        "a loopback, private, link-local or metadata address (UriPolicy:AllowPrivateNetworks is off)";

    private static readonly char[] Separators = [.. new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }.Distinct()];

    private readonly HashSet<string> _schemes;
    private readonly HashSet<string> _hosts;
    private readonly string[] _hostSuffixes;
    private readonly HashSet<string> _accounts;
    private readonly string[] _roots;
    private readonly Lazy<string[]> _realRoots;

    /// <param name="blobEndpoints">The configured blob endpoints: their URLs are blobs, and always allowed.</param>
    public UriPolicy(UriPolicyOptions options, BlobEndpoints blobEndpoints)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(blobEndpoints);
        UriPolicyOptionsValidator.ThrowIfInvalid(options);
        BlobEndpoints = blobEndpoints;
        AllowPrivateNetworks = options.AllowPrivateNetworks;
        _schemes = new(options.AllowedSchemes.Count == 0 ? UriPolicyOptions.KnownSchemes : options.AllowedSchemes.Select(s => s.Trim()), StringComparer.OrdinalIgnoreCase);
        var hosts = options.AllowedHosts.Select(NormaliseHost).ToList();
        _hosts = new(hosts.Where(h => !h.StartsWith("*.", StringComparison.Ordinal)), StringComparer.Ordinal);
        _hostSuffixes = [.. hosts.Where(h => h.StartsWith("*.", StringComparison.Ordinal)).Select(h => h[1..])];
        _accounts = new(options.AllowedBlobAccounts.Select(a => a.Trim()), StringComparer.OrdinalIgnoreCase);
        _roots = [.. options.AllowedFileRoots.Select(root => AsFolderPrefix(Path.GetFullPath(root)))];
        // Roots are resolved once, on first use: a mount may appear after start-up.
        _realRoots = new(() => [.. options.AllowedFileRoots.Select(root => AsFolderPrefix(RealPaths.Resolve(root)))]);
    }

    /// <summary>Allows every URI and every address: for tests and tools that read what they are given.</summary>
    public static UriPolicy AllowAll(BlobEndpoints? blobEndpoints = null) =>
        new(new UriPolicyOptions { AllowPrivateNetworks = true }, blobEndpoints ?? BlobEndpoints.PublicCloudOnly);

    /// <summary>Endpoints whose URLs are blobs (fetched with the connection string's credential).</summary>
    public BlobEndpoints BlobEndpoints { get; }

    /// <summary>Whether http(s) URLs may resolve to loopback, private or link-local addresses (off: SSRF guard).</summary>
    public bool AllowPrivateNetworks { get; }

    /// <summary>True when local files are confined to <see cref="UriPolicyOptions.AllowedFileRoots"/>.</summary>
    public bool RestrictsFileRoots => _roots.Length > 0;

    /// <summary>Parses <paramref name="uri"/> as the fetchers will and applies the policy.</summary>
    /// <exception cref="ImageFailureException"><see cref="FailureReason.Refused"/>, or <see cref="FailureReason.InvalidUri"/> when it does not parse.</exception>
    public ImageUri Check(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var text = uri.Trim();
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            // Postgres text cannot hold NUL, and no file system or URL has one: such a line is damaged, not an image.
            throw new ImageFailureException(FailureReason.InvalidUri, $"invalid image URI '{Shown(text.Replace('\0', '\u2400'))}': it contains a NUL byte");
        }
        var scheme = SchemePrefix().Match(text) is { Success: true } match ? match.Groups[1].Value : null;
        if (scheme is not null && !UriPolicyOptions.KnownSchemes.Contains(scheme.ToLowerInvariant()))
        {
            // ftp:, gopher:, data:, jar: … are no image sources of ours, whatever the configuration.
            throw Refused(Shown(text), $"scheme '{scheme}' is not allowed");
        }
        if (HasTraversal(text))
        {
            throw Refused(Shown(text), "'..' path segments are not allowed");
        }
        if (Encoding.UTF8.GetByteCount(text) > ImageUri.MaxBytes)
        {
            throw new ImageFailureException(
                FailureReason.InvalidUri,
                $"invalid image URI '{Shown(text)}': {Encoding.UTF8.GetByteCount(text):N0} bytes, over the limit of {ImageUri.MaxBytes:N0} (it is stored in a unique index)");
        }
        var image = ImageUri.Parse(text, BlobEndpoints);
        Check(image, Shown(text));
        return image;
    }

    /// <summary>Checks where an http redirect from <paramref name="origin"/> leads, before following it.</summary>
    /// <exception cref="ImageFailureException"><see cref="FailureReason.Refused"/>.</exception>
    public void CheckRedirect(ImageUri origin, Uri target)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(target);
        var shown = $"{origin} (redirected to {Shown(target.OriginalString)})";
        if (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
        {
            throw Refused(shown, $"a redirect to scheme '{target.Scheme}' is not allowed");
        }
        if (!ImageUri.TryParse(target.AbsoluteUri, BlobEndpoints, null, out var image))
        {
            throw Refused(shown, "the redirect target is not a valid URL");
        }
        Check(image, shown);
    }

    /// <summary>Checks every address a host resolved to; one non-public address refuses the host.</summary>
    /// <exception cref="ImageFailureException"><see cref="FailureReason.Refused"/>.</exception>
    public void CheckAddresses(string host, IReadOnlyCollection<IPAddress> addresses)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(addresses);
        if (AllowPrivateNetworks)
        {
            return;
        }
        foreach (var address in addresses)
        {
            if (NonPublicNetworks.Contains(address))
            {
                throw new ImageFailureException(
                    FailureReason.Refused, $"host {host} resolves to {address}, {NonPublicAddress}");
            }
        }
    }

    /// <summary>Checks the real path (symbolic links resolved) of a local file that is about to be read.</summary>
    /// <exception cref="ImageFailureException"><see cref="FailureReason.Refused"/>.</exception>
    public void CheckRealPath(ImageUri image, string realPath)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(realPath);
        if (RestrictsFileRoots && !_realRoots.Value.Any(root => realPath.StartsWith(root, StringComparison.Ordinal)))
        {
            throw Refused(image.ToString(), "it links to a file outside UriPolicy:AllowedFileRoots");
        }
    }

    /// <summary>
    /// True when a local path, or the path a <c>file:</c> URI decodes to, has a <c>..</c> segment. The URI is decoded
    /// exactly as the fetcher decodes it (<see cref="FileUris.TryParse"/>), so <c>%2E%2E</c> is a <c>..</c>, and a
    /// folder named <c>%2E%2E</c> (written <c>%252E%252E</c>) is not.
    /// </summary>
    public static bool HasTraversal(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var text = uri.Trim();
        var scheme = SchemePrefix().Match(text);
        if (scheme.Success)
        {
            if (!FileUris.IsFileUri(text) || !FileUris.TryParse(text, out var path, out _))
            {
                return false; // not a local file, or not one that parses (InvalidUri, later)
            }
            text = path!;
        }
        // Only the platform's separators: on Linux a '\' is part of a name.
        return text.Split(Separators).Any(segment => segment == "..");
    }

    private void Check(ImageUri image, string shown)
    {
        if (image.Blob is { } blob && BlobEndpoints.Endpoints.Any(e => BlobEndpoints.SameService(e.ServiceUri, blob.ServiceUri)))
        {
            return; // the operator's own endpoint, from the connection string
        }
        if (!_schemes.Contains(image.Scheme))
        {
            throw Refused(shown, $"scheme '{image.Scheme}' is not in UriPolicy:AllowedSchemes");
        }
        switch (image.Kind)
        {
            case ImageUriKind.File when RestrictsFileRoots && !_roots.Any(root => image.LocalPath!.StartsWith(root, StringComparison.Ordinal)):
                throw Refused(shown, "the path is outside UriPolicy:AllowedFileRoots");
            case ImageUriKind.Blob when _accounts.Count > 0 && !_accounts.Contains(image.Blob!.AccountName):
                throw Refused(shown, $"storage account '{image.Blob.AccountName}' is not in UriPolicy:AllowedBlobAccounts");
            case ImageUriKind.Http:
                CheckHost(image.Uri, shown);
                break;
        }
    }

    private void CheckHost(Uri uri, string shown)
    {
        var host = NormaliseHost(uri.IdnHost);
        if ((_hosts.Count > 0 || _hostSuffixes.Length > 0)
            && !_hosts.Contains(host) && !_hostSuffixes.Any(suffix => host.EndsWith(suffix, StringComparison.Ordinal)))
        {
            throw Refused(shown, $"host '{host}' is not in UriPolicy:AllowedHosts");
        }
        if (AllowPrivateNetworks)
        {
            return;
        }
        // Literal addresses are judged here; names (localhost too) after DNS resolution, at connect time.
        if (IPAddress.TryParse(host, out var address) && NonPublicNetworks.Contains(address))
        {
            throw Refused(shown, $"'{host}' is {NonPublicAddress}");
        }
    }

    private static ImageFailureException Refused(string shown, string why) =>
        new(FailureReason.Refused, $"{shown} refused by the URI policy: {why}");

    // Redacted (no SAS, no user:password) and short: a data: URI can be megabytes.
    private static string Shown(string uri)
    {
        var redacted = ImageUri.Redact(uri);
        return redacted.Length <= MaxShownLength ? redacted : string.Concat(redacted.AsSpan(0, MaxShownLength), "…");
    }

    private static string NormaliseHost(string host) =>
        host.Trim().Trim('[', ']').TrimEnd('.').ToLowerInvariant();

    // "/data/photos" → "/data/photos/", so "/data/photos2/x.jpg" does not pass as inside it.
    private static string AsFolderPrefix(string full) =>
        Path.EndsInDirectorySeparator(full) ? full : full + Path.DirectorySeparatorChar;

    // A scheme of two or more letters followed by ':' (one letter would be a Windows drive), as ImageUri reads it.
    [GeneratedRegex("^([A-Za-z][A-Za-z0-9+.-]+):", RegexOptions.CultureInvariant)]
    private static partial Regex SchemePrefix();
}
