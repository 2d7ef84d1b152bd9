using OpenCvSharp;
using Pipeline.Common.Decoding;

namespace Pipeline.UnitTests.Decoding;

public sealed class ResizeGeometryTests
{
    [Theory]
    [InlineData(768, 576, 256, 2)] // dog.jpg: 576 ≥ 2×256
    [InlineData(1352, 900, 256, 2)] // kite.jpg
    [InlineData(4000, 3000, 256, 8)]
    [InlineData(2048, 1024, 256, 4)]
    [InlineData(511, 600, 256, 1)]
    [InlineData(512, 512, 256, 2)]
    public void ReductionFactor_CropPolicy_KeepsShortSideAtLeastResizeShortSide(int width, int height, int shortSide, int expected)
    {
        Assert.Equal(expected, ResizeGeometry.ReductionFactor(width, height, TestImages.Crop(shortSide, 224)));
    }

    [Theory]
    [InlineData(1792, 1792, 8)]
    [InlineData(1791, 4000, 4)]
    [InlineData(447, 2000, 1)]
    public void ReductionFactor_Squash_KeepsBothSidesAtLeastInputSize(int width, int height, int expected)
    {
        Assert.Equal(expected, ResizeGeometry.ReductionFactor(width, height, TestImages.Squash(224)));
    }

    [Theory]
    [InlineData(773, 512, 2, 387, 256, 773, 512)] // reduced, sides rounded up
    [InlineData(773, 512, 2, 256, 387, 512, 773)] // reduced and turned by EXIF orientation
    [InlineData(100, 50, 1, 100, 50, 100, 50)]
    [InlineData(100, 50, 1, 60, 60, 60, 60)] // header disagrees with pixels: trust the pixels
    public void OrientedOriginal_ExifOrientations_MatchTheDecodedOrientation(int w, int h, int factor, int dw, int dh, int ew, int eh)
    {
        Assert.Equal(new Size(ew, eh), ResizeGeometry.OrientedOriginal(new Size(dw, dh), w, h, factor));
    }

    [Fact]
    public void SourceRegion_Squash_IsWholeImage()
    {
        Assert.Equal(new Rect(0, 0, 300, 100), Region(300, 100, 1, TestImages.Squash(224)));
    }

    [Fact]
    public void SourceRegion_SquashReducedOddSide_DropsPartialLastColumn()
    {
        // 773 / 2 = 386.5: libjpeg emits 387 columns, the last one half a source pixel wide.
        Assert.Equal(new Rect(0, 0, 386, 256), ResizeGeometry.SourceRegion(new Size(387, 256), new Size(773, 512), 2, TestImages.Squash(224)));
    }

    [Fact]
    public void SourceRegion_NoResizeNeeded_IsTheTorchvisionCrop()
    {
        // Short side already 256: a pure centre crop, offsets (341−224)/2 = 58.5 → 58 (half to even, like Python) and 16.
        Assert.Equal(new Rect(58, 16, 224, 224), Region(341, 256, 1, TestImages.Crop(256, 224)));
        // 59.5 → 60.
        Assert.Equal(new Rect(60, 16, 224, 224), Region(343, 256, 1, TestImages.Crop(256, 224)));
    }

    [Fact]
    public void SourceRegion_Downscale_IsTheCropMappedBackToSource()
    {
        // 768×576 → 341×256 (341.33 truncated), crop at (58, 16); ×(768/341, 576/256) ≈ (130.6, 36) … (635.1, 540).
        Assert.Equal(new Rect(131, 36, 504, 504), Region(768, 576, 1, TestImages.Crop(256, 224)));
    }

    [Fact]
    public void SourceRegion_ReducedDecode_CropsWhereTheFullDecodeWould()
    {
        // eagle.jpg 773×512 at 1/2 is 387×256. torchvision resizes the original to 386×256 and crops at x = 81; computing
        // on the reduced 387 instead would crop at 82 — a whole output pixel off.
        Assert.Equal(new Rect(81, 16, 224, 224), ResizeGeometry.SourceRegion(new Size(387, 256), new Size(773, 512), 2, TestImages.Crop(256, 224)));
    }

    [Fact]
    public void SourceRegion_ExtremeAspect_StaysSmallAndCentred()
    {
        var region = Region(20000, 20, 1, TestImages.Crop(256, 224));

        Assert.InRange(region.Width, 17, 19);
        Assert.InRange(region.Height, 17, 19);
        Assert.InRange(region.X + (region.Width / 2.0), 9990, 10010);
    }

    [Fact]
    public void SourceRegion_OnePixel_IsThatPixel()
    {
        Assert.Equal(new Rect(0, 0, 1, 1), Region(1, 1, 1, TestImages.Crop(256, 224)));
    }

    private static Rect Region(int width, int height, int factor, PreprocessSpec spec) =>
        ResizeGeometry.SourceRegion(new Size(width, height), new Size(width * factor, height * factor), factor, spec);
}
