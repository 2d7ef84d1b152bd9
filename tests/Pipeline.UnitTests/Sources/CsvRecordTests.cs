using Pipeline.Common.Sources;

namespace Pipeline.UnitTests.Sources;

public sealed class CsvRecordTests
{
    [Theory]
    [InlineData("a,b,c", new[] { "a", "b", "c" })]
    [InlineData("", new[] { "" })]
    [InlineData("a,", new[] { "a", "" })]
    [InlineData(",,", new[] { "", "", "" })]
    [InlineData("\"a,b\",c", new[] { "a,b", "c" })]
    [InlineData("\"say \"\"hi\"\"\",x", new[] { "say \"hi\"", "x" })]
    [InlineData("\"\"", new[] { "" })]
    [InlineData("a\"b,c", new[] { "a\"b", "c" })]
    [InlineData("\"multi\nline\",z", new[] { "multi\nline", "z" })]
    public void Split_Rfc4180Records_SplitsFields(string text, string[] expected)
    {
        List<string> fields = [];

        Assert.True(CsvRecord.TrySplit(text, fields));
        Assert.Equal(expected, fields);
    }

    [Theory]
    [InlineData("\"open")]
    [InlineData("a,\"open, still")]
    [InlineData("\"ends with doubled \"\"")]
    public void Split_OpenQuote_AsksForTheNextLine(string text)
    {
        Assert.False(CsvRecord.TrySplit(text, []));
    }

    [Fact]
    public void Split_TextAfterAClosingQuote_IsMalformed()
    {
        Assert.Throws<FormatException>(() => CsvRecord.TrySplit("\"a\"b,c", []));
    }
}
