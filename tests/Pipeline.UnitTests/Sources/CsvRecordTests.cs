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
    public void Splits_rfc4180_records(string text, string[] expected)
    {
        List<string> fields = [];

        Assert.True(CsvRecord.TrySplit(text, fields));
        Assert.Equal(expected, fields);
    }

    [Theory]
    [InlineData("\"open")]
    [InlineData("a,\"open, still")]
    [InlineData("\"ends with doubled \"\"")]
    public void Open_quote_asks_for_the_next_line(string text)
    {
        Assert.False(CsvRecord.TrySplit(text, []));
    }

    [Fact]
    public void Text_after_a_closing_quote_is_malformed()
    {
        Assert.Throws<FormatException>(() => CsvRecord.TrySplit("\"a\"b,c", []));
    }
}
