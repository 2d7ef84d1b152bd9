namespace Pipeline.Common.Inference.Onnx;

/// <summary>
/// A layer normalisation fed by one value: the nodes computing from that value and constants alone, up to the
/// first op of another kind. Keras' ConvNeXt puts one after its pooling (<see cref="LayerNormHead"/>); exporters
/// write it as one <c>LayerNormalization</c> op (opset 17) or spelled out (ReduceMean, Sub, Pow, ReduceMean, Add,
/// Sqrt, Div, Mul, Add, or tf2onnx's Rsqrt as Sqrt + Reciprocal), possibly between reshapes.
/// </summary>
internal sealed class NormalizationRegion
{
    private const string LayerNormalization = "LayerNormalization";

    private static readonly HashSet<string> Elementwise = new(StringComparer.Ordinal)
    {
        "Sub", "Add", "Mul", "Div", "Pow", "Sqrt", "Reciprocal", "Neg", "Max", "Min", "Abs",
        "Identity", "Dropout", "Cast", "QuantizeLinear", "DequantizeLinear",
    };

    private static readonly HashSet<string> Reductions = new(StringComparer.Ordinal) { "ReduceMean", "ReduceSum", "ReduceSumSquare" };

    // Shape bookkeeping: exporters reshape [N, C, 1, 1] ↔ [N, C] or transpose to channels-last around the norm.
    private static readonly HashSet<string> Reshaping = new(StringComparer.Ordinal)
    {
        "Flatten", "Squeeze", "Unsqueeze", "Reshape", "Transpose", "Shape", "Gather", "Concat", "Slice",
    };

    private NormalizationRegion(string input, List<NodeProto> nodes, List<string> exits, bool channelsLastPerPosition)
    {
        Input = input;
        Nodes = nodes;
        Exits = exits;
        IsChannelsLastPerPosition = channelsLastPerPosition;
    }

    public string Input { get; }

    /// <summary>The region's nodes in graph order.</summary>
    public IReadOnlyList<NodeProto> Nodes { get; }

    /// <summary>Region values (the input included) read outside the region or leaving the graph: one for a plain head.</summary>
    public IReadOnlyList<string> Exits { get; }

    /// <summary>
    /// True when every reduction and normalisation works on the last axis alone and nothing reshapes: the region
    /// then normalises each position of a channels-last map on its own and gives the same on a 1×1 map.
    /// </summary>
    public bool IsChannelsLastPerPosition { get; }

    /// <summary>The layer normalisation fed by <paramref name="input"/>; null when what follows it is no layer normalisation.</summary>
    public static NormalizationRegion? Find(GraphIndex index, string input)
    {
        var graph = index.Graph;
        var producer = index.ProducerOf(input);
        var inside = new HashSet<string>(StringComparer.Ordinal) { input };
        var nodes = new List<NodeProto>();
        var exits = new List<string>();
        // ONNX keeps nodes topologically sorted: one forward pass sees every producer before its consumers.
        for (var i = producer is null ? 0 : graph.Node.IndexOf(producer) + 1; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            var computed = node.Input.Where(v => v.Length > 0 && !index.IsConstant(v)).ToList();
            if (!computed.Any(inside.Contains))
            {
                continue;
            }

            if (computed.All(inside.Contains) && IsAllowed(node, index))
            {
                nodes.Add(node);
                inside.UnionWith(node.Output.Where(v => v.Length > 0));
            }
            else
            {
                exits.AddRange(computed.Where(inside.Contains));
            }
        }

        if (!nodes.Any(n => n.OpType == LayerNormalization)
            && !(nodes.Any(n => n.OpType == "ReduceMean") && nodes.Any(n => n.OpType is "Sqrt" or "Reciprocal")))
        {
            return null;
        }

        exits.AddRange(graph.Output.Select(o => o.Name).Where(inside.Contains));
        return new NormalizationRegion(input, nodes, [.. exits.Distinct(StringComparer.Ordinal)], nodes.All(n => IsPerPosition(n, index)));
    }

    /// <summary>One line: the op when there is one, else how many nodes spell it out.</summary>
    public string Describe() => Nodes.FirstOrDefault(n => n.OpType == LayerNormalization) is { } node
        ? NodeDescription.Of(node)
        : $"layer normalisation in {Nodes.Count} nodes, {NodeDescription.Of(Nodes[0])} … {NodeDescription.Of(Nodes[^1])}";

    // Standard ops only, and never one that mixes the images of a batch (a reduction over axis 0, or over all axes).
    private static bool IsAllowed(NodeProto node, GraphIndex index)
    {
        if (node.Domain.Length != 0 && node.Domain != "ai.onnx")
        {
            return false;
        }

        if (Reductions.Contains(node.OpType))
        {
            return GlobalPoolingMatcher.ReduceAxes(node, index) is { Count: > 0 } axes && !axes.Contains(0);
        }

        return node.OpType == LayerNormalization
            ? NodeAttributes.Int(node, "axis", -1) != 0
            : Elementwise.Contains(node.OpType) || Reshaping.Contains(node.OpType);
    }

    // Axis 3 is the last one of the 4-D maps this is asked about.
    private static bool IsPerPosition(NodeProto node, GraphIndex index)
    {
        if (Reductions.Contains(node.OpType))
        {
            return GlobalPoolingMatcher.ReduceAxes(node, index) is [-1 or 3];
        }

        return node.OpType == LayerNormalization
            ? NodeAttributes.Int(node, "axis", -1) is -1 or 3
            : !Reshaping.Contains(node.OpType);
    }
}
