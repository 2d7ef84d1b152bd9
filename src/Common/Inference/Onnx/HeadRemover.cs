using Pipeline.Common.Decoding;

namespace Pipeline.Common.Inference.Onnx;

/// <summary>
/// Turns a classifier into a backbone (Keras <c>include_top=False</c>): the graph's single output becomes the
/// float spatial feature map that went into the global pooling before the classifier head.
/// </summary>
internal static class HeadRemover
{
    private const int FloatType = (int)TensorProto.Types.DataType.Float;

    /// <summary>Rewrites <paramref name="model"/> in place and says what was cut.</summary>
    /// <param name="pooling">How the graph pools when it has to (a layer normalisation after the pooling, see <see cref="LayerNormHead"/>).</param>
    /// <param name="gemP">GeM's exponent, with <see cref="PoolingMode.Gem"/>.</param>
    /// <exception cref="NotSupportedException">No global pooling feeds the output and it is no feature map either.</exception>
    public static HeadCut Remove(ModelProto model, PoolingMode pooling = PoolingMode.Avg, float gemP = GlobalPooling.DefaultGemP)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph ?? throw new NotSupportedException("The ONNX model has no graph.");
        if (graph.Output.Count == 0)
        {
            throw new NotSupportedException("The ONNX graph has no output.");
        }

