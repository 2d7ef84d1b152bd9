using Pipeline.Common.Sources;

namespace Pipeline.UnitTests.Sources;

public sealed class ContentIdsTests
{
    [Fact]
    public void FileStat_SizeAndMtime_UseUtcTicks()
    {
        var utc = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);

        Assert.Equal($"stat:42:{utc.Ticks}", ContentIds.ForFileStat(42, utc));
        Assert.Equal($"stat:42:{utc.Ticks}", ContentIds.ForFileStat(42, utc.ToLocalTime()));
    }

    [Theory]
    [InlineData("\"0x8DC1\"", "etag:0x8DC1")]
    [InlineData("0x8DC1", "etag:0x8DC1")]
    [InlineData(" \"abc\" ", "etag:abc")]
    [InlineData("\"\"", null)]
    [InlineData(null, null)]
    public void Etag_QuotedValue_DropsTheQuotes(string? etag, string? expected)
    {
        Assert.Equal(expected, ContentIds.ForETag(etag));
    }

    [Fact]
    public void Sha256_Bytes_IsLowerCaseHex()
    {
        Assert.Equal("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ContentIds.ForSha256("abc"u8));
        Assert.Equal(ContentIds.ForSha256("abc"u8), ContentIds.FromSha256Hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
        Assert.Throws<FormatException>(() => ContentIds.FromSha256Hex("xyz"));
    }
}
