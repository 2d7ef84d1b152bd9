using OpenCvSharp;
using Pipeline.Common.Decoding;

namespace Pipeline.UnitTests.Decoding;

public sealed class ImagePreprocessorResizeTests
{
    [Fact]
    public void DecodeInto_WideImageAtShortSide_CropsTheCentreColumns()
    {
        // 8×4: columns 2..5 green, the rest blue; short side already 4, so the crop alone must pick the green centre.
        using var image = new Mat(4, 8, MatType.CV_8UC3, new Scalar(255, 0, 0));
        image[new Rect(2, 0, 4, 4)].SetTo(new Scalar(0, 255, 0));
        var tensor = TestImages.Tensor(TestImages.Png(image), TestImages.Crop(4, 4));

        AssertAllPixels(tensor, 0, 255, 0);
    }

    [Fact]
    public void DecodeInto_TallImageNeedingResize_CropsTheCentreRows()
    {
        // 8×16 → short side 4 gives 4×8, centre crop rows 2..5 = source rows 4..11, which are green.
        using var image = new Mat(16, 8, MatType.CV_8UC3, new Scalar(255, 0, 0));
        image[new Rect(0, 4, 8, 8)].SetTo(new Scalar(0, 255, 0));
        var tensor = TestImages.Tensor(TestImages.Png(image), TestImages.Crop(4, 4));

        AssertAllPixels(tensor, 0, 255, 0);
    }

    [Theory]
    [InlineData("chelsea.png")]
    [InlineData("coffee.png")]
    [InlineData("motorcycle_left.png")]
    [InlineData("scream.jpg")] // 352×448: too small for a reduced decode, so the same pixels as the reference
    public void DecodeInto_CropThenResize_MatchesResizeThenCrop(string file)
    {
        // Reference: torchvision order with OpenCV filters — resize the whole image (short side 256, long side truncated),
        // then centre-crop 224 at int(round((d - 224) / 2)).
        var bytes = File.ReadAllBytes(RepoPaths.File("samples", "images", file));
        using var full = Cv2.ImDecode(bytes, ImreadModes.Color);
        int width = full.Width, height = full.Height, shortSide = Math.Min(width, height);
        var (rw, rh) = width <= height ? (256, 256 * height / shortSide) : (256 * width / shortSide, 256);
        using var resized = new Mat();
        Cv2.Resize(full, resized, new Size(rw, rh), 0, 0, InterpolationFlags.Area);
        using var crop = new Mat(resized, new Rect((int)Math.Round((rw - 224) / 2.0), (int)Math.Round((rh - 224) / 2.0), 224, 224));

        var tensor = TestImages.Tensor(bytes, TestImages.Crop(256, 224));

        // Raw 0..255 units. The orders differ only by the crop snapping to whole source pixels (measured 0.8–2.1 here),
        // the same size as choosing INTER_LINEAR instead of INTER_AREA for the reference (0.5–2.9) and smaller than
        // rounding instead of truncating the long side (up to 4.7): interpolation noise, ~0.05 in torch units.
        Assert.InRange(TestImages.MeanAbsDiff(tensor, TestImages.RawRgb(crop)), 0, 3.0);
    }

    [Theory]
    [InlineData(1, 1, ResizePolicy.ShortSideThenCenterCrop)]
    [InlineData(1, 1, ResizePolicy.Squash)]
    [InlineData(2000, 20, ResizePolicy.ShortSideThenCenterCrop)]
    [InlineData(2000, 20, ResizePolicy.Squash)]
    [InlineData(20, 2000, ResizePolicy.ShortSideThenCenterCrop)]
    [InlineData(20000, 20, ResizePolicy.ShortSideThenCenterCrop)]
    [InlineData(3, 500, ResizePolicy.Squash)]
    public void DecodeInto_TinyOrExtremeAspect_GivesFiniteTensor(int width, int height, ResizePolicy policy)
    {
        using var image = TestImages.Card(width, height);
        var spec = new PreprocessSpec(224, 256, policy, PreprocessMode.Torch, TensorLayout.Nchw);
        var tensor = TestImages.Tensor(TestImages.Png(image), spec);

        Assert.All(tensor, v => Assert.True(float.IsFinite(v) && v is > -3f and < 3f));
    }

    [Fact]
    public void DecodeInto_SquashWithMixedDirections_AveragesTheShrinkingAxis()
    {
        // 2000×20 of alternating black/white columns: squashed to 224 each output pixel averages ~9 columns, so mid-grey.
        // A plain INTER_LINEAR (or mixed-direction INTER_AREA) pass would alias into near-black and near-white stripes.
        using var image = new Mat(20, 2000, MatType.CV_8UC3, Scalar.All(0));
        for (var y = 0; y < 20; y++)
        {
            for (var x = 0; x < 2000; x += 2)
            {
                image.Set(y, x, new Vec3b(255, 255, 255));
            }
        }

        var tensor = TestImages.Tensor(TestImages.Png(image), TestImages.Squash(224));

        Assert.All(tensor, v => Assert.InRange(v, 100f, 155f));
    }

    [Fact]
    public void DecodeInto_ExactSize_PassesPixelsThrough()
    {
        using var image = TestImages.Card(32, 32);
        var tensor = TestImages.Tensor(TestImages.Png(image), TestImages.Squash(32));

        Assert.Equal(TestImages.RawRgb(image), tensor);
    }

    private static void AssertAllPixels(float[] nhwcRaw, float r, float g, float b)
    {
        for (var i = 0; i < nhwcRaw.Length; i += 3)
        {
            Assert.Equal((r, g, b), (nhwcRaw[i], nhwcRaw[i + 1], nhwcRaw[i + 2]));
        }
    }
}
