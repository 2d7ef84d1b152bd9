using Pipeline.Common.Decoding;

namespace Pipeline.Common.Inference.Onnx;

/// <summary>Finds a feature map's channel count without running the model.</summary>
/// <remarks>
/// Uses the declared shape when there is one, otherwise walks back through channel-preserving ops to the
/// convolution (or 1×1 MatMul) that made the channels and reads its weight. Null when that walk fails;
/// the backbone then learns the width from a warm-up run.
/// </remarks>
internal static class FeatureChannels
{
    private const int MaxSteps = 256;

    private static readonly HashSet<string> ChannelPreserving = new(StringComparer.Ordinal)
    {
        "Relu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish", "LeakyRelu", "Elu", "Selu", "Gelu", "PRelu",
        "Tanh", "Mul", "Add", "Sub", "Div", "BatchNormalization", "Identity", "Dropout", "Cast",
        "QuantizeLinear", "DequantizeLinear", "QLinearAdd", "QLinearMul", "QLinearLeakyRelu", "QLinearSigmoid",
        "MaxPool", "AveragePool", "LpPool",
    };

    public static int? Infer(GraphIndex index, string value, TensorLayout layout)
    {
        for (var step = 0; step < MaxSteps; step++)
        {
            if (DeclaredChannels(index, value, layout) is { } declared)
            {
                return declared;
            }

            var node = index.ProducerOf(value);
            if (node is null)
            {
                return null;
            }

            switch (node.OpType)
            {
                case "Conv" when layout == TensorLayout.Nchw:
                    return WeightDim(index, node, weightInput: 1, axis: 0);
                case "QLinearConv" when layout == TensorLayout.Nchw:
                    return WeightDim(index, node, weightInput: 3, axis: 0);
                case "MatMul" when layout == TensorLayout.Nhwc:
                    return WeightDim(index, node, weightInput: 1, axis: 1);
                case "Transpose":
                    var perm = NodeAttributes.Ints(node, "perm");
                    if (perm is [0, 2, 3, 1] && layout == TensorLayout.Nhwc)
                    {
                        layout = TensorLayout.Nchw;
                    }
                    else if (perm is [0, 3, 1, 2] && layout == TensorLayout.Nchw)
                    {
                        layout = TensorLayout.Nhwc;
                    }
                    else
                    {
                        return null;
                    }

                    value = node.Input[0];
                    break;
                case var op when ChannelPreserving.Contains(op) && index.FirstComputedInput(node) is { } next:
                    value = next;
                    break;
                default:
                    return null;
            }
        }

        return null;
    }

    private static int? DeclaredChannels(GraphIndex index, string value, TensorLayout layout)
    {
        var dims = index.TensorTypeOf(value)?.Shape?.Dim;
        if (dims is null || dims.Count < 3)
        {
            return null;
        }

        var channel = dims[layout == TensorLayout.Nchw ? 1 : dims.Count - 1];
        return channel.HasDimValue && channel.DimValue > 0 ? checked((int)channel.DimValue) : null;
    }

    private static int? WeightDim(GraphIndex index, NodeProto node, int weightInput, int axis)
    {
        if (node.Input.Count <= weightInput || index.ConstantOf(node.Input[weightInput]) is not { } weight)
        {
            return null;
        }

        // A MatMul acts as a 1×1 convolution only with a 2-D [in, out] weight.
        if (node.OpType == "MatMul" && weight.Dims.Count != 2)
        {
            return null;
        }

        return weight.Dims.Count > axis && weight.Dims[axis] > 0 ? checked((int)weight.Dims[axis]) : null;
    }
}
