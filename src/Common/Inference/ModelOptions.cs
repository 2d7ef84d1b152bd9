namespace Pipeline.Common.Inference;

using System.ComponentModel.DataAnnotations;

/// <summary>
/// Which backbone to run and how to feed it. Bound from the <c>Model</c> section. The defaults are
/// the bundled MobileNetV2 (ONNX Model Zoo, int8) with its torchvision-style preprocessing.
/// </summary>
public sealed class ModelOptions
{
    public const string Section = "Model";

    public const string BundledId = "mobilenetv2";

    public const string BundledFile = "mobilenetv2-12-int8.onnx";

    public const string BundledSha256 = "83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f";

    /// <summary>Model id: names the queue and the table, so it is a plain identifier.</summary>
    [Required, RegularExpression("^[a-z][a-z0-9_]{0,39}$")]
    public string Id { get; set; } = BundledId;

    /// <summary>ONNX file; empty means the bundled model next to the program.</summary>
    public string? Path { get; set; }

    /// <summary>Expected sha256 of the file; checked at load when set.</summary>
    [RegularExpression("^[0-9a-f]{64}$")]
    public string? Sha256 { get; set; }

    [Range(8, 2048)]
    public int InputSize { get; set; } = 224;

    [Range(8, 4096)]
    public int ResizeShortSide { get; set; } = 256;

    public ResizePolicy Resize { get; set; } = ResizePolicy.ShortSideThenCenterCrop;

    public PreprocessMode Preprocess { get; set; } = PreprocessMode.Torch;

    public TensorLayout Layout { get; set; } = TensorLayout.Nchw;

    public PoolingMode Pooling { get; set; } = PoolingMode.Avg;

    public ModelSpec ToSpec()
    {
        var bundled = string.IsNullOrEmpty(Path);
        var path = bundled ? System.IO.Path.Combine(AppContext.BaseDirectory, "models", BundledFile) : System.IO.Path.GetFullPath(Path!);
        var sha = Sha256 ?? (bundled ? BundledSha256 : null);
        return new ModelSpec(Id, path, sha, new PreprocessSpec(InputSize, ResizeShortSide, Resize, Preprocess, Layout), Pooling);
    }
}
