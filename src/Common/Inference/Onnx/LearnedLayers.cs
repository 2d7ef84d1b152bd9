namespace Pipeline.Common.Inference.Onnx;

/// <summary>
/// Which nodes are learned layers (a convolution or a dense layer with constant weights): what a head cut must remove
/// for the graph to have had a classifier at all, and what may not sit between the head's pooling and the output.
/// </summary>
internal static class LearnedLayers
{
    private const int MaxSteps = 4;

    private static readonly HashSet<string> WeightedOps = new(StringComparer.Ordinal)
    {
        "Conv", "ConvInteger", "QLinearConv", "ConvTranspose", "Gemm", "MatMul", "MatMulInteger", "QLinearMatMul",
        "QGemm", "FusedConv", "FusedGemm", "FusedMatMul", "MatMulIntegerToFloat", "DynamicQuantizeMatMul",
    };

    // How weights reach their layer in exported graphs: as initializers, or through a dequantize/transpose/cast.
    private static readonly HashSet<string> WeightPaths = new(StringComparer.Ordinal)
    {
        "DequantizeLinear", "Transpose", "Cast", "Identity", "Reshape",
    };

    /// <summary>True for a convolution or dense layer whose weights (an input after the first) are constant.</summary>
    public static bool IsLearned(NodeProto node, GraphIndex index) =>
        WeightedOps.Contains(node.OpType) && node.Input.Skip(1).Any(i => IsWeight(i, index, 0));

    private static bool IsWeight(string value, GraphIndex index, int step)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        if (index.ConstantOf(value) is { Dims.Count: >= 2 })
        {
            return true;
        }

        return step < MaxSteps
            && index.ProducerOf(value) is { } producer
            && WeightPaths.Contains(producer.OpType)
            && producer.Input.Count > 0
            && IsWeight(producer.Input[0], index, step + 1);
    }
}
