using Pipeline.Common.Decoding;

namespace Pipeline.Common.Inference.Onnx;

/// <summary>
/// A classifier that sits before the global pooling (torchvision SqueezeNet: Dropout → Conv 1×1 to the class count →
/// ReLU → global average pool → Flatten): when no learned layer follows the head's pooling, a 1×1 convolution feeding
/// it through activations only is the classifier, and the head starts there. The features are that convolution's input
/// (SqueezeNet 1.1: 512 channels), pooled as usual.
/// </summary>
/// <remarks>
/// A 1×1 convolution before a pooling that a dense layer follows is a feature layer (MobileNetV2's Conv_1, EfficientNet's
/// top_conv) and stays: only a pooling with nothing learned after it can be the end of a classifier.
/// </remarks>
internal static class ClassifierConvMatcher
{
    private const int MaxSteps = 16;

    // What may sit between the classifier convolution and the pooling: activations and no-ops.
    private static readonly HashSet<string> Transparent = new(StringComparer.Ordinal)
    {
        "Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Softmax", "LogSoftmax", "Identity", "Dropout",
        "Cast", "QuantizeLinear", "DequantizeLinear",
    };

    /// <summary>The classifier convolution's start of the head, or null when <paramref name="pooling"/> already starts it.</summary>
    public static GlobalPoolingNode? Before(GraphIndex index, GlobalPoolingNode pooling, string output)
    {
        if (!pooling.Pools || AnyLearnedAfter(index, pooling.Node, output))
        {
            return null;
        }

        var value = pooling.Input;
        for (var step = 0; step < MaxSteps; step++)
        {
            var producer = index.ProducerOf(value);
            if (producer is null)
            {
                return null;
            }

            if (IsPointwiseConv(producer, index))
            {
                var map = producer.Input[0];
                var quantization = producer.OpType == "QLinearConv"
                    ? new QuantizedInput(producer.Input[1], producer.Input.Count > 2 && producer.Input[2].Length > 0 ? producer.Input[2] : null)
                    : null;
                return new GlobalPoolingNode(producer, map, TensorLayout.Nchw, quantization);
            }

            if (!Transparent.Contains(producer.OpType) || index.FirstComputedInput(producer) is not { } next)
            {
                return null;
            }

            value = next;
        }

        return null;
    }

    private static bool AnyLearnedAfter(GraphIndex index, NodeProto pooling, string output)
    {
        var ancestors = index.AncestorsOf(output);
        var reached = new HashSet<string>(pooling.Output, StringComparer.Ordinal);
        foreach (var i in ancestors.Order())
        {
            var node = index.Graph.Node[i];
            if (!node.Input.Any(reached.Contains))
            {
                continue;
            }

            if (LearnedLayers.IsLearned(node, index))
            {
                return true;
            }

            reached.UnionWith(node.Output);
        }

        return false;
    }

    // A 1×1 convolution with constant weights: the form of a per-position classifier.
    private static bool IsPointwiseConv(NodeProto node, GraphIndex index)
    {
        if (node.OpType is not ("Conv" or "QLinearConv") || !LearnedLayers.IsLearned(node, index))
        {
            return false;
        }

        if (NodeAttributes.Ints(node, "kernel_shape") is { Count: > 0 } kernel)
        {
            return kernel.All(k => k == 1);
        }

        var weights = node.OpType == "QLinearConv" ? node.Input[3] : node.Input[1];
        return index.ConstantOf(weights) is { Dims.Count: 4 } w && w.Dims[2] == 1 && w.Dims[3] == 1;
    }
}
