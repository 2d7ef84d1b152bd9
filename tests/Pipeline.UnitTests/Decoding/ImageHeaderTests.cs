using OpenCvSharp;
using Pipeline.Common.Decoding;

namespace Pipeline.UnitTests.Decoding;

public sealed class ImageHeaderTests
{
    public static TheoryData<string, int, ImageFormat> Encoded() => new()
    {
        { ".jpg", 0, ImageFormat.Jpeg },
        { ".png", 0, ImageFormat.Png },
        { ".gif", 0, ImageFormat.Gif },
        { ".bmp", 0, ImageFormat.Bmp },
        { ".tiff", 0, ImageFormat.Tiff },
        { ".webp", 90, ImageFormat.WebP }, // lossy 3-channel: VP8
        { ".webp", 101, ImageFormat.WebP }, // lossless: VP8L
    };

    [Theory]
    [MemberData(nameof(Encoded))]
    public void TryRead_OpenCvEncodedImage_ReadsDimensions(string extension, int webpQuality, ImageFormat format)
    {
        // Odd, unequal sides so swapped or off-by-one fields show.
        using var image = TestImages.Card(37, 23);
        var bytes = TestImages.Encode(image, extension, new ImageEncodingParam(ImwriteFlags.WebPQuality, Math.Max(webpQuality, 1)));

        AssertHeader(bytes, 37, 23, format);
    }

    [Fact]
    public void TryRead_LossyWebPWithAlpha_ReadsVp8xCanvas()
    {
        using var image = new Mat(23, 37, MatType.CV_8UC4, new Scalar(1, 2, 3, 100));
        var bytes = TestImages.Encode(image, ".webp", new ImageEncodingParam(ImwriteFlags.WebPQuality, 90));

        Assert.Equal("VP8X"u8.ToArray(), bytes[12..16]);
        AssertHeader(bytes, 37, 23, ImageFormat.WebP);
    }

    [Fact]
    public void TryRead_ProgressiveJpegWithExif_ReadsSof2()
    {
        using var image = TestImages.Card(37, 23);
        var jpeg = TestImages.Encode(image, ".jpg", new ImageEncodingParam(ImwriteFlags.JpegProgressive, 1));

        AssertHeader(ExifJpeg.WithOrientation(jpeg, 6), 37, 23, ImageFormat.Jpeg);
    }

    [Fact]
    public void TryRead_SampleJpeg_ReadsDimensions()
    {
        AssertHeader(File.ReadAllBytes(RepoPaths.File("samples", "images", "dog.jpg")), 768, 576, ImageFormat.Jpeg);
    }

    [Fact]
    public void TryRead_TopDownBmp_ReadsPositiveHeight()
    {
        var bmp = new byte[54];
        "BM"u8.CopyTo(bmp);
        BitConverter.TryWriteBytes(bmp.AsSpan(14), 40);
        BitConverter.TryWriteBytes(bmp.AsSpan(18), 37);
        BitConverter.TryWriteBytes(bmp.AsSpan(22), -23);

        AssertHeader(bmp, 37, 23, ImageFormat.Bmp);
    }

    [Fact]
    public void TryRead_HugePngHeader_ReadsDeclaredSize()
    {
        AssertHeader(PngBuilder.Build(30000, 30000, 8, 2, [1, 2, 3]), 30000, 30000, ImageFormat.Png);
    }

    [Fact]
    public void TryRead_RandomBytes_IsUnknown()
    {
        var bytes = new byte[64];
        new Random(42).NextBytes(bytes);
        bytes[0] = 0; // not accidentally 0xFF 0xD8

        Assert.False(ImageHeader.TryRead(bytes, out _, out _, out var format));
        Assert.Equal(ImageFormat.Unknown, format);
    }

    [Fact]
    public void TryRead_JpegWithoutFrameHeader_IsFalse()
    {
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xD9];

        Assert.False(ImageHeader.TryRead(jpeg, out _, out _, out var format));
        Assert.Equal(ImageFormat.Jpeg, format);
    }

    [Fact]
    public void TryRead_TruncatedPng_IsFalse()
    {
        using var image = TestImages.Card(37, 23);

        Assert.False(ImageHeader.TryRead(TestImages.Png(image).AsSpan(0, 20), out _, out _, out _));
    }

    private static void AssertHeader(byte[] bytes, int width, int height, ImageFormat format)
    {
        Assert.True(ImageHeader.TryRead(bytes, out var w, out var h, out var f));
        Assert.Equal((width, height, format), (w, h, f));
    }
}
