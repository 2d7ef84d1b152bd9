using OpenCvSharp;
using Pipeline.Common.Decoding;

namespace Pipeline.UnitTests.Decoding;

/// <summary>Real photos: the reduced JPEG decode must be a fair shortcut for the full decode.</summary>
public sealed class ImagePreprocessorSampleTests
{
    public static TheoryData<string, ResizePolicy, int> Photos() => new()
    {
        { "dog.jpg", ResizePolicy.ShortSideThenCenterCrop, 2 }, // 768×576
        { "kite.jpg", ResizePolicy.ShortSideThenCenterCrop, 2 }, // 1352×900
        { "eagle.jpg", ResizePolicy.ShortSideThenCenterCrop, 2 }, // 773×512: odd side, reduced to 387×256
        { "dog.jpg", ResizePolicy.Squash, 2 },
        { "kite.jpg", ResizePolicy.Squash, 4 }, // 900 ≥ 4 × 224
    };

    [Theory]
    [MemberData(nameof(Photos))]
    public void DecodeInto_ReducedJpegDecode_IsCloseToFullDecode(string file, ResizePolicy policy, int expectedFactor)
    {
        var jpeg = File.ReadAllBytes(RepoPaths.File("samples", "images", file));
        var spec = new PreprocessSpec(224, 256, policy, PreprocessMode.Torch, TensorLayout.Nchw);
        Assert.True(ImageHeader.TryRead(jpeg, out var width, out var height, out _));
        Assert.Equal(expectedFactor, ResizeGeometry.ReductionFactor(width, height, spec));

        // Full-resolution reference: the same pixels as a lossless PNG, which is never decoded reduced.
        using var full = Cv2.ImDecode(jpeg, ImreadModes.Color);
        var reference = TestImages.Tensor(TestImages.Png(full), spec);
        var reduced = TestImages.Tensor(jpeg, spec);

        // Torch units (one 0..255 step ≈ 0.017). Measured 0.013–0.060 (eagle crop worst, ~3.5 steps): libjpeg's
        // DCT-domain reduction (plus a second small resize) is a different filter from one INTER_AREA pass, of the same
        // size as choosing INTER_LINEAR over INTER_AREA on the full decode (0.04 on dog.jpg). A crop one output pixel off
        // (eagle.jpg before the geometry was mapped from the original size) measured 0.13.
        Assert.InRange(TestImages.MeanAbsDiff(reduced, reference), 0, 0.08);
    }

    [Fact]
    public void DecodeInto_ParallelCalls_MatchSequentialResults()
    {
        var files = new[] { "dog.jpg", "kite.jpg", "chelsea.png", "scream.jpg", "coffee.png", "giraffe.jpg" };
        var specs = new[]
        {
            new PreprocessSpec(224, 256, ResizePolicy.ShortSideThenCenterCrop, PreprocessMode.Torch, TensorLayout.Nchw),
            new PreprocessSpec(299, 299, ResizePolicy.Squash, PreprocessMode.Tf, TensorLayout.Nhwc),
            new PreprocessSpec(64, 80, ResizePolicy.ShortSideThenCenterCrop, PreprocessMode.Caffe, TensorLayout.Nhwc),
        };
        var jobs = (from f in files from s in specs select (Bytes: File.ReadAllBytes(RepoPaths.File("samples", "images", f)), Spec: s)).ToArray();
        var preprocessor = new ImagePreprocessor();
        var sequential = jobs.Select(j => TestImages.Tensor(j.Bytes, j.Spec, preprocessor)).ToArray();

        // Each thread interleaves different specs, so the per-thread scratch buffers change size between calls.
        var parallel = new float[jobs.Length * 4][];
        Parallel.For(0, parallel.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            parallel[i] = TestImages.Tensor(jobs[i % jobs.Length].Bytes, jobs[i % jobs.Length].Spec, preprocessor));

        for (var i = 0; i < parallel.Length; i++)
        {
            Assert.Equal(sequential[i % jobs.Length], parallel[i]);
        }
    }
}
