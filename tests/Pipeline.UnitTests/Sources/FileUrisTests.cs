using CsCheck;
using Pipeline.Common;
using Pipeline.Common.Sources;

namespace Pipeline.UnitTests.Sources;

public sealed class FileUrisTests
{
    [Theory]
    [InlineData("/photos/%41/a.jpg", "file:///photos/%2541/a.jpg")]
    [InlineData("/photos/a%41.jpg", "file:///photos/a%2541.jpg")]
    [InlineData("/photos/aA.jpg", "file:///photos/aA.jpg")]
    [InlineData("/photos/%2e/a.jpg", "file:///photos/%252e/a.jpg")]
    [InlineData("/photos/%2E%2E/a.jpg", "file:///photos/%252E%252E/a.jpg")]
    [InlineData("/photos/100%.jpg", "file:///photos/100%25.jpg")]
    [InlineData("/photos/x#1.jpg", "file:///photos/x%231.jpg")]
    [InlineData("/photos/q?.jpg", "file:///photos/q%3F.jpg")]
    [InlineData("/photos/\uE000\uF8FF.jpg", "file:///photos/%EE%80%80%EF%A3%BF.jpg")]
    [InlineData("/photos/\u00E9.jpg", "file:///photos/%C3%A9.jpg")] // NFC é
    [InlineData("/photos/e\u0301.jpg", "file:///photos/e%CC%81.jpg")] // NFD é
    [InlineData("/photos/it's (1) [2] a+b=c;d,e!f$g&h*i:j@k~l.jpg", "file:///photos/it's%20(1)%20%5B2%5D%20a+b=c;d,e!f$g&h*i:j@k~l.jpg")]
    [InlineData("/photos/back\\slash.jpg", "file:///photos/back%5Cslash.jpg")]
    public void Format_TableNames_EachKeepsItsOwnUriAndParsesBackToItsPath(string path, string expected)
    {
        var uri = ImageUri.FromLocalPath(path);

        Assert.Equal(expected, uri.Value);
        Assert.Equal(path, ImageUri.Parse(uri.Value).LocalPath);
        Assert.Equal(expected, ImageUri.Parse(uri.Value).Value);
        Assert.False(UriPolicy.HasTraversal(uri.Value));
    }

    [Theory]
    [InlineData("file:/data/photo.jpg")]
    [InlineData("file:///data/photo.jpg")]
    [InlineData("file://localhost/data/photo.jpg")]
    [InlineData("FILE://LocalHost/data/photo.jpg")]
    [InlineData("File:/data/%70hoto.jpg")]
    [InlineData("file:///data/./photo.jpg")]
    [InlineData("file:////data//photo.jpg")]
    public void Parse_EveryRfc8089LocalForm_GivesTheOneCanonicalUri(string input)
    {
        var uri = ImageUri.Parse(input);

        Assert.Equal(ImageUriKind.File, uri.Kind);
        Assert.Equal("/data/photo.jpg", uri.LocalPath);
        Assert.Equal("file:///data/photo.jpg", uri.Value);
    }

    [Fact]
    public void Parse_RawNonAsciiAndLowerCaseEscapes_AreTheSameFile()
    {
        Assert.Equal("file:///d/%C3%BC%20x.jpg", ImageUri.Parse("file:///d/ü%20x.jpg").Value);
        Assert.Equal("file:///d/%C3%BC%20x.jpg", ImageUri.Parse("file:///d/%c3%bc%20x.jpg").Value);
    }

    [Theory]
    [InlineData("file://server/share/a.jpg")]
    [InlineData("file:relative/a.jpg")]
    [InlineData("file:")]
    [InlineData("file:///data/a.jpg?x=1")]
    [InlineData("file:///data/a.jpg#frag")]
    [InlineData("file:///data/100%.jpg")]
    [InlineData("file:///data/%zz.jpg")]
    [InlineData("file:///data/%FF.jpg")] // not UTF-8: no .NET string names it
    [InlineData("file:///data/a%00.jpg")]
    public void Parse_NotALocalUtf8Path_IsInvalidUri(string input)
    {
        var ex = Assert.Throws<ImageFailureException>(() => ImageUri.Parse(input));

        Assert.Equal(FailureReason.InvalidUri, ex.Reason);
    }

    [Fact]
    public void Format_AnyPath_ParsesBackToExactlyThatPathAndTheSameUri()
    {
        NameGenerators.AbsolutePath.Sample(path =>
        {
            var value = FileUris.Format(path);
            var parsed = ImageUri.Parse(value);

            Assert.Equal(path, parsed.LocalPath);
            Assert.Equal(value, parsed.Value);
            Assert.Equal(value, ImageUri.FromLocalPath(path).Value);
            Assert.False(UriPolicy.HasTraversal(value));
            Assert.All(value["file://".Length..], c => Assert.True(c < 0x80 && c > 0x20, $"raw character U+{(int)c:X4} in {value}"));
        }, iter: 5000);
    }

    [Fact]
    public void Format_DistinctPaths_NeverShareAUri()
    {
        NameGenerators.AbsolutePath.HashSet[2, 50].Sample(paths =>
        {
            var uris = paths.Select(FileUris.Format).ToHashSet(StringComparer.Ordinal);

            Assert.Equal(paths.Count, uris.Count);
        }, iter: 500);
    }

    [Fact]
    public void Format_NfcAndNfdSpellings_StayDistinct()
    {
        const string nfc = "/p/\u00C5\u00E9.jpg";
        const string nfd = "/p/A\u030Ae\u0301.jpg";

        Assert.NotEqual(FileUris.Format(nfc), FileUris.Format(nfd));
        Assert.Equal(nfd, ImageUri.Parse(FileUris.Format(nfd)).LocalPath);
    }

    [Fact]
    public void Format_LoneSurrogate_IsInvalidUri()
    {
        var ex = Assert.Throws<ImageFailureException>(() => ImageUri.FromLocalPath("/p/\uD800.jpg"));

        Assert.Equal(FailureReason.InvalidUri, ex.Reason);
    }
}
