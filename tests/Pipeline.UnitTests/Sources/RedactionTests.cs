using Pipeline.Common.Sources;

namespace Pipeline.UnitTests.Sources;

public sealed class RedactionTests
{
    [Theory]
    [InlineData("https://a.blob.core.windows.net/c/b.jpg?sv=2024-11-04&se=2030&sig=SECRET%3D", "https://a.blob.core.windows.net/c/b.jpg?[redacted]")]
    [InlineData("https://a.blob.core.windows.net/c/b.jpg", "https://a.blob.core.windows.net/c/b.jpg")]
    [InlineData("https://user:SECRET@example.com/a.jpg", "https://[redacted]@example.com/a.jpg")]
    [InlineData("https://user:SECRET@example.com", "https://[redacted]@example.com")]
    [InlineData("https://example.com/a@b.jpg", "https://example.com/a@b.jpg")]
    [InlineData("not a uri ?sig=SECRET", "not a uri ?[redacted]")]
    [InlineData("/local/path.jpg", "/local/path.jpg")]
    public void Redact_QueryAndUserInfo_AreRemoved(string input, string expected)
    {
        Assert.Equal(expected, ImageUri.Redact(input));
    }

    [Fact]
    public async Task ListAsync_MalformedManifest_MessageDoesNotEchoTheLine()
    {
        using var dir = new TempDirectory();
        var path = dir.File("m.csv", "uri,etag\n\"https://a.blob.core.windows.net/c/x.jpg?sig=SECRET\",1,extra\n");

        var ex = await Assert.ThrowsAsync<ManifestFormatException>(() => SourceTestHelpers.ReadAllAsync(new ManifestImageSource(path)));

        Assert.DoesNotContain("SECRET", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, ex.LineNumber);
    }
}
