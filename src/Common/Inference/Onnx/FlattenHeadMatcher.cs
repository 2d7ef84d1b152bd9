using Pipeline.Common.Decoding;

namespace Pipeline.Common.Inference.Onnx;

/// <summary>
/// Recognises a head with no global pooling (Keras VGG16/19, torchvision AlexNet/VGG): the last feature map is
/// flattened straight into dense layers. The cut goes before the Flatten; the pipeline then pools the map itself.
/// A quantized map (QOperator models flatten uint8 straight into QLinearMatMul or QGemm) is dequantized at the cut.
/// </summary>
internal static class FlattenHeadMatcher
{
    private const int MaxSteps = 64;

    private static readonly HashSet<string> DenseOps = new(StringComparer.Ordinal) { "Gemm", "MatMul", "QLinearMatMul", "MatMulInteger", "QGemm" };

    // Between the flatten and its dense layer: what exporters and quantizers put there (dynamic quantization puts a
    // DynamicQuantizeLinear before MatMulInteger).
    private static readonly HashSet<string> Transparent = new(StringComparer.Ordinal)
    {
        "Dropout", "Identity", "Cast", "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "Relu",
    };

    // ONNX defines these on channels-first tensors only.
    private static readonly HashSet<string> ChannelsFirstOps = new(StringComparer.Ordinal)
    {
        "Conv", "QLinearConv", "ConvInteger", "MaxPool", "AveragePool", "LpPool", "LRN",
    };

    private static readonly HashSet<string> SpatialPreserving = new(StringComparer.Ordinal)
    {
        "Relu", "Clip", "LeakyRelu", "Elu", "Selu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Gelu", "PRelu",
        "BatchNormalization", "Identity", "Dropout", "Cast", "QuantizeLinear", "DequantizeLinear", "Add", "Mul",
    };

    /// <summary>The head's start when <paramref name="node"/> flattens a computed 4-D map into a dense layer; else null.</summary>
    public static GlobalPoolingNode? Match(NodeProto node, GraphIndex index)
    {
        if (!IsFlatten(node, index) || !FeedsDense(node.Output[0], index))
        {
            return null;
        }

        var input = node.Input[0];
        return MapLayout(input, index) is { } layout
            ? new GlobalPoolingNode(node, input, layout, QuantizedMap.Find(input, node.Output[0], index), Pools: false)
            : null;
    }

    private static bool IsFlatten(NodeProto node, GraphIndex index)
    {
        if ((node.Domain.Length != 0 && node.Domain != "ai.onnx") || node.Input.Count == 0 || node.Output.Count == 0)
        {
            return false;
        }

        return node.OpType switch
        {
            "Flatten" => NodeAttributes.Int(node, "axis", 1) == 1,
            // To [N, -1] or [-1, K]: a constant 2-element shape, or one concatenated from two parts (x.view(N, K)).
            "Reshape" when node.Input.Count > 1 => index.ConstantOf(node.Input[1]) is { } shape
                ? shape.Dims.Count == 1 && shape.Dims[0] == 2
                : index.ProducerOf(node.Input[1]) is { OpType: "Concat", Input.Count: 2 },
            _ => false,
        };
    }

    private static bool FeedsDense(string value, GraphIndex index)
    {
        for (var step = 0; step < MaxSteps; step++)
        {
            var consumers = index.ConsumersOf(value).ToList();
            if (consumers.Any(c => DenseOps.Contains(c.OpType)))
            {
                return true;
            }

            if (consumers is not [{ } next] || !Transparent.Contains(next.OpType) || next.Output.Count == 0)
            {
                return false;
            }

            value = next.Output[0];
        }

        return false;
    }

    // Walks back to the op that made the map: a channels-first op means NCHW, a Transpose says which way it turned.
    // A graph input (the image itself) or anything unrecognised is no feature map.
    private static TensorLayout? MapLayout(string value, GraphIndex index)
    {
        if (index.TensorTypeOf(value)?.Shape is { Dim.Count: > 0 and not 4 })
        {
            return null;
        }

        for (var step = 0; step < MaxSteps; step++)
        {
            var node = index.ProducerOf(value);
            switch (node?.OpType)
            {
                case null:
                    return null;
                case var op when ChannelsFirstOps.Contains(op):
                    return TensorLayout.Nchw;
                case "Transpose":
                    return NodeAttributes.Ints(node, "perm") switch
                    {
                        [0, 2, 3, 1] => TensorLayout.Nhwc,
                        [0, 3, 1, 2] => TensorLayout.Nchw,
                        _ => null,
                    };
                case var op when SpatialPreserving.Contains(op) && index.FirstComputedInput(node) is { } next:
                    value = next;
                    break;
                default:
                    return null;
            }
        }

        return null;
    }
}
