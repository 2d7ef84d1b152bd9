using Pipeline.Common.Decoding;

namespace Pipeline.Common.Inference.Onnx;

/// <summary>
/// Heads that layer-normalise the pooled vector, as Keras' ConvNeXt does. Its <c>include_top=True</c> head is
/// GlobalAveragePooling2D → LayerNormalization(epsilon=1e-6) → Dense, and <c>include_top=False</c> applies the same
/// LayerNormalization after the optional <c>pooling='avg'|'max'</c> (keras-team/keras,
/// keras/src/applications/convnext.py, <c>Head</c> and the end of <c>ConvNeXt</c>). So the vector Keras calls the
/// features is the normalised one: the norm is kept, and the pooling before it, which the pipeline can no longer do
/// itself, is made to pool as configured.
/// </summary>
internal static class LayerNormHead
{
    // How far from the output a trailing normalisation's input may be (it is a handful of nodes).
    private const int MaxCandidates = 64;

    /// <summary>
    /// When a layer normalisation follows the head's <paramref name="pooling"/>, keeps it, retargets the pooling to
    /// <paramref name="mode"/> and returns the normalised vector; null when none follows.
    /// </summary>
    /// <exception cref="NotSupportedException">The normalisation's result is used in several places, or the mode cannot be had.</exception>
    public static NormalizedVector? KeepAfter(GraphIndex index, GlobalPoolingNode pooling, PoolingMode mode, float gemP)
    {
        if (!pooling.Pools || NormalizationRegion.Find(index, pooling.Node.Output[0]) is not { } region)
        {
            return null;
        }

        if (region.Exits is not [var exit])
        {
            throw new NotSupportedException(
                $"{pooling.Describe()} is followed by {region.Describe()}, but several of its values leave it " +
                $"({string.Join(", ", region.Exits)}): cannot tell which one is the embedding.");
        }

        // Everything read from the index comes first: it goes stale once nodes are inserted.
        var channels = FeatureChannels.Infer(index, pooling.Input, pooling.Layout);
        var flatten = NeedsFlatten(index, exit);
        var description = PoolingRewriter.Retarget(index, pooling, mode, gemP);
        return new NormalizedVector(flatten ? AppendFlatten(index, exit) : exit, channels, description, region.Describe());
    }

    /// <summary>
    /// An already headless Keras ConvNeXt exported with <c>pooling=None</c> ends in that layer normalisation applied at
    /// every position of the channels-last map. Keras' <c>pooling='avg'</c> normalises the pooled vector instead, with
    /// the same weights, so this pools <paramref name="output"/>'s input in the graph ahead of the norm; null when
    /// the graph does not end that way.
    /// </summary>
    public static NormalizedVector? PoolBefore(GraphIndex index, string output, PoolingMode mode, float gemP, long opset)
    {
        var region = index.AncestorsOf(output)
            .OrderDescending()
            .Take(MaxCandidates)
            .SelectMany(i => index.Graph.Node[i].Output)
            .Select(value => NormalizationRegion.Find(index, value))
            .FirstOrDefault(r => r is { IsChannelsLastPerPosition: true, Exits: [var exit] } && exit == output);
        if (region is null)
        {
            return null;
        }

        var channels = FeatureChannels.Infer(index, region.Input, TensorLayout.Nhwc);
        var (pooled, pooling) = PoolingRewriter.InsertChannelsLast(index, region.Input, region.Nodes[0], mode, gemP, opset);
        foreach (var node in region.Nodes)
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i] == region.Input)
                {
                    node.Input[i] = pooled;
                }
            }
        }

        // Their declared H and W are no longer 1×1's; a stale shape would fail the session's shape inference.
        var reshaped = region.Nodes.SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
        for (var i = index.Graph.ValueInfo.Count - 1; i >= 0; i--)
        {
            if (reshaped.Contains(index.Graph.ValueInfo[i].Name))
            {
                index.Graph.ValueInfo.RemoveAt(i);
            }
        }

        return new NormalizedVector(AppendFlatten(index, output), channels, pooling, region.Describe());
    }

    private static bool NeedsFlatten(GraphIndex index, string value) =>
        index.TensorTypeOf(value)?.Shape is not { Dim.Count: 2 } && index.ProducerOf(value) is not { OpType: "Flatten" };

    // [N, C, 1, 1] or [N, 1, 1, C] to [N, C]; appended last, after everything it could depend on.
    private static string AppendFlatten(GraphIndex index, string value)
    {
        var output = index.NewName($"{value}_vector");
        index.Graph.Node.Add(new NodeProto
        {
            Name = index.NewName($"{output}_Flatten"),
            OpType = "Flatten",
            Input = { value },
            Output = { output },
            Attribute = { new AttributeProto { Name = "axis", I = 1, Type = AttributeProto.Types.AttributeType.Int } },
        });
        return output;
    }
}
