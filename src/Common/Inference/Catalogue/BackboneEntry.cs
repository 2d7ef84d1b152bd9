using System.Globalization;
using Pipeline.Common.Decoding;

namespace Pipeline.Common.Inference.Catalogue;

/// <summary>One architecture of the catalogue: how to feed its ONNX export and what comes out.</summary>
/// <param name="Name">Model id and lookup key, e.g. <c>resnet50</c>: the Keras constructor name in lower case.</param>
/// <param name="Family">Human name, e.g. <c>ResNet50</c>.</param>
/// <param name="InputSize">Default square input side (Keras <c>default_size</c>).</param>
/// <param name="ResizeShortSide">Short side before a centre crop, when <see cref="Resize"/> is the crop policy or a user picks it.</param>
/// <param name="Resize">Keras entries squash like <c>load_img(target_size=…)</c>; torchvision ones resize the short side and crop.</param>
/// <param name="Mode">Keras <c>preprocess_input</c> mode; <see cref="PreprocessMode.Raw"/> when the graph normalises 0..255 itself.</param>
/// <param name="Layout">The layout its usual ONNX export takes (tf2onnx: NHWC, torch.onnx: NCHW); the model's input shape overrides it.</param>
/// <param name="Width">Pooled feature width, the same for <c>avg</c>, <c>max</c> and <c>gem</c> (the last feature map's channels).</param>
/// <param name="Note">What a user should know about this entry, if anything.</param>
/// <param name="ShippedModel">
/// The model file that comes with the programs for this entry (the bundled MobileNetV2, the NuGet ResNet18), or null: the user
/// brings the file (<c>Model:Path</c>). A shipped file serves only its own entry.
/// </param>
public sealed record BackboneEntry(
    string Name,
    string Family,
    int InputSize,
    int ResizeShortSide,
    ResizePolicy Resize,
    PreprocessMode Mode,
    TensorLayout Layout,
    int Width,
    BackboneSource Source,
    string? Note = null,
    ShippedModel? ShippedModel = null,
    bool Headless = false)
{
    /// <summary>Caffe mode feeds BGR; every other mode RGB.</summary>
    public ChannelOrder ChannelOrder => Mode == PreprocessMode.Caffe ? ChannelOrder.Bgr : ChannelOrder.Rgb;

    /// <summary>The entry's preprocessing: input size, resize, normalisation mode and tensor layout.</summary>
    public PreprocessSpec Preprocess => new(InputSize, ResizeShortSide, Resize, Mode, Layout);

    /// <summary>The usual eval crop ratio (224 of 256) applied to any input side: 224 → 256, 299 → 342.</summary>
    public static int ShortSideFor(int inputSize) =>
        (int)Math.Round(inputSize * 256 / 224.0, MidpointRounding.AwayFromZero);

    /// <summary>One line for tables: <c>caffe (BGR, mean-subtracted)</c>, <c>in-graph (0..255)</c>…</summary>
    public string DescribePreprocessing() => Mode switch
    {
        PreprocessMode.Caffe => "caffe (BGR)",
        PreprocessMode.Raw => "in-graph (0..255)",
        _ => Mode.ToString().ToLowerInvariant(),
    };

    /// <summary>How the image reaches the square input, e.g. <c>squash 224</c> or <c>short 256, crop 224</c>.</summary>
    public string DescribeResize() => Resize == ResizePolicy.Squash
        ? string.Create(CultureInfo.InvariantCulture, $"squash {InputSize}")
        : string.Create(CultureInfo.InvariantCulture, $"short {ResizeShortSide}, crop {InputSize}");
}
