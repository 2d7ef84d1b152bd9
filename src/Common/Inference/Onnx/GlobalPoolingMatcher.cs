using Pipeline.Common.Decoding;

namespace Pipeline.Common.Inference.Onnx;

/// <summary>Recognises the global pooling forms exporters emit before a classifier.</summary>
internal static class GlobalPoolingMatcher
{
    private const string MicrosoftDomain = "com.microsoft";

    public static GlobalPoolingNode? Match(NodeProto node, GraphIndex index)
    {
        if (node.Input.Count == 0 || string.IsNullOrEmpty(node.Input[0]))
        {
            return null;
        }

        var input = node.Input[0];
        if (node.Domain == MicrosoftDomain)
        {
            return node.OpType == "QLinearGlobalAveragePool" ? MatchQuantized(node, input) : null;
        }

        if (!IsStandardDomain(node.Domain))
        {
            return null;
        }

        return node.OpType switch
        {
            // Both are defined on channels-first tensors.
            "GlobalAveragePool" or "GlobalMaxPool" => new GlobalPoolingNode(node, input, TensorLayout.Nchw, null),
            "ReduceMean" or "ReduceMax" => MatchReduce(node, input, index),
            _ => null,
        };
    }

    private static GlobalPoolingNode? MatchQuantized(NodeProto node, string input)
    {
        if (node.Input.Count < 2 || string.IsNullOrEmpty(node.Input[1]))
        {
            return null;
        }

        var zeroPoint = node.Input.Count > 2 && !string.IsNullOrEmpty(node.Input[2]) ? node.Input[2] : null;
        var layout = NodeAttributes.Int(node, "channels_last", 0) != 0 ? TensorLayout.Nhwc : TensorLayout.Nchw;
        return new GlobalPoolingNode(node, input, layout, new QuantizedInput(node.Input[1], zeroPoint));
    }

    private static GlobalPoolingNode? MatchReduce(NodeProto node, string input, GraphIndex index)
    {
        var axes = ReduceAxes(node, index);
        if (axes is null)
        {
            return null;
        }

        // Rank 4 is what a 2-D CNN feeds its head; only that makes [2,3] / [1,2] the spatial axes.
        var rank = index.TensorTypeOf(input)?.Shape?.Dim.Count ?? 4;
        if (rank != 4)
        {
            return null;
        }

        var normalised = axes.Select(a => a < 0 ? a + rank : a).Order().ToArray();
        return normalised switch
        {
            [2, 3] => new GlobalPoolingNode(node, input, TensorLayout.Nchw, null),
            [1, 2] => new GlobalPoolingNode(node, input, TensorLayout.Nhwc, null),
            _ => null,
        };
    }

    // Opset < 18 carries axes as an attribute, opset ≥ 18 as an optional second input.
    public static IReadOnlyList<long>? ReduceAxes(NodeProto node, GraphIndex index)
    {
        if (NodeAttributes.Ints(node, "axes") is { Count: > 0 } attribute)
        {
            return attribute;
        }

        if (node.Input.Count > 1 && !string.IsNullOrEmpty(node.Input[1]) && index.ConstantOf(node.Input[1]) is { } tensor)
        {
            return TensorValues.ReadInt64s(tensor);
        }

        return null;
    }

    private static bool IsStandardDomain(string domain) => domain.Length == 0 || domain == "ai.onnx";
}