        var index = new GraphIndex(graph);
        var output = graph.Output[0];
        var classes = ClassCount(output);
        var before = graph.Node.ToList();
        var cut = Cut(model, index, output, pooling, gemP);
        var kept = graph.Node.ToHashSet(ReferenceEqualityComparer.Instance);
        return cut with
        {
            Classes = classes,
            RemovedLearnedLayers = [.. before.Where(n => !kept.Contains(n) && LearnedLayers.IsLearned(n, index)).Select(NodeDescription.Of)],
        };
    }

    private static HeadCut Cut(ModelProto model, GraphIndex index, ValueInfoProto output, PoolingMode pooling, float gemP)
    {
        var head = FindHeadPooling(index, output.Name);
        if (head is not null)
        {
            return LayerNormHead.KeepAfter(index, head, pooling, gemP) is { } kept
                ? CutAfter(index, kept, head.Layout)
                : CutAt(index, ClassifierConvMatcher.Before(index, head, output.Name) ?? head);
        }

        var layout = ImageLayout(index);
        return layout == TensorLayout.Nhwc && output.Type?.TensorType?.Shape is { Dim.Count: 4 }
            && LayerNormHead.PoolBefore(index, output.Name, pooling, gemP, DefaultOpset(model)) is { } pooled
            ? CutAfter(index, pooled, layout)
            : KeepOutput(index, output);
    }

    // The classifier's class count, when the original output declares it: [N, K], or [N, K, 1, 1] / [N, 1, 1, K].
    private static int? ClassCount(ValueInfoProto output)
    {
        var dims = output.Type?.TensorType?.Shape?.Dim;
        var classes = dims switch
        {
            { Count: 2 } => dims[1],
            { Count: 4 } when IsOne(dims[2]) && IsOne(dims[3]) => dims[1],
            { Count: 4 } when IsOne(dims[1]) && IsOne(dims[2]) => dims[3],
            _ => null,
        };
        return classes is { HasDimValue: true, DimValue: > 1 } ? checked((int)classes.DimValue) : null;

        static bool IsOne(TensorShapeProto.Types.Dimension d) => d.HasDimValue && d.DimValue == 1;
    }

    // The head starts at the pooling nearest the output (squeeze-excite blocks pool too, but earlier), or at the
    // Flatten of a head without pooling (VGG, AlexNet) — unless that Flatten only reshapes a pooled and normalised
    // vector (torchvision's ConvNeXt: pooling, LayerNorm2d, Flatten, Linear).
    private static GlobalPoolingNode? FindHeadPooling(GraphIndex index, string output)
    {
        var matches = index.AncestorsOf(output)
            .OrderDescending()
            .Select(i => index.Graph.Node[i])
            .Select(node => GlobalPoolingMatcher.Match(node, index) ?? FlattenHeadMatcher.Match(node, index))
            .OfType<GlobalPoolingNode>();
        var nearest = matches.FirstOrDefault();
        return nearest is { Pools: false }
            && matches.FirstOrDefault(m => m.Pools) is { } pooling
            && NormalizationRegion.Find(index, pooling.Node.Output[0]) is { } region
            && region.Nodes.Contains(nearest.Node)
            ? pooling
            : nearest;
    }

    private static TensorLayout ImageLayout(GraphIndex index) =>
        InputLayout.Detect(index.ImageInput?.Type?.TensorType?.Shape) ?? TensorLayout.Nchw;

    private static long DefaultOpset(ModelProto model) =>
        model.OpsetImport.FirstOrDefault(o => o.Domain.Length == 0 || o.Domain == "ai.onnx")?.Version ?? 1;

    private static HeadCut KeepOutput(GraphIndex index, ValueInfoProto output)
    {
        var dims = output.Type?.TensorType?.Shape?.Dim;
        var layout = ImageLayout(index);
        var (pooled, channelAxis) = dims?.Count switch
        {
            2 => (true, 1),
            4 => (false, layout == TensorLayout.Nchw ? 1 : 3),
            _ => throw new NotSupportedException(
                $"Cannot find the classifier head: no GlobalAveragePool, GlobalMaxPool, com.microsoft " +
                $"QLinearGlobalAveragePool, spatial ReduceMean/ReduceMax or flattened feature map feeds output '{output.Name}', " +
                $"and its shape {ShapeText(dims)} is neither [N, C] nor a 4-D feature map."),
        };

        var channel = dims[channelAxis];
        int? channels = channel.HasDimValue && channel.DimValue > 0 ? checked((int)channel.DimValue) : null;
        var removed = SetSingleOutput(index.Graph, output);
        return new HeadCut(output.Name, layout, channels, pooled, null, removed);
    }

    private static HeadCut CutAt(GraphIndex index, GlobalPoolingNode pooling)
    {
        var graph = index.Graph;
        var features = pooling.Quantization is { } quantization
            ? ExistingDequantize(index, pooling.Input, quantization) ?? InsertDequantize(index, pooling, quantization)
            : EnsureFloat(index, pooling);
        var channels = FeatureChannels.Infer(index, pooling.Input, pooling.Layout);
        var shape = OutputShape(index, pooling, features, channels);
        var output = new ValueInfoProto
        {
            Name = features,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = FloatType, Shape = shape } },
        };
        var removed = SetSingleOutput(graph, output);
        return new HeadCut(features, pooling.Layout, channels, false, pooling.Describe(), removed);
    }

    // The graph pools and normalises itself: its output is the embedding before L2.
    private static HeadCut CutAfter(GraphIndex index, NormalizedVector vector, TensorLayout layout)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(index.ImageInput?.Type?.TensorType?.Shape is { Dim.Count: > 0 } image
            ? image.Dim[0].Clone()
            : new TensorShapeProto.Types.Dimension());
        shape.Dim.Add(vector.Channels is { } c ? new TensorShapeProto.Types.Dimension { DimValue = c } : new TensorShapeProto.Types.Dimension());
        var output = new ValueInfoProto
        {
            Name = vector.Output,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = FloatType, Shape = shape } },
        };
        var removed = SetSingleOutput(index.Graph, output);
        return new HeadCut(vector.Output, layout, vector.Channels, true, vector.Pooling, removed, vector.Normalization);
    }

    private static List<string> SetSingleOutput(GraphProto graph, ValueInfoProto output)
    {
        graph.Output.Clear();
        graph.Output.Add(output);
        return [.. GraphPruner.KeepOnly(graph, output.Name).Select(NodeDescription.Of)];
    }

    // Quantizers usually dequantize the last map anyway (the bundled MobileNetV2 does, for a Shape op).
    private static string? ExistingDequantize(GraphIndex index, string quantized, QuantizedInput quantization) =>
        index.ConsumersOf(quantized)
            .FirstOrDefault(n =>
                n.OpType == "DequantizeLinear"
                && (n.Domain.Length == 0 || n.Domain == "ai.onnx")
                && n.Input.Count > 1 && n.Input[0] == quantized && n.Input[1] == quantization.Scale
                && (n.Input.Count > 2 && n.Input[2].Length > 0 ? n.Input[2] : null) == quantization.ZeroPoint)
            ?.Output[0];

    private static string InsertDequantize(GraphIndex index, GlobalPoolingNode pooling, QuantizedInput quantization)
    {
        var node = new NodeProto
        {
            Name = index.NewName($"{pooling.Input}_features_DequantizeLinear"),
            OpType = "DequantizeLinear",
            Input = { pooling.Input, quantization.Scale },
            Output = { index.NewName($"{pooling.Input}_features") },
        };
        if (quantization.ZeroPoint is { } zeroPoint)
        {
            node.Input.Add(zeroPoint);
        }

        return InsertBefore(index, pooling.Node, node);
    }

    // Half-precision or double models: the embedding path works in float32.
    private static string EnsureFloat(GraphIndex index, GlobalPoolingNode pooling)
    {
        var type = index.TensorTypeOf(pooling.Input);
        if (type is null || !type.HasElemType || type.ElemType == FloatType)
        {
            return pooling.Input;
        }

        // A cast would keep the quantized numbers without their scale and zero point.
        if ((TensorProto.Types.DataType)type.ElemType is not (TensorProto.Types.DataType.Float16 or TensorProto.Types.DataType.Bfloat16 or TensorProto.Types.DataType.Double))
        {
            throw new NotSupportedException(
                $"Feature map '{pooling.Input}' before {pooling.Describe()} is {(TensorProto.Types.DataType)type.ElemType}, and no " +
                "QuantizeLinear, QLinear* op or dequantizing consumer says how it dequantizes.");
        }

        var node = new NodeProto
        {
            Name = index.NewName($"{pooling.Input}_features_Cast"),
            OpType = "Cast",
            Input = { pooling.Input },
            Output = { index.NewName($"{pooling.Input}_features") },
            Attribute = { new AttributeProto { Name = "to", I = FloatType, Type = AttributeProto.Types.AttributeType.Int } },
        };
        return InsertBefore(index, pooling.Node, node);
    }

    // The pooling node's inputs are all computed before it, so this keeps the node list topologically sorted.
    private static string InsertBefore(GraphIndex index, NodeProto anchor, NodeProto node)
    {
        index.Graph.Node.Insert(index.Graph.Node.IndexOf(anchor), node);
        return node.Output[0];
    }

    /// <summary>The declared map shape when known, else rank-of-input unknown dims; batch dim taken from the input.</summary>
    private static TensorShapeProto? OutputShape(GraphIndex index, GlobalPoolingNode pooling, string features, int? channels)
    {
        var imageShape = index.ImageInput?.Type?.TensorType?.Shape;
        var declared = index.TensorTypeOf(features)?.Shape is { Dim.Count: > 0 } floatShape
            ? floatShape
            : index.TensorTypeOf(pooling.Input)?.Shape;
        TensorShapeProto shape;
        if (declared is { Dim.Count: > 0 })
        {
            shape = declared.Clone();
        }
        else if (imageShape is { Dim.Count: > 0 })
        {
            shape = new TensorShapeProto();
            shape.Dim.AddRange(imageShape.Dim.Select(_ => new TensorShapeProto.Types.Dimension()));
        }
        else
        {
            return null;
        }

        var batch = shape.Dim[0];
        if (!batch.HasDimValue && !batch.HasDimParam && imageShape is { Dim.Count: > 0 })
        {
            shape.Dim[0] = imageShape.Dim[0].Clone();
        }

        var channelAxis = pooling.Layout == TensorLayout.Nchw ? 1 : shape.Dim.Count - 1;
        if (channels is { } c && shape.Dim.Count > channelAxis && !shape.Dim[channelAxis].HasDimValue)
        {
            shape.Dim[channelAxis] = new TensorShapeProto.Types.Dimension { DimValue = c };
        }

        return shape;
    }

    private static string ShapeText(IReadOnlyList<TensorShapeProto.Types.Dimension>? dims) =>
        dims is null
            ? "(unknown)"
            : $"[{string.Join(", ", dims.Select(d => d.HasDimValue ? d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture) : d.HasDimParam ? d.DimParam : "?"))}]";
}
