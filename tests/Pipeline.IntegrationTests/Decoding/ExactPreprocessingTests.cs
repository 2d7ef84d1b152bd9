using System.Text.Json;
using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.UnitTests.Inference;
using Xunit.Abstractions;

namespace Pipeline.IntegrationTests.Decoding;

/// <summary>
/// <see cref="PreprocessFidelity.Exact"/> against the real Pillow pipelines (scripts/references/pillow_preprocessing.py,
/// Debian's python3-pil): torchvision's eval transform and Keras' load_img, on every sample photo. Tensors are compared by
/// max abs error, vectors of the bundled model by cosine (target: mean ≥ 0.999, min ≥ 0.995).
/// </summary>
public sealed class ExactPreprocessingTests(ITestOutputHelper output)
{
    private const string Script = "pillow_preprocessing";
    private static readonly PreprocessSpec Torch = new(224, 256, ResizePolicy.ShortSideThenCenterCrop, PreprocessMode.Torch, TensorLayout.Nchw);
    private static readonly PreprocessSpec Squash = new(224, 224, ResizePolicy.Squash, PreprocessMode.Raw, TensorLayout.Nhwc);

    [Fact]
    public void Exact_TorchvisionEvalTransform_MatchesPillowTensorsAndVectors()
    {
        var preprocessor = new ImagePreprocessor();
        using var backbone = Backbone.Load(new ModelOptions().ToSpec() with { Headless = null });
        var exactCosines = new List<double>();
        var fastCosines = new List<double>();
        foreach (var photo in Photos())
        {
            var bytes = File.ReadAllBytes(RepoPaths.Sample(photo));
            var reference = ReferenceFiles.ReadFloats(Script, photo + ".torch.f32");
            var exact = Tensor(preprocessor, bytes, Torch with { Fidelity = PreprocessFidelity.Exact });
            var fast = Tensor(preprocessor, bytes, Torch);

            // One 8-bit level is 1 / (255 × 0.225) ≈ 0.0174 in torch units.
            var error = MaxAbs(exact, reference);
            exactCosines.Add(VectorMath.Cosine(Embed(backbone, exact), Embed(backbone, reference)));
            fastCosines.Add(VectorMath.Cosine(Embed(backbone, fast), Embed(backbone, reference)));
            output.WriteLine($"{photo}: max abs error exact {error:F5} (fast {MaxAbs(fast, reference):F4}); cosine exact {exactCosines[^1]:F6}, fast {fastCosines[^1]:F6}");
            Assert.True(error <= (photo.EndsWith(".png", StringComparison.Ordinal) ? 1e-5 : 0.0175 * 2), $"{photo}: max abs error {error}");
        }

        output.WriteLine($"exact: mean cosine {exactCosines.Average():F6}, min {exactCosines.Min():F6}; fast: mean {fastCosines.Average():F6}, min {fastCosines.Min():F6}");
        Assert.True(exactCosines.Average() >= 0.999, $"mean cosine {exactCosines.Average()}");
        Assert.True(exactCosines.Min() >= 0.995, $"min cosine {exactCosines.Min()}");
    }

    [Theory]
    [InlineData(ResizeInterpolation.Nearest, ".squash.u8")]
    [InlineData(ResizeInterpolation.Bilinear, ".squash_bilinear.u8")]
    public void Exact_KerasLoadImg_MatchesPillowPixels(ResizeInterpolation interpolation, string suffix)
    {
        var preprocessor = new ImagePreprocessor();
        foreach (var photo in Photos())
        {
            var reference = File.ReadAllBytes(ReferenceFiles.PathOf(Script, photo + suffix));
            var exact = Tensor(
                preprocessor, File.ReadAllBytes(RepoPaths.Sample(photo)), Squash with { Fidelity = PreprocessFidelity.Exact, Interpolation = interpolation });

            var error = MaxAbs(exact, [.. reference.Select(b => (float)b)]);
            output.WriteLine($"{photo}: max abs error {error} levels");
            Assert.True(error <= (photo.EndsWith(".png", StringComparison.Ordinal) ? 0 : 3), $"{photo}: max abs error {error} levels");
        }
    }

    private static List<string> Photos() =>
        JsonSerializer.Deserialize<List<string>>(File.ReadAllText(ReferenceFiles.PathOf(Script, "photos.json")))!;

    private static float[] Tensor(ImagePreprocessor preprocessor, byte[] bytes, PreprocessSpec spec)
    {
        var tensor = new float[spec.TensorLength];
        preprocessor.DecodeInto(bytes, spec, tensor);
        return tensor;
    }

    private static float[] Embed(Backbone backbone, float[] tensor)
    {
        var vector = new float[backbone.Width];
        backbone.Embed(tensor.AsMemory(), 1, vector);
        return vector;
    }

    private static double MaxAbs(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();
}
