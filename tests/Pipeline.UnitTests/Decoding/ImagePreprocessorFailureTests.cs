using OpenCvSharp;
using Pipeline.Common;
using Pipeline.Common.Decoding;

namespace Pipeline.UnitTests.Decoding;

public sealed class ImagePreprocessorFailureTests
{
    [Fact]
    public void DecodeInto_ZeroBytes_IsUndecodable()
    {
        AssertFails(FailureReason.Undecodable, []);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void DecodeInto_RandomBytes_IsUndecodable(int seed)
    {
        var bytes = new byte[1000];
        new Random(seed).NextBytes(bytes);

        AssertFails(FailureReason.Undecodable, bytes);
    }

    [Fact]
    public void DecodeInto_ValidHeaderThenGarbage_IsUndecodable()
    {
        // Sniffing succeeds, so this reaches OpenCV, which must fail without throwing past us.
        var png = PngBuilder.Build(16, 16, 8, 2, [1, 2, 3, 4, 5]);

        AssertFails(FailureReason.Undecodable, png);
    }

    [Fact]
    public void DecodeInto_TruncatedJpeg_IsUndecodable()
    {
        // OpenCV 4.13 returns an empty Mat for a JPEG cut mid-scan (rather than a grey-filled image).
        using var image = TestImages.Card(64, 64);
        var jpeg = TestImages.Encode(image, ".jpg");

        AssertFails(FailureReason.Undecodable, jpeg[..(jpeg.Length / 2)]);
    }

    [Fact]
    public void DecodeInto_UnsupportedFormat_IsUndecodable()
    {
        using var image = TestImages.Card(8, 8);
        using var gray = new Mat();
        Cv2.CvtColor(image, gray, ColorConversionCodes.BGR2GRAY);

        // OpenCV reads PGM, but the sniffer cannot vouch for its size, so it is refused.
        var ex = AssertFails(FailureReason.Undecodable, TestImages.Encode(gray, ".pgm"));
        Assert.Contains("not a supported image format", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeInto_PngDeclaring30000Squared_IsTooLargeWithoutDecoding()
    {
        // 900 megapixels declared, a few bytes of bogus data: refused from the header alone.
        var bomb = PngBuilder.Build(30000, 30000, 8, 2, [0x78, 0x9C, 0x03, 0x00]);

        var ex = AssertFails(FailureReason.TooLarge, bomb);
        Assert.Contains("30000×30000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeInto_OverMaxPixels_IsTooLarge()
    {
        using var image = TestImages.Card(20, 10);

        AssertFails(FailureReason.TooLarge, TestImages.Png(image), new DecodeLimits { MaxPixels = 199 });
    }

    [Fact]
    public void DecodeInto_OverMaxBytes_IsTooLarge()
    {
        using var image = TestImages.Card(20, 10);
        var png = TestImages.Png(image);

        AssertFails(FailureReason.TooLarge, png, new DecodeLimits { MaxBytes = png.Length - 1 });
    }

    [Fact]
    public void DecodeInto_AtLimits_Succeeds()
    {
        using var image = TestImages.Card(20, 10);
        var png = TestImages.Png(image);

        var tensor = TestImages.Tensor(png, TestImages.Squash(4), new ImagePreprocessor(new DecodeLimits { MaxPixels = 200, MaxBytes = png.Length }));

        Assert.All(tensor, v => Assert.InRange(v, 0, 255));
    }

    [Fact]
    public void DecodeInto_WrongDestinationLength_ThrowsArgumentException()
    {
        using var image = TestImages.Card(4, 4);

        Assert.Throws<ArgumentException>(() => new ImagePreprocessor().DecodeInto(TestImages.Png(image), TestImages.Squash(4), new float[47]));
    }

    [Fact]
    public void DecodeInto_ShortSideBelowCrop_ThrowsArgumentException()
    {
        using var image = TestImages.Card(4, 4);

        Assert.Throws<ArgumentException>(() => new ImagePreprocessor().DecodeInto(TestImages.Png(image), TestImages.Crop(200, 224), new float[3 * 224 * 224]));
    }

    private static ImageFailureException AssertFails(FailureReason reason, byte[] bytes, DecodeLimits? limits = null)
    {
        var preprocessor = new ImagePreprocessor(limits ?? new DecodeLimits());
        var ex = Assert.Throws<ImageFailureException>(() => preprocessor.DecodeInto(bytes, TestImages.Squash(8), new float[3 * 8 * 8]));
        Assert.Equal(reason, ex.Reason);
        return ex;
    }
}
