using Pipeline.Common;
using Pipeline.Common.Sources;

namespace Pipeline.UnitTests.Sources;

public sealed class ImageUriTests
{
    private static readonly BlobEndpoints Azurite = BlobEndpoints.FromConnectionString("UseDevelopmentStorage=true");

    [Fact]
    public void Parse_RelativePathWithBase_ResolvesAgainstTheBaseDirectory()
    {
        var uri = ImageUri.Parse("photos/cat.jpg", baseDirectory: "/data/set");

        Assert.Equal(ImageUriKind.File, uri.Kind);
        Assert.Equal("file:///data/set/photos/cat.jpg", uri.Value);
        Assert.Equal("/data/set/photos/cat.jpg", uri.LocalPath);
        Assert.Null(uri.Blob);
    }

    [Fact]
    public void Parse_RelativePathWithoutBase_ResolvesAgainstTheCurrentDirectory()
    {
        var uri = ImageUri.Parse("cat.jpg");

        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "cat.jpg"), uri.LocalPath);
    }

    [Fact]
    public void Parse_AbsolutePath_IsPercentEncodedAndRoundTrips()
    {
        var uri = ImageUri.Parse("/data/a b#1 100%/ü?.jpg");

        Assert.Equal("file:///data/a%20b%231%20100%25/%C3%BC%3F.jpg", uri.Value);
        Assert.Equal("/data/a b#1 100%/ü?.jpg", uri.LocalPath);
        Assert.Equal(uri.Value, ImageUri.Parse(uri.Value).Value);
    }

    [Fact]
    public void Parse_DotSegments_AreCollapsed()
    {
        Assert.Equal("file:///data/b.jpg", ImageUri.Parse("/data/a/../b.jpg").Value);
        Assert.Equal("file:///data/b.jpg", ImageUri.Parse("./../b.jpg", baseDirectory: "/data/a").Value);
    }

    [Theory]
    [InlineData("file:///data/a%20b.jpg", "/data/a b.jpg")]
    [InlineData("FILE:///data/x.jpg", "/data/x.jpg")]
    [InlineData("file://localhost/data/x.jpg", "/data/x.jpg")]
    public void Parse_FileUri_IsNormalised(string input, string expectedPath)
    {
        var uri = ImageUri.Parse(input);

        Assert.Equal(ImageUriKind.File, uri.Kind);
        Assert.Equal(expectedPath, uri.LocalPath);
        Assert.Equal(new Uri(expectedPath).AbsoluteUri, uri.Value);
    }

    [Fact]
    public void Parse_AccountBlobUrlWithNestedEncodedName_IsABlob()
    {
        var uri = ImageUri.Parse("https://myacct.blob.core.windows.net/photos/2024/07/a%20b%2Bc%23%C3%BC.jpg");

        Assert.Equal(ImageUriKind.Blob, uri.Kind);
        Assert.Equal("https://myacct.blob.core.windows.net/photos/2024/07/a%20b%2Bc%23%C3%BC.jpg", uri.Value);
        var blob = Assert.IsType<BlobLocation>(uri.Blob);
        Assert.Equal("myacct", blob.AccountName);
        Assert.Equal("photos", blob.ContainerName);
        Assert.Equal("2024/07/a b+c#ü.jpg", blob.BlobName);
        Assert.Equal(new Uri("https://myacct.blob.core.windows.net/"), blob.ServiceUri);
    }

    [Fact]
    public void Parse_AccountBlobUrlHost_IsMatchedCaseInsensitivelyAndLowerCased()
    {
        var uri = ImageUri.Parse("HTTPS://MyAcct.Blob.Core.Windows.Net:443/c/X.jpg");

        Assert.Equal(ImageUriKind.Blob, uri.Kind);
        Assert.Equal("https://myacct.blob.core.windows.net/c/X.jpg", uri.Value);
        Assert.Equal("X.jpg", uri.Blob!.BlobName);
    }

    [Fact]
    public void Parse_BlobUrlWithSas_KeepsItInTheValueNotInToString()
    {
        var uri = ImageUri.Parse("https://acct.blob.core.windows.net/c/x.jpg?sv=2024-11-04&sig=SECRETSIG%3D");

        Assert.Equal(ImageUriKind.Blob, uri.Kind);
        Assert.Contains("sig=SECRETSIG", uri.Value, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", uri.ToString(), StringComparison.Ordinal);
        Assert.Equal("https://acct.blob.core.windows.net/c/x.jpg?[redacted]", uri.ToString());
    }

    [Fact]
    public void Parse_AzuritePathStyleUrlWithItsEndpoint_IsABlob()
    {
        var uri = ImageUri.Parse("http://127.0.0.1:10000/devstoreaccount1/images/dir/x%20y.jpg", Azurite);

        Assert.Equal(ImageUriKind.Blob, uri.Kind);
        var blob = uri.Blob!;
        Assert.Equal("devstoreaccount1", blob.AccountName);
        Assert.Equal("images", blob.ContainerName);
        Assert.Equal("dir/x y.jpg", blob.BlobName);
        Assert.True(BlobEndpoints.SameService(new Uri("http://127.0.0.1:10000/devstoreaccount1"), blob.ServiceUri));
    }

    [Fact]
    public void Parse_AzuritePathStyleUrlWithoutItsEndpoint_IsPlainHttp()
    {
        var uri = ImageUri.Parse("http://127.0.0.1:10000/devstoreaccount1/images/x.jpg");

        Assert.Equal(ImageUriKind.Http, uri.Kind);
        Assert.Null(uri.Blob);
    }

    [Theory]
    [InlineData("http://azurite:10000/devstoreaccount1/c/a.jpg", ImageUriKind.Blob)]
    [InlineData("http://AZURITE:10000/devstoreaccount1/c/a.jpg", ImageUriKind.Blob)]
    [InlineData("http://azurite:10001/devstoreaccount1/c/a.jpg", ImageUriKind.Http)]
    [InlineData("https://azurite:10000/devstoreaccount1/c/a.jpg", ImageUriKind.Http)]
    [InlineData("http://azurite:10000/otheraccount/c/a.jpg", ImageUriKind.Http)]
    public void Parse_ConfiguredEndpoint_MatchesOnSchemeHostPortAndAccountPath(string input, ImageUriKind expected)
    {
        var endpoints = new BlobEndpoints([new BlobServiceEndpoint(new Uri("http://azurite:10000/devstoreaccount1"), "devstoreaccount1")]);

        Assert.Equal(expected, ImageUri.Parse(input, endpoints).Kind);
    }

    [Fact]
    public void FromConnectionString_AccountKey_EndpointIsTheAccountHost()
    {
        var endpoints = BlobEndpoints.FromConnectionString(
            "DefaultEndpointsProtocol=https;AccountName=myacct;AccountKey=" + Convert.ToBase64String(new byte[64]) + ";EndpointSuffix=core.windows.net");

        var endpoint = Assert.Single(endpoints.Endpoints);
        Assert.Equal("myacct", endpoint.AccountName);
        Assert.Equal("myacct.blob.core.windows.net", endpoint.ServiceUri.Host);
    }

    [Fact]
    public void FromConnectionString_CustomDomainBlobEndpoint_IsOurs()
    {
        var endpoints = BlobEndpoints.FromConnectionString(
            "BlobEndpoint=https://images.example.com/;SharedAccessSignature=sv=2024-11-04&sig=abc");

        var uri = ImageUri.Parse("https://images.example.com/c/a.jpg", endpoints);

        Assert.Equal(ImageUriKind.Blob, uri.Kind);
        Assert.Equal("c", uri.Blob!.ContainerName);
        Assert.DoesNotContain("sig", Assert.Single(endpoints.Endpoints).ServiceUri.AbsoluteUri, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://example.com/a.jpg")]
    [InlineData("https://example.com/img?id=3")]
    [InlineData("HTTPS://Example.COM:8443/a%20b.png")]
    public void Parse_HttpUrls_AreHttp(string input)
    {
        var uri = ImageUri.Parse(input);

        Assert.Equal(ImageUriKind.Http, uri.Kind);
        Assert.Equal(new Uri(input).AbsoluteUri, uri.Value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("ftp://example.com/a.jpg")]
    [InlineData("mailto:someone@example.com")]
    [InlineData("http://")]
    [InlineData("https:///a.jpg")]
    [InlineData("http://exa mple.com/a.jpg")]
    [InlineData("file://server/share/a.jpg")]
    [InlineData("https://acct.blob.core.windows.net/")]
    [InlineData("https://acct.blob.core.windows.net/container")]
    [InlineData("https://acct.blob.core.windows.net/container/")]
    [InlineData("a\0b.jpg")]
    public void Parse_Garbage_IsInvalidUri(string input)
    {
        var ex = Assert.Throws<ImageFailureException>(() => ImageUri.Parse(input));

        Assert.Equal(FailureReason.InvalidUri, ex.Reason);
        Assert.False(ImageUri.TryParse(input, null, null, out _));
    }

    [Fact]
    public void Parse_InvalidUri_MessageNeverContainsTheQuery()
    {
        var ex = Assert.Throws<ImageFailureException>(() => ImageUri.Parse("ftp://h/x.jpg?sv=1&sig=TOPSECRET"));

        Assert.DoesNotContain("TOPSECRET", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ftp://h/x.jpg", ex.Message, StringComparison.Ordinal);
    }
}
