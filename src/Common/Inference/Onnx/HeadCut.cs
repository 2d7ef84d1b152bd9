using Pipeline.Common.Decoding;

namespace Pipeline.Common.Inference.Onnx;

/// <summary>What head removal did to a classifier graph: where features now come out and what was cut.</summary>
/// <param name="FeatureOutput">The graph's single remaining output.</param>
/// <param name="Layout">Where the channels sit in <paramref name="FeatureOutput"/> (NCHW: axis 1, NHWC: last axis).</param>
/// <param name="Channels">Channel count when known without running the model.</param>
/// <param name="AlreadyPooled">True when the output is already an [N, C] vector: nothing to pool.</param>
/// <param name="PoolingNode">The pooling node the cut was made at; null when none was found.</param>
/// <param name="RemovedNodes">Removed nodes as <c>name (op)</c>, in graph order.</param>
/// <param name="Normalization">
/// The layer normalisation kept after the pooling (Keras ConvNeXt): the graph then pools as configured and
/// <paramref name="FeatureOutput"/> is the normalised [N, C] vector. Null for every other model.
/// </param>
public sealed record HeadCut(
    string FeatureOutput,
    TensorLayout Layout,
    int? Channels,
    bool AlreadyPooled,
    string? PoolingNode,
    IReadOnlyList<string> RemovedNodes,
    string? Normalization = null)
{
    /// <summary>The original output's class count when its shape declares one ([N, 1000]); null otherwise.</summary>
    public int? Classes { get; init; }

    /// <summary>The convolutions and dense layers (with constant weights) the cut removed, as <c>name (op)</c>; empty when none.</summary>
    public IReadOnlyList<string> RemovedLearnedLayers { get; init; } = [];

    /// <summary>One line for logs and <c>inspect</c>.</summary>
    public string Describe()
    {
        var width = Channels is { } c ? $"{c} channels" : "channels unknown until run";
        if (Normalization is not null)
        {
            var removed = RemovedNodes.Count == 0 ? "nothing removed" : $"removed {RemovedNodes.Count} nodes: {string.Join(", ", RemovedNodes)}";
            return $"features '{FeatureOutput}' [N, C] ({width}): pooled in the graph by {PoolingNode}, then {Normalization} kept " +
                $"(Keras include_top=False); {removed}";
        }

        if (AlreadyPooled)
        {
            return $"already headless: output '{FeatureOutput}' is [N, C] ({width})";
        }

        var layout = Layout.ToString().ToUpperInvariant();
        var cut = PoolingNode is null
            ? "output is already a feature map"
            : $"cut before {PoolingNode}; removed {RemovedNodes.Count} nodes: {string.Join(", ", RemovedNodes)}";
        return $"features '{FeatureOutput}' ({layout}, {width}); {cut}";
    }
}
