using System.Globalization;
using Pipeline.Common.Decoding;
using Pipeline.Common.Inference.Onnx;

namespace Pipeline.Common.Inference;

/// <summary>Which model a worker runs and how it is fed: the identity stored with every vector.</summary>
/// <param name="Id">Short name, also the storage table suffix (e.g. <c>mobilenetv2</c>).</param>
/// <param name="Path">Local path of the ONNX file (an http(s) or blob URL until <c>ModelFileCache</c> has fetched it).</param>
/// <param name="Sha256">Expected weights hash (lower-case hex); null to accept whatever is there.</param>
public sealed record ModelSpec(
    string Id,
    string Path,
    string? Sha256,
    PreprocessSpec Preprocess,
    PoolingMode Pooling)
{
    /// <summary>What <see cref="DescribePooling"/> says for a model that outputs [N, C] and so pools itself.</summary>
    public const string InModelPooling = "in-model";

    /// <summary>GeM's exponent when <see cref="Pooling"/> is <see cref="PoolingMode.Gem"/>.</summary>
    public float GemP { get; init; } = GlobalPooling.DefaultGemP;

    /// <summary>Scale every embedding to unit length (on by default: cosine and inner product then agree).</summary>
    public bool L2Normalize { get; init; } = true;

    /// <summary>
    /// True when nobody set the layout explicitly: the one the model's input shape shows wins over
    /// <see cref="PreprocessSpec.Layout"/>. False: an explicit layout that the model contradicts is an error.
    /// </summary>
    public bool LayoutFromModel { get; init; }

    /// <summary>
    /// The layout of the export the catalogue entry's preprocessing is meant for; a model whose input shows the other layout
    /// is refused (it is another exporter's graph, fed the wrong preprocessing). Null: any layout.
    /// </summary>
    public TensorLayout? EntryLayout { get; init; }

    /// <summary>
    /// What the file is: false a classifier (the cut must remove a learned layer and not leave the class count as width),
    /// true an <c>include_top=False</c> export (the cut must remove no learned layer); null does not judge (inspection).
    /// </summary>
    public bool? Headless { get; init; }

    /// <summary>
    /// An ONNX graph merged in front of the model at load (its publisher's preprocessing: ML.NET's ResNet18 takes RGB 0..255
    /// through it); its batch axis and the model's are made dynamic. Null: none.
    /// </summary>
    public string? PreprocessingGraph { get; init; }

    /// <summary>Expected sha256 of <see cref="PreprocessingGraph"/>; checked at load when set.</summary>
    public string? PreprocessingGraphSha256 { get; init; }

    /// <summary>The catalogue entry the settings came from, for messages; null for a custom model.</summary>
    public string? Entry { get; init; }

    /// <summary>The width the chosen catalogue entry promises; loading fails when the model disagrees. Null: any.</summary>
    public int? ExpectedWidth { get; init; }

    /// <summary>
    /// Stable text stored with every vector, e.g. <c>avg</c>, <c>max</c>, <c>gem3</c>, <c>gem2.5;nol2</c>, or
    /// <c>avg+ln</c> when the model's layer normalisation after the pooling is kept (Keras ConvNeXt): those vectors
    /// differ from the plain pooled ones, so they must not share a table with them.
    /// </summary>
    public string DescribePooling(bool pooledByModel = false, bool layerNormalized = false)
    {
        var mode = (pooledByModel, Pooling) switch
        {
            (true, _) => InModelPooling,
            (_, PoolingMode.Gem) => string.Create(CultureInfo.InvariantCulture, $"gem{GemP:0.###}"),
            (_, PoolingMode.Avg or PoolingMode.Max) => Pooling.ToString().ToLowerInvariant(),
            _ => throw new InvalidOperationException($"Unknown pooling mode {Pooling}."),
        };
        mode = layerNormalized ? mode + "+ln" : mode;
        return L2Normalize ? mode : mode + ";nol2";
    }
}
