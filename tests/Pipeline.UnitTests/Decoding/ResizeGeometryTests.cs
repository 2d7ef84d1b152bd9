using OpenCvSharp;
using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;

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

    [Fact]
    public void SourceRegion_Squash_IsWholeImage()
    {
        Assert.Equal(new Rect(0, 0, 300, 100), ResizeGeometry.SourceRegion(300, 100, TestImages.Squash(224)));
    }

    [Fact]
    public void SourceRegion_NoResizeNeeded_IsTheTorchvisionCrop()
    {
        // Short side already 256: a pure centre crop, offsets (341−224)/2 = 58.5 → 58 (half to even, like Python) and 16.
        Assert.Equal(new Rect(58, 16, 224, 224), ResizeGeometry.SourceRegion(341, 256, TestImages.Crop(256, 224)));
        // 59.5 → 60.
        Assert.Equal(new Rect(60, 16, 224, 224), ResizeGeometry.SourceRegion(343, 256, TestImages.Crop(256, 224)));
    }

    [Fact]
    public void SourceRegion_Downscale_IsTheCropMappedBackToSource()
    {
        // 768×576 → 341×256 (341.33 truncated), crop at (58, 16); ×(768/341, 576/256) ≈ (130.6, 36) … (635.1, 540).
        Assert.Equal(new Rect(131, 36, 504, 504), ResizeGeometry.SourceRegion(768, 576, TestImages.Crop(256, 224)));
    }

    [Fact]
    public void SourceRegion_ExtremeAspect_StaysSmallAndCentred()
    {
        var region = ResizeGeometry.SourceRegion(20000, 20, TestImages.Crop(256, 224));

        Assert.InRange(region.Width, 17, 19);
        Assert.InRange(region.Height, 17, 19);
        Assert.InRange(region.X + (region.Width / 2.0), 9990, 10010);
    }

    [Fact]
    public void SourceRegion_OnePixel_IsThatPixel()
    {
        Assert.Equal(new Rect(0, 0, 1, 1), ResizeGeometry.SourceRegion(1, 1, TestImages.Crop(256, 224)));
    }
}
