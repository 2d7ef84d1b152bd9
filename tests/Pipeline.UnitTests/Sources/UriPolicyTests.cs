using Pipeline.Common;
using Pipeline.Common.Sources;

namespace Pipeline.UnitTests.Sources;

/// <summary>Schemes, hosts, blob accounts, file roots and traversal: the URI half of the policy.</summary>
public sealed class UriPolicyTests
{
    private static readonly BlobEndpoints Azurite = BlobEndpoints.FromConnectionString("UseDevelopmentStorage=true");

    private static UriPolicy Policy(Action<UriPolicyOptions>? configure = null)
    {
        var options = new UriPolicyOptions();
        configure?.Invoke(options);
        return new UriPolicy(options, Azurite);
    }

    private static ImageFailureException Refused(UriPolicy policy, string uri)
    {
        var ex = Assert.Throws<ImageFailureException>(() => policy.Check(uri));
        Assert.Equal(FailureReason.Refused, ex.Reason);
        return ex;
    }

    [Theory]
    [InlineData("ftp://example.com/a.jpg")]
    [InlineData("FTP://example.com/a.jpg")]
    [InlineData("gopher://example.com:70/_a")]
    [InlineData("data:image/png;base64,iVBORw0KGgo=")]
    [InlineData("jar:file:///x.jar!/a.jpg")]
    [InlineData("javascript:alert(1)")]
    [InlineData("smb://server/share/a.jpg")]
    public void Check_UnsupportedScheme_IsRefused(string uri)
    {
        var ex = Refused(Policy(), uri);

        Assert.Contains("scheme", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SchemeOutsideAllowedSchemes_IsRefused()
    {
        var policy = Policy(o => o.AllowedSchemes.Add("https"));

        Refused(policy, "http://images.example.com/a.jpg");
        Refused(policy, "/data/a.jpg");
        Refused(policy, "http://acct.blob.core.windows.net/c/a.jpg");
        Assert.Equal(ImageUriKind.Http, policy.Check("https://images.example.com/a.jpg").Kind);
        Assert.Equal(ImageUriKind.Blob, policy.Check("https://acct.blob.core.windows.net/c/a.jpg").Kind);
    }

    [Fact]
    public void Check_DefaultOptions_AllowFilesHttpAndBlobs()
    {
        var policy = Policy();

        Assert.Equal(ImageUriKind.File, policy.Check("/data/photos/a.jpg").Kind);
        Assert.Equal(ImageUriKind.File, policy.Check("file:///data/photos/a.jpg").Kind);
        Assert.Equal(ImageUriKind.Http, policy.Check("https://images.example.com/a.jpg").Kind);
        Assert.Equal(ImageUriKind.Blob, policy.Check("https://acct.blob.core.windows.net/c/a.jpg?sv=1&sig=x").Kind);
        Assert.Equal(ImageUriKind.Blob, policy.Check("http://127.0.0.1:10000/devstoreaccount1/c/a.jpg").Kind);
    }

    [Theory]
    [InlineData("https://images.example.com/a.jpg", true)]
    [InlineData("https://IMAGES.Example.COM./a.jpg", true)]
    [InlineData("https://cdn.example.org/a.jpg", true)]
    [InlineData("https://eu.cdn.example.org/a.jpg", true)]
    [InlineData("https://example.org/a.jpg", false)]       // "*.example.org" is subdomains only
    [InlineData("https://evilexample.org/a.jpg", false)]
    [InlineData("https://example.org.evil.com/a.jpg", false)]
    [InlineData("https://other.example.com/a.jpg", false)]
    [InlineData("https://8.8.8.8/a.jpg", false)]
    public void Check_HostAllowList_AllowsListedHostsAndSubdomainsOfWildcards(string uri, bool allowed)
    {
        var policy = Policy(o =>
        {
            o.AllowedHosts.Add("images.example.com");
            o.AllowedHosts.Add("*.Example.org");
        });

        if (allowed)
        {
            policy.Check(uri);
        }
        else
        {
            Assert.Contains("AllowedHosts", Refused(policy, uri).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Check_HostAllowList_DoesNotApplyToBlobs()
    {
        var policy = Policy(o => o.AllowedHosts.Add("images.example.com"));

        Assert.Equal(ImageUriKind.Blob, policy.Check("https://acct.blob.core.windows.net/c/a.jpg").Kind);
    }

    [Fact]
    public void Check_BlobAccountOutsideAllowList_IsRefused()
    {
        var policy = Policy(o => o.AllowedBlobAccounts.Add("photos"));

        var ex = Refused(policy, "https://attacker.blob.core.windows.net/c/a.jpg");

        Assert.Contains("'attacker'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(ImageUriKind.Blob, policy.Check("https://PHOTOS.blob.core.windows.net/c/a.jpg").Kind);
    }

    [Fact]
    public void Check_ConfiguredBlobEndpoint_IsAlwaysAllowed()
    {
        // Azurite's account is on none of the lists, its scheme is not https, its address is loopback: it is ours.
        var policy = Policy(o =>
        {
            o.AllowedBlobAccounts.Add("photos");
            o.AllowedSchemes.Add("https");
            o.AllowedHosts.Add("images.example.com");
        });

        Assert.Equal(ImageUriKind.Blob, policy.Check("http://127.0.0.1:10000/devstoreaccount1/c/a.jpg").Kind);
        Refused(policy, "http://127.0.0.1:10000/otheraccount/c/a.jpg");
    }

    [Fact]
    public void Check_FileRoots_AllowInsideAndRefuseOutside()
    {
        var policy = Policy(o => o.AllowedFileRoots.Add("/data/photos"));

        Assert.True(policy.RestrictsFileRoots);
        Assert.Equal("/data/photos/a/b.jpg", policy.Check("/data/photos/a/b.jpg").LocalPath);
        Assert.Equal("/data/photos/a b.jpg", policy.Check("file:///data/photos/a%20b.jpg").LocalPath);
        Assert.Contains("AllowedFileRoots", Refused(policy, "/data/photos2/a.jpg").Message, StringComparison.Ordinal);
        Refused(policy, "file:///etc/passwd");
        Refused(policy, "/data/photos");
    }

    [Fact]
    public void Check_NoFileRoots_AllowsAnyPath()
    {
        var policy = Policy();

        Assert.False(policy.RestrictsFileRoots);
        policy.Check("/etc/hostname");
    }

    [Theory]
    [InlineData("/data/photos/../secret/a.jpg")]
    [InlineData("/data/photos/sub/../a.jpg")] // would resolve inside the root: refused all the same
    [InlineData("../a.jpg")]
    [InlineData("photos/..")]
    [InlineData("file:///data/photos/../secret/a.jpg")]
    [InlineData("file:///data/photos/%2e%2e/secret/a.jpg")]
    [InlineData("file:///data/photos/%2E%2E/secret/a.jpg")]
    [InlineData("file://localhost/data/photos/../a.jpg")]
    public void Check_DotDotSegment_IsRefused(string uri)
    {
        var withRoot = Policy(o => o.AllowedFileRoots.Add("/data/photos"));

        Assert.Contains("'..'", Refused(withRoot, uri).Message, StringComparison.Ordinal);
        Refused(Policy(), uri);
    }

    [Theory]
    [InlineData("/data/photos/..jpg", false)]
    [InlineData("/data/photos/a..b/c.jpg", false)]
    [InlineData("/data/photos/.../c.jpg", false)]
    [InlineData("https://example.com/a/../b.jpg", false)] // http paths are the server's business
    [InlineData("/data/../b.jpg", true)]
    [InlineData("photos\\..\\a.jpg", false)] // on Linux '\\' is part of a name
    [InlineData("file:///data/%252E%252E/a.jpg", false)] // a folder named %2E%2E
    [InlineData("file:///data/%2e%2E/a.jpg", true)]
    [InlineData("file:/data/../a.jpg", true)]
    [InlineData("file://LOCALHOST/data/%2E%2E", true)]
    public void HasTraversal_LocalPaths_OnlyWholeDotDotSegments(string uri, bool expected)
    {
        Assert.Equal(expected, UriPolicy.HasTraversal(uri));
    }

    [Fact]
    public void Check_Malformed_IsInvalidUriNotRefused()
    {
        var ex = Assert.Throws<ImageFailureException>(() => Policy().Check("http:///a.jpg"));

        Assert.Equal(FailureReason.InvalidUri, ex.Reason);
    }

    [Fact]
    public void CheckRedirect_TargetOutsideHostAllowList_IsRefused()
    {
        var policy = Policy(o => o.AllowedHosts.Add("images.example.com"));
        var origin = policy.Check("https://images.example.com/a.jpg");

        policy.CheckRedirect(origin, new Uri("https://images.example.com/b.jpg"));
        var ex = Assert.Throws<ImageFailureException>(() => policy.CheckRedirect(origin, new Uri("https://elsewhere.example.net/b.jpg")));

        Assert.Equal(FailureReason.Refused, ex.Reason);
        Assert.Contains("redirected to https://elsewhere.example.net/b.jpg", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[::1]:8080/")]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://example.com/a.jpg")]
    public void CheckRedirect_ToPrivateAddressOrOtherScheme_IsRefused(string target)
    {
        var policy = Policy();
        var origin = policy.Check("https://images.example.com/a.jpg");

        var ex = Assert.Throws<ImageFailureException>(() => policy.CheckRedirect(origin, new Uri(target)));

        Assert.Equal(FailureReason.Refused, ex.Reason);
    }

    [Theory]
    [InlineData("http://user:SECRETPASS@10.0.0.1/a.jpg?sig=SECRETSIG")]
    [InlineData("ftp://user:SECRETPASS@example.com/a.jpg?sig=SECRETSIG")]
    [InlineData("https://user:SECRETPASS@attacker.blob.core.windows.net/c/a.jpg?sig=SECRETSIG")]
    public void Check_RefusalMessage_NeverContainsCredentialsOrQuery(string uri)
    {
        var policy = Policy(o => o.AllowedBlobAccounts.Add("photos"));

        var ex = Refused(policy, uri);

        Assert.DoesNotContain("SECRET", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[redacted]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_HugeDataUri_MessageIsShort()
    {
        var ex = Refused(Policy(), "data:image/png;base64," + new string('A', 100_000));

        Assert.True(ex.Message.Length < 400, ex.Message);
    }

    [Theory]
    [InlineData("/data/photos/a\0b.jpg")]
    [InlineData("https://example.com/a\0.jpg")]
    public void Check_NulByte_IsInvalidUriWithTheNulShown(string uri)
    {
        var ex = Assert.Throws<ImageFailureException>(() => Policy().Check(uri));

        Assert.Equal(FailureReason.InvalidUri, ex.Reason);
        Assert.Contains("NUL", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_LongerThanTheIndexLimit_IsInvalidUriAtTheLimitPasses()
    {
        var head = "https://example.com/";
        var atLimit = head + new string('a', ImageUri.MaxBytes - head.Length);
        // Counted in UTF-8 bytes: 'é' is two.
        var over = head + new string('é', (ImageUri.MaxBytes - head.Length) / 2 + 1);

        Assert.Equal(atLimit, Policy().Check(atLimit).Value);
        var ex = Assert.Throws<ImageFailureException>(() => Policy().Check(over));
        Assert.Equal(FailureReason.InvalidUri, ex.Reason);
        Assert.True(ex.Message.Length < 400, ex.Message);
    }
}
