using Pipeline.Common.Decoding;

namespace Pipeline.Common.Inference.Onnx;

/// <summary>
/// Makes global pooling inside the graph pool as the pipeline was asked to (avg, max or GeM), for heads that
/// normalise the pooled vector before it comes out (<see cref="LayerNormHead"/>): there the pipeline cannot pool
/// afterwards, so the graph has to.
/// </summary>
internal static class PoolingRewriter
{
    private const int FloatType = (int)TensorProto.Types.DataType.Float;

    /// <summary>Turns the head's pooling node into the asked mode; its input, attributes and output stay.</summary>
    /// <returns>The pooling as it now is, for logs.</returns>
    /// <exception cref="NotSupportedException">Max or GeM asked of a quantized average pooling.</exception>
    public static string Retarget(GraphIndex index, GlobalPoolingNode pooling, PoolingMode mode, float gemP)
    {
        var node = pooling.Node;
        _ = GlobalOp(mode);
        if (pooling.Quantization is not null)
        {
            // QLinearGlobalAveragePool has no max or GeM sibling that reads the same quantized input.
            if (mode == PoolingMode.Avg)
            {
                return pooling.Describe();
            }

            throw new NotSupportedException(
                $"{pooling.Describe()} is a quantized average pooling followed by a layer normalisation: only " +
                $"Model:Pooling=Avg gives that model's vectors; {mode} would need a float model.");
        }

        var global = node.OpType is "GlobalAveragePool" or "GlobalMaxPool";
        node.OpType = global ? GlobalOp(mode) : ReduceOp(mode);
        var description = pooling.Describe();
        if (mode != PoolingMode.Gem)
        {
            return description;
        }

        WrapAsGem(index, node, gemP);
        return $"GeM around {description}";
    }

    /// <summary>
    /// Inserts, before <paramref name="anchor"/>, pooling of the channels-last 4-D <paramref name="map"/> over H and W,
    /// kept as 1×1 so that what follows sees the same rank.
    /// </summary>
    /// <returns>The pooled value, and the node for logs.</returns>
    public static (string Pooled, string Description) InsertChannelsLast(GraphIndex index, string map, NodeProto anchor, PoolingMode mode, float gemP, long opset)
    {
        var graph = index.Graph;
        var op = ReduceOp(mode);
        var node = new NodeProto
        {
            Name = index.NewName($"{map}_{op}"),
            OpType = op,
            Input = { map },
            Output = { index.NewName($"{map}_pooled") },
            Attribute = { new AttributeProto { Name = "keepdims", I = 1, Type = AttributeProto.Types.AttributeType.Int } },
        };
        var at = graph.Node.IndexOf(anchor);
        // Opset 18 moved the axes from an attribute to an input.
        if (opset >= 18)
        {
            var axes = Constant(index, $"{map}_pooled_axes", new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64, Dims = { 2 }, Int64Data = { 1, 2 } });
            graph.Node.Insert(at++, axes);
            node.Input.Add(axes.Output[0]);
        }
        else
        {
            node.Attribute.Add(new AttributeProto { Name = "axes", Ints = { 1, 2 }, Type = AttributeProto.Types.AttributeType.Ints });
        }

        graph.Node.Insert(at, node);
        var pooled = node.Output[0];
        var description = NodeDescription.Of(node);
        if (mode == PoolingMode.Gem)
        {
            WrapAsGem(index, node, gemP);
            description = $"GeM around {description}";
        }

