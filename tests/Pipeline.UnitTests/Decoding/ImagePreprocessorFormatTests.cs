using OpenCvSharp;

namespace Pipeline.UnitTests.Decoding;

public sealed class ImagePreprocessorFormatTests
{
    [Fact]
    public void DecodeInto_GrayscalePng_GivesThreeEqualChannels()
    {
        using var gray = new Mat(8, 8, MatType.CV_8UC1);
        for (var y = 0; y < 8; y++)
        {
            for (var x = 0; x < 8; x++)
            {
                gray.Set(y, x, (byte)((y * 32) + (x * 3)));
            }
        }

        var tensor = TestImages.Tensor(TestImages.Png(gray), TestImages.Squash(8));

        for (var i = 0; i < 64; i++)
        {
            var expected = (float)((i / 8 * 32) + (i % 8 * 3));
            Assert.Equal((expected, expected, expected), (tensor[i * 3], tensor[(i * 3) + 1], tensor[(i * 3) + 2]));
        }
    }

    [Fact]
    public void DecodeInto_RgbaPng_DropsAlpha()
    {
        using var bgr = TestImages.Card(16, 16);
        using var bgra = new Mat();
        Cv2.CvtColor(bgr, bgra, ColorConversionCodes.BGR2BGRA);
        using var alpha = new Mat(16, 16, MatType.CV_8UC1, Scalar.All(0));
        alpha[new Rect(0, 0, 8, 16)].SetTo(Scalar.All(128));
        Cv2.InsertChannel(alpha, bgra, 3);

        var tensor = TestImages.Tensor(TestImages.Png(bgra), TestImages.Squash(16));

        Assert.Equal(TestImages.RawRgb(bgr), tensor);
    }

    [Fact]
    public void DecodeInto_SixteenBitPng_EqualsEightBitVersion()
    {
        using var eight = TestImages.Card(16, 16);
        using var sixteen = new Mat();
        eight.ConvertTo(sixteen, MatType.CV_16UC3, 257); // v × 257 maps 0..255 onto 0..65535 exactly

        var tensor = TestImages.Tensor(TestImages.Png(sixteen), TestImages.Squash(16));

        Assert.Equal(TestImages.RawRgb(eight), tensor);
    }

    [Fact]
    public void DecodeInto_PalettePng_GivesPaletteColours()
    {
        byte[] palette = [255, 0, 0, 0, 255, 0, 10, 20, 30];
        var png = PngBuilder.Palette([[0, 1], [2, 0]], palette);

        var tensor = TestImages.Tensor(png, TestImages.Squash(2));

        Assert.Equal([255f, 0, 0, 0, 255, 0, 10, 20, 30, 255, 0, 0], tensor);
    }

    [Theory]
    [InlineData(".bmp")]
    [InlineData(".tiff")]
    [InlineData(".webp")] // quality above 100 selects lossless WebP (VP8L)
    public void DecodeInto_LosslessFormat_GivesExactPixels(string extension)
    {
        using var image = TestImages.Card(24, 16);
        var bytes = TestImages.Encode(image, extension, new ImageEncodingParam(ImwriteFlags.WebPQuality, 101));

        var tensor = TestImages.Tensor(bytes, TestImages.Crop(16, 16));

        using var centre = new Mat(image, new Rect(4, 0, 16, 16));
        Assert.Equal(TestImages.RawRgb(centre), tensor);
    }

    [Theory]
    [InlineData(".webp")] // lossy VP8
    [InlineData(".jpg")]
    public void DecodeInto_LossyFormat_IsCloseToSource(string extension)
    {
        using var image = TestImages.Card(32, 32);
        var bytes = TestImages.Encode(image, extension);

        var tensor = TestImages.Tensor(bytes, TestImages.Squash(32));

        Assert.InRange(TestImages.MeanAbsDiff(tensor, TestImages.RawRgb(image)), 0, 12);
    }

    [Fact]
    public void DecodeInto_Gif_GivesFlatColours()
    {
        // OpenCV's GIF encoder quantises to a fixed palette with error diffusion (255 comes back as 252, the odd pixel
        // is dithered), so compare on average.
        using var image = new Mat(8, 8, MatType.CV_8UC3, Scalar.All(255));
        image[new Rect(0, 0, 4, 4)].SetTo(new Scalar(0, 0, 255));
        image[new Rect(4, 4, 4, 4)].SetTo(new Scalar(255, 0, 0));

        var tensor = TestImages.Tensor(TestImages.Encode(image, ".gif"), TestImages.Squash(8));

        Assert.InRange(TestImages.MeanAbsDiff(tensor, TestImages.RawRgb(image)), 0, 3);
    }
}
