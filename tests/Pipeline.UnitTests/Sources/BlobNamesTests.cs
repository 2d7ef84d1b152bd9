using Azure.Storage.Blobs;
using CsCheck;
using Pipeline.Common;
using Pipeline.Common.Sources;

namespace Pipeline.UnitTests.Sources;

public sealed class BlobNamesTests
{
    private static readonly BlobEndpoints Azurite = BlobEndpoints.FromConnectionString("UseDevelopmentStorage=true");
    private static readonly Uri AzuriteRoot = new("http://127.0.0.1:10000/devstoreaccount1");
    private static readonly Uri CloudRoot = new("https://acct.blob.core.windows.net/");

    [Theory]
    [InlineData("lead.jpg", "lead.jpg")]
    [InlineData("/lead.jpg", "%2Flead.jpg")]
    [InlineData("dir/x.jpg", "dir/x.jpg")]
    [InlineData("dir/./x.jpg", "dir%2F.%2Fx.jpg")]
    [InlineData("y.jpg", "y.jpg")]
    [InlineData("dir/../y.jpg", "dir%2F..%2Fy.jpg")]
    [InlineData("/only.jpg", "%2Fonly.jpg")]
    [InlineData("a//b.jpg", "a%2F%2Fb.jpg")]
    [InlineData("a%41.jpg", "a%2541.jpg")]
    [InlineData("x#1 q?.jpg", "x%231%20q%3F.jpg")]
    [InlineData("2024/07/a/b.jpg", "2024/07/a/b.jpg")]
    public void Escape_TableNames_KeepEveryNameDistinctAndParseBack(string name, string escaped)
    {
        foreach (var root in new[] { AzuriteRoot, CloudRoot })
        {
            var value = BlobNames.Format(root, "photos", name);
            var parsed = ImageUri.Parse(value, Azurite);

            Assert.Equal(escaped, BlobNames.Escape(name));
            Assert.Equal(root.AbsoluteUri.TrimEnd('/') + "/photos/" + escaped, value);
            Assert.Equal(ImageUriKind.Blob, parsed.Kind);
            Assert.Equal(name, parsed.Blob!.BlobName);
            Assert.Equal("photos", parsed.Blob.ContainerName);
            Assert.Equal(value, parsed.Value);
            // System.Uri (which the SDK sends) keeps the path, and the SDK's own parser reads the same name.
            Assert.Equal(value, parsed.Uri.AbsoluteUri);
            Assert.Equal(name, new BlobUriBuilder(parsed.Uri).BlobName);
        }
    }

    [Fact]
    public void Format_AnyBlobName_ParsesBackToThatNameThroughOursAndTheSdksParser()
    {
        NameGenerators.BlobName.Sample(name =>
        {
            var value = BlobNames.Format(AzuriteRoot, "c", name);
            var parsed = ImageUri.Parse(value, Azurite);

            Assert.Equal(name, parsed.Blob!.BlobName);
            Assert.Equal(value, parsed.Value);
            Assert.Equal(value, parsed.Uri.AbsoluteUri);
            Assert.Equal(name, new BlobUriBuilder(parsed.Uri).BlobName);
        }, iter: 5000);
    }

    [Fact]
    public void Format_DistinctBlobNames_NeverShareAUri()
    {
        NameGenerators.BlobName.HashSet[2, 50].Sample(names =>
        {
            var uris = names.Select(name => BlobNames.Format(CloudRoot, "c", name)).ToHashSet(StringComparer.Ordinal);

            Assert.Equal(names.Count, uris.Count);
        }, iter: 500);
    }

    [Theory]
    [InlineData("?snapshot=2024-01-01T00:00:00.0000000Z")]
    [InlineData("?versionid=2024-01-01T00:00:00.0000000Z")]
    public void Parse_SnapshotOrVersion_IsKeptInTheUriAndReadByTheSdk(string query)
    {
        var parsed = ImageUri.Parse(BlobNames.Format(AzuriteRoot, "c", "dir/./x.jpg") + query, Azurite);
        var builder = new BlobUriBuilder(parsed.Uri);

        Assert.EndsWith("/c/dir%2F.%2Fx.jpg" + query, parsed.Value, StringComparison.Ordinal);
        Assert.Equal("dir/./x.jpg", builder.BlobName);
        Assert.Equal("2024-01-01T00:00:00.0000000Z", string.IsNullOrEmpty(builder.Snapshot) ? builder.VersionId : builder.Snapshot);
    }

    [Theory]
    [InlineData("https://acct.blob.core.windows.net/c/dir%2fx.jpg", "https://acct.blob.core.windows.net/c/dir/x.jpg")]
    [InlineData("https://acct.blob.core.windows.net/c/it's%20(1).jpg", "https://acct.blob.core.windows.net/c/it%27s%20%281%29.jpg")]
    [InlineData("https://acct.blob.core.windows.net/c/%c3%bc.jpg", "https://acct.blob.core.windows.net/c/%C3%BC.jpg")]
    [InlineData("https://acct.blob.core.windows.net/c//lead.jpg", "https://acct.blob.core.windows.net/c/%2Flead.jpg")]
    public void Parse_OtherSpellingsOfOneBlob_GiveItsCanonicalUri(string input, string canonical)
    {
        Assert.Equal(canonical, ImageUri.Parse(input).Value);
    }

    [Fact]
    public void Parse_NonUtf8BlobName_IsInvalidUri()
    {
        var ex = Assert.Throws<ImageFailureException>(() => ImageUri.Parse("https://acct.blob.core.windows.net/c/%FF.jpg"));

        Assert.Equal(FailureReason.InvalidUri, ex.Reason);
    }
}