        return (pooled, description);
    }

    /// <summary>
    /// Pools the feature map the cut graph ends in, inside the graph, so ONNX Runtime returns [N, C] rather than the
    /// whole map (on a GPU that also spares copying the map to the host): GlobalAveragePool/GlobalMaxPool (NCHW) or
    /// ReduceMean/ReduceMax over the spatial axes (NHWC), wrapped as GeM when asked, then Flatten to [N, C].
    /// Keras <c>pooling='avg'|'max'</c>; GeM as Radenović et al., (mean of max(x, 1e-6)^p)^(1/p).
    /// </summary>
    /// <returns><paramref name="cut"/> with its output now the pooled [N, C] value.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A pooling mode this code does not know.</exception>
    public static HeadCut PoolOutput(ModelProto model, HeadCut cut, PoolingMode mode, float gemP)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(cut);
        var graph = model.Graph;
        var index = new GraphIndex(graph);
        var map = cut.FeatureOutput;
        var declared = graph.Output.FirstOrDefault(o => o.Name == map)?.Type?.TensorType?.Shape;
        var rank = declared is { Dim.Count: > 2 } ? declared.Dim.Count : 4;
        var pooled = index.NewName($"{map}_pooled");
        NodeProto node;
        if (cut.Layout == TensorLayout.Nchw)
        {
            var op = GlobalOp(mode);
            node = new NodeProto { Name = index.NewName($"{map}_{op}"), OpType = op, Input = { map }, Output = { pooled } };
            graph.Node.Add(node);
        }
        else
        {
            var op = ReduceOp(mode);
            var axes = Enumerable.Range(1, rank - 2).Select(a => (long)a).ToArray();
            node = new NodeProto
            {
                Name = index.NewName($"{map}_{op}"),
                OpType = op,
                Input = { map },
                Output = { pooled },
                Attribute = { new AttributeProto { Name = "keepdims", I = 1, Type = AttributeProto.Types.AttributeType.Int } },
            };
            // Opset 18 moved the axes from an attribute to an input.
            if (Opset(model) >= 18)
            {
                var constant = Constant(index, $"{map}_pooled_axes",
                    new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64, Dims = { axes.Length }, Int64Data = { axes } });
                graph.Node.Add(constant);
                node.Input.Add(constant.Output[0]);
            }
            else
            {
                node.Attribute.Add(new AttributeProto { Name = "axes", Ints = { axes }, Type = AttributeProto.Types.AttributeType.Ints });
            }

            graph.Node.Add(node);
        }

        if (mode == PoolingMode.Gem)
        {
            WrapAsGem(index, node, gemP);
        }

        var vector = index.NewName($"{map}_vector");
        graph.Node.Add(new NodeProto
        {
            Name = index.NewName($"{vector}_Flatten"),
            OpType = "Flatten",
            Input = { pooled },
            Output = { vector },
            Attribute = { new AttributeProto { Name = "axis", I = 1, Type = AttributeProto.Types.AttributeType.Int } },
        });

        var shape = new TensorShapeProto();
        shape.Dim.Add(declared is { Dim.Count: > 0 } ? declared.Dim[0].Clone() : new TensorShapeProto.Types.Dimension());
        shape.Dim.Add(cut.Channels is { } c ? new TensorShapeProto.Types.Dimension { DimValue = c } : new TensorShapeProto.Types.Dimension());
        graph.Output.Clear();
        graph.Output.Add(new ValueInfoProto
        {
            Name = vector,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = FloatType, Shape = shape } },
        });
        return cut with { FeatureOutput = vector, AlreadyPooled = true };
    }

    // Every switch on the mode names each one: a mode added later fails loudly instead of averaging.
    private static string GlobalOp(PoolingMode mode) => mode switch
    {
        PoolingMode.Avg or PoolingMode.Gem => "GlobalAveragePool",
        PoolingMode.Max => "GlobalMaxPool",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown pooling mode"),
    };

    private static string ReduceOp(PoolingMode mode) => mode switch
    {
        PoolingMode.Avg or PoolingMode.Gem => "ReduceMean",
        PoolingMode.Max => "ReduceMax",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown pooling mode"),
    };

    private static long Opset(ModelProto model) =>
        model.OpsetImport.FirstOrDefault(o => o.Domain.Length == 0 || o.Domain == "ai.onnx")?.Version ?? 1;

    // (mean of max(x, ε)^p)^(1/p); the pooling node keeps averaging.
    private static void WrapAsGem(GraphIndex index, NodeProto pooling, float p)
    {
        var map = pooling.Input[0];
        if (index.TensorTypeOf(map) is { HasElemType: true } type && type.ElemType != FloatType)
        {
            throw new NotSupportedException(
                $"GeM pooling in the graph needs a float32 feature map; '{map}' is {(TensorProto.Types.DataType)type.ElemType}.");
        }

        var pooled = pooling.Output[0];
        var epsilon = Constant(index, $"{map}_gem_epsilon", Scalar(GlobalPooling.GemEpsilon));
        var exponent = Constant(index, $"{map}_gem_p", Scalar(p));
        var inverse = Constant(index, $"{map}_gem_inverse_p", Scalar(1f / p));
        var clamped = Op(index, "Max", [map, epsilon.Output[0]], $"{map}_gem_clamped");
        var powered = Op(index, "Pow", [clamped.Output[0], exponent.Output[0]], $"{map}_gem_powered");
        var mean = index.NewName($"{pooled}_gem_mean");
        var root = new NodeProto { Name = index.NewName($"{pooled}_gem_root"), OpType = "Pow", Input = { mean, inverse.Output[0] }, Output = { pooled } };
        pooling.Input[0] = powered.Output[0];
        pooling.Output[0] = mean;

        var nodes = index.Graph.Node;
        var at = nodes.IndexOf(pooling);
        nodes.Insert(at + 1, root);
        nodes.Insert(at, inverse);
        nodes.Insert(at, powered);
        nodes.Insert(at, clamped);
        nodes.Insert(at, exponent);
        nodes.Insert(at, epsilon);
    }

    private static NodeProto Op(GraphIndex index, string op, string[] inputs, string output) => new()
    {
        Name = index.NewName($"{output}_{op}"),
        OpType = op,
        Input = { inputs },
        Output = { index.NewName(output) },
    };

    // Constant nodes rather than initializers: before IR 4 every initializer also had to be a graph input.
    private static NodeProto Constant(GraphIndex index, string name, TensorProto value)
    {
        var output = index.NewName(name);
        value.Name = output;
        return new NodeProto
        {
            Name = index.NewName($"{output}_Constant"),
            OpType = "Constant",
            Output = { output },
            Attribute = { new AttributeProto { Name = "value", T = value, Type = AttributeProto.Types.AttributeType.Tensor } },
        };
    }

    private static TensorProto Scalar(float value) => new() { DataType = FloatType, FloatData = { value } };
}
