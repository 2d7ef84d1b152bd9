using System.Text;
using Pipeline.Common.Sources;
using Pipeline.Common.Storage;

namespace Pipeline.UnitTests.Storage;

public sealed class StoredTextTests
{
    [Fact]
    public void Clean_NulAndUnpairedSurrogates_AreReplacedAndPairsKept()
    {
        Assert.Equal("a\u2400b\uFFFDc😀", StoredText.Clean("a\0b\ud800c😀"));
        Assert.Same("plain", StoredText.Clean("plain"));
    }

    [Fact]
    public void Uri_OverTheLimit_IsCutWithADigestOfTheWholeAndStaysDistinct()
    {
        var a = "file:///" + new string('x', 3000) + "a.jpg";
        var b = "file:///" + new string('x', 3000) + "b.jpg";

        var storedA = StoredText.Uri(a);

        Assert.InRange(Encoding.UTF8.GetByteCount(storedA), 1, ImageUri.MaxBytes);
        Assert.Matches("…#sha256:[0-9a-f]{16}$", storedA);
        Assert.NotEqual(storedA, StoredText.Uri(b));
        Assert.Equal("file:///short.jpg", StoredText.Uri("file:///short.jpg"));
    }

    [Fact]
    public void Message_Long_IsCutAtTheLimit()
    {
        var stored = StoredText.Message(new string('m', 10_000));

        Assert.Equal(StoredText.MaxMessageChars + 1, stored.Length);
        Assert.EndsWith("…", stored, StringComparison.Ordinal);
    }
}
