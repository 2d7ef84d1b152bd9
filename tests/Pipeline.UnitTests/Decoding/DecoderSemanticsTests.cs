using Pipeline.Common;
using Pipeline.Common.Decoding;

namespace Pipeline.UnitTests.Decoding;

/// <summary>Where Pillow (the reference decoder) and OpenCV disagree: decode as Pillow, or fail naming the cause.</summary>
public sealed class DecoderSemanticsTests
{
    [Theory]
    [InlineData(PreprocessFidelity.Fast)]
    [InlineData(PreprocessFidelity.Exact)]
    public void DecodeInto_ApngWithDefaultImageOutsideTheAnimation_GivesTheDefaultImage(PreprocessFidelity fidelity)
    {
        var png = PngBuilder.AnimatedWithSeparateDefault(8, [200, 30, 10], [10, 40, 220]);
        var spec = TestImages.Squash(4) with { Fidelity = fidelity };

        var tensor = TestImages.Tensor(png, spec);

        // Raw NHWC RGB: every pixel the default image's colour, none the animation frame's.
        for (var p = 0; p < tensor.Length; p += 3)
        {
            Assert.Equal([200f, 30f, 10f], tensor[p..(p + 3)]);
        }
    }

    [Fact]
    public void DefaultImage_PlainPng_IsNotRewritten() =>
        Assert.Null(DecoderSemantics.DefaultImage(TestImages.Png(TestImages.Card(4, 4)), ImageFormat.Png));

    [Fact]
    public void DecodeInto_GifFrameOutsideItsLogicalScreen_DecodesOrFailsNamingTheCause()
    {
        var gif = GifWithFrame(screen: 2, frame: 4);

        Assert.Equal(
            "GIF frame 4×4 at (0, 0) lies outside its 2×2 logical screen (Pillow reads such files, OpenCV does not)",
            DecoderSemantics.GifFrameOutsideScreen(gif));
        Assert.Null(DecoderSemantics.GifFrameOutsideScreen(GifWithFrame(screen: 4, frame: 4)));
        try
        {
            TestImages.Tensor(gif, TestImages.Squash(4));
        }
        catch (ImageFailureException ex)
        {
            Assert.Equal(FailureReason.Undecodable, ex.Reason);
            Assert.Contains("lies outside its 2×2 logical screen", ex.Message, StringComparison.Ordinal);
        }
    }

    // GIF89a, a 2-colour global table, one frame of colour 0; LZW data clears before every pixel (3-bit codes).
    private static byte[] GifWithFrame(int screen, int frame)
    {
        var bytes = new List<byte>("GIF89a"u8.ToArray()) { (byte)screen, 0, (byte)screen, 0, 0x80, 0, 0, 255, 0, 0, 0, 0, 255 };
        bytes.AddRange([0x2C, 0, 0, 0, 0, (byte)frame, 0, (byte)frame, 0, 0, 2]);
        var codes = Enumerable.Range(0, frame * frame).SelectMany(_ => new[] { 4, 0 }).Append(5).ToArray();
        var packed = new byte[((codes.Length * 3) + 7) / 8];
        for (var i = 0; i < codes.Length; i++)
        {
            for (var b = 0; b < 3; b++)
            {
                if ((codes[i] >> b & 1) != 0)
                {
                    packed[((i * 3) + b) / 8] |= (byte)(1 << (((i * 3) + b) % 8));
                }
            }
        }

        foreach (var block in packed.Chunk(255))
        {
            bytes.Add((byte)block.Length);
            bytes.AddRange(block);
        }

        bytes.AddRange([0, 0x3B]);
        return [.. bytes];
    }
}
