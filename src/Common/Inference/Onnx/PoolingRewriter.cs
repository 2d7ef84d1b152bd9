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
        node.OpType = (mode, global) switch
        {
            (PoolingMode.Max, true) => "GlobalMaxPool",
            (PoolingMode.Max, false) => "ReduceMax",
            (_, true) => "GlobalAveragePool",
            _ => "ReduceMean",
        };
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
        var op = mode == PoolingMode.Max ? "ReduceMax" : "ReduceMean";
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

    // (mean of max(x, ε)^p)^(1/p), as GlobalPooling.GeneralizedMean computes it; the pooling node keeps averaging.
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
