using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.Common.Inference.Onnx;

namespace Pipeline.UnitTests.Inference;

/// <summary>The MobileNetV2 int8 model vendored in <c>models/</c> (see models/README.md).</summary>
internal static class BundledModel
{
    public const string Sha256 = "83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f";
    public const int Width = 1280;
    public const int Side = 224;
    public const int ImageLength = 3 * Side * Side;

    public static string Path => RepoPaths.File("models", "mobilenetv2-12-int8.onnx");

    public static ModelSpec Spec(PoolingMode pooling = PoolingMode.Avg) => new(
        "mobilenetv2",
        Path,
        Sha256,
        new PreprocessSpec(Side, 256, ResizePolicy.ShortSideThenCenterCrop, PreprocessMode.Torch, TensorLayout.Nchw),
        pooling);
}
