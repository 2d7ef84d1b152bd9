using Pipeline.Common.Inference.Onnx;
using static Pipeline.UnitTests.Inference.OnnxBuilder;
using static Pipeline.UnitTests.Inference.SyntheticClassifiers;

namespace Pipeline.UnitTests.Inference;

/// <summary>
/// More classifier heads on the <see cref="SyntheticClassifiers"/> feature map (1×1 conv + ReLU, 4 channels on 2×2):
/// the shapes real exporters produce for Keras MobileNet, VGG/AlexNet, tf2onnx and QDQ-quantized models.
/// </summary>
internal static class SyntheticHeads
{
    /// <summary>Scale of the QDQ pair around the feature map: a power of two, so the test can redo it exactly.</summary>
    public const float QdqScale = 1f / 32;

    /// <summary>Keras MobileNet's top, NCHW: GlobalAveragePool → Conv 1×1 (the classifier) → Flatten → Softmax.</summary>
    public static ModelProto NchwConv1x1Head() => Model(
        new GraphProto
        {
            Name = "nchw_conv1x1_head",
            Input = { FloatValue("image", "batch", 3, Side, Side) },
            Output = { FloatValue("probs", "batch", Classes) },
            Initializer =
            {
                ConvWeights(), Floats("conv_b", [Channels], Bias),
                Floats("logits_w", [Classes, Channels, 1, 1], [.. Enumerable.Range(0, Classes * Channels).Select(i => ((i % 3) - 1) * 0.5f)]),
                FcBias(),
            },
            Node =
            {
                Node("Conv", ["image", "conv_w", "conv_b"], ["conv"]),
                Node("Relu", ["conv"], ["features"]),
                Node("GlobalAveragePool", ["features"], ["pooled"]),
                Node("Conv", ["pooled", "logits_w", "fc_b"], ["logits_map"]),
                Node("Flatten", ["logits_map"], ["logits"], Int("axis", 1)),
                Node("Softmax", ["logits"], ["probs"], Int("axis", 1)),
            },
        },
        opset: 13);

    /// <summary>VGG / AlexNet, NCHW: no global pooling; Flatten → Gemm → Relu → Gemm → Softmax.</summary>
    public static ModelProto NchwFlattenGemmHead() => Model(
        new GraphProto
        {
            Name = "nchw_flatten_gemm",
            Input = { FloatValue("image", "batch", 3, Side, Side) },
            Output = { FloatValue("probs", "batch", Classes) },
            Initializer =
            {
                ConvWeights(), Floats("conv_b", [Channels], Bias),
                Floats("fc1_w", [8, Channels * Side * Side], [.. Enumerable.Range(0, 8 * Channels * Side * Side).Select(i => ((i % 7) - 3) * 0.1f)]),
                Floats("fc1_b", [8], [.. Enumerable.Repeat(0.05f, 8)]),
                Floats("fc2_w", [Classes, 8], [.. Enumerable.Range(0, Classes * 8).Select(i => ((i % 5) - 2) * 0.2f)]),
                FcBias(),
            },
            Node =
            {
                Node("Conv", ["image", "conv_w", "conv_b"], ["conv"]),
                Node("Relu", ["conv"], ["features"]),
                Node("Flatten", ["features"], ["flat"], Int("axis", 1)),
                Node("Gemm", ["flat", "fc1_w", "fc1_b"], ["fc1"], Int("transB", 1)),
                Node("Relu", ["fc1"], ["fc1_relu"]),
                Node("Gemm", ["fc1_relu", "fc2_w", "fc_b"], ["logits"], Int("transB", 1)),
                Node("Softmax", ["logits"], ["probs"], Int("axis", 1)),
            },
        },
        opset: 13);

    /// <summary>
    /// tf2onnx's Keras VGG, NHWC input: Transpose to NCHW → Conv → Relu → Transpose back → Reshape [-1, 16] → MatMul → Add
    /// → Softmax. The feature map is the NHWC one before the Reshape.
    /// </summary>
    public static ModelProto NhwcTransposeReshapeMatMulHead() => Model(
        new GraphProto
        {
            Name = "nhwc_reshape_matmul",
            Input = { FloatValue("image", "batch", Side, Side, 3) },
            Output = { FloatValue("probs", "batch", Classes) },
            Initializer =
            {
                ConvWeights(), Floats("conv_b", [Channels], Bias), Int64s("flat_shape", [2], -1, Channels * Side * Side),
                Floats("fc_w", [Channels * Side * Side, Classes], [.. Enumerable.Range(0, Channels * Side * Side * Classes).Select(i => ((i % 9) - 4) * 0.1f)]),
                FcBias(),
            },
            Node =
            {
                Node("Transpose", ["image"], ["image_nchw"], Ints("perm", 0, 3, 1, 2)),
                Node("Conv", ["image_nchw", "conv_w", "conv_b"], ["conv"]),
                Node("Relu", ["conv"], ["relu"]),
                Node("Transpose", ["relu"], ["features"], Ints("perm", 0, 2, 3, 1)),
                Node("Reshape", ["features", "flat_shape"], ["flat"]),
                Node("MatMul", ["flat", "fc_w"], ["mm"]),
                Node("Add", ["mm", "fc_b"], ["logits"]),
                Node("Softmax", ["logits"], ["probs"], Int("axis", -1)),
            },
        },
        opset: 13);

    /// <summary>
    /// QDQ-quantized (ONNX Runtime's static quantization format): the map goes through QuantizeLinear → DequantizeLinear
    /// before a float GlobalAveragePool, whose output is quantized again before Flatten → Gemm.
    /// </summary>
    public static ModelProto QdqHead() => Model(
        new GraphProto
        {
            Name = "qdq_head",
            Input = { FloatValue("image", "batch", 3, Side, Side) },
            Output = { FloatValue("logits", "batch", Classes) },
            Initializer =
            {
                ConvWeights(), Floats("conv_b", [Channels], Bias),
                Floats("map_scale", [], QdqScale), UInt8Scalar("map_zero_point", 0),
                Floats("pool_scale", [], QdqScale), UInt8Scalar("pool_zero_point", 0),
                FcWeights("fc_w", transposed: true), FcBias(),
            },
            Node =
            {
                Node("Conv", ["image", "conv_w", "conv_b"], ["conv"]),
                Node("Relu", ["conv"], ["relu"]),
                Node("QuantizeLinear", ["relu", "map_scale", "map_zero_point"], ["relu_q"]),
                Node("DequantizeLinear", ["relu_q", "map_scale", "map_zero_point"], ["features"]),
                Node("GlobalAveragePool", ["features"], ["pooled"]),
                Node("QuantizeLinear", ["pooled", "pool_scale", "pool_zero_point"], ["pooled_q"]),
                Node("DequantizeLinear", ["pooled_q", "pool_scale", "pool_zero_point"], ["pooled_dq"]),
                Node("Flatten", ["pooled_dq"], ["flat"], Int("axis", 1)),
                Node("Gemm", ["flat", "fc_w", "fc_b"], ["logits"], Int("transB", 1)),
            },
        },
        opset: 13);

    /// <summary>
    /// Quantized in the QOperator format like the bundled MobileNetV2: QLinearGlobalAveragePool → Reshape (uint8) →
    /// QLinearMatMul → com.microsoft QLinearAdd → DequantizeLinear. The "feature map" is the quantized image itself.
    /// </summary>
    public static ModelProto QLinearClassifierHead()
    {
        var model = QuantizedGlobalAveragePool(dequantizeMapForShape: false);
        var graph = model.Graph;
        graph.Node.RemoveAt(graph.Node.Count - 1);
        graph.Node.RemoveAt(graph.Node.Count - 1);
        graph.Output.Clear();
        graph.Output.Add(FloatValue("logits", "batch", Classes));
        graph.Initializer.Add(Int64s("flat_shape", [2], 0, -1));
        graph.Initializer.Add(new TensorProto
        {
            Name = "w_q",
            DataType = (int)TensorProto.Types.DataType.Uint8,
            Dims = { 3, Classes },
            Int32Data = { Enumerable.Range(0, 3 * Classes).Select(i => 120 + (i % 17)) },
        });
        graph.Initializer.Add(Floats("w_scale", [], 0.1f));
        graph.Initializer.Add(UInt8Scalar("w_zero_point", 128));
        graph.Initializer.Add(Floats("mm_scale", [], 0.5f));
        graph.Initializer.Add(UInt8Scalar("mm_zero_point", 128));
        graph.Initializer.Add(new TensorProto
        {
            Name = "b_q",
            DataType = (int)TensorProto.Types.DataType.Uint8,
            Dims = { Classes },
            Int32Data = { 130, 131, 132, 133, 134 },
        });
        graph.Initializer.Add(Floats("b_scale", [], 0.1f));
        graph.Initializer.Add(UInt8Scalar("b_zero_point", 128));
        graph.Node.Add(Node("Reshape", ["pooled_q", "flat_shape"], ["flat_q"]));
        graph.Node.Add(Node(
            "QLinearMatMul",
            ["flat_q", "y_scale", "y_zero_point", "w_q", "w_scale", "w_zero_point", "mm_scale", "mm_zero_point"],
            ["mm_q"]));
        graph.Node.Add(MicrosoftNode(
            "QLinearAdd",
            ["mm_q", "mm_scale", "mm_zero_point", "b_q", "b_scale", "b_zero_point", "mm_scale", "mm_zero_point"],
            ["logits_q"]));
        graph.Node.Add(Node("DequantizeLinear", ["logits_q", "mm_scale", "mm_zero_point"], ["logits"]));
        return model;
    }

    /// <summary>What the QDQ pair does to a non-negative value: round half to even on the scale, saturate at 255.</summary>
    public static float QuantizeDequantize(float value) =>
        (float)Math.Min(255, Math.Round(value / QdqScale, MidpointRounding.ToEven)) * QdqScale;
}
