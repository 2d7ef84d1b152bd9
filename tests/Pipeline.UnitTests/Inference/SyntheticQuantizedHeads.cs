using Pipeline.Common.Inference.Onnx;
using static Pipeline.UnitTests.Inference.OnnxBuilder;
using static Pipeline.UnitTests.Inference.SyntheticClassifiers;

namespace Pipeline.UnitTests.Inference;

/// <summary>
/// Pooling-free heads (VGG, AlexNet) quantized in the QOperator format: the uint8 feature map is flattened straight
/// into a quantized dense layer and never dequantized before it.
/// </summary>
internal static class SyntheticQuantizedHeads
{
    /// <summary>Scale of the QLinearConv output: conv sums of multiples of 0.5 times multiples of 0.5 are exact on it.</summary>
    public const float MapScale = 0.25f;

    private const int Flattened = Channels * Side * Side;

    /// <summary>
    /// QuantizeLinear → QLinearConv 1×1 (no bias; zero point 0, so it clips at zero like a ReLU) → Flatten (uint8)
    /// → QLinearMatMul → DequantizeLinear. Inputs that are multiples of 0.5 in [-4, 4] make the map exactly relu(W·x).
    /// </summary>
    public static ModelProto QLinearConvFlattenMatMul() => Model(
        new GraphProto
        {
            Name = "qlinear_flatten_matmul",
            Input = { FloatValue("image", "batch", 3, Side, Side) },
            Output = { FloatValue("logits", "batch", Classes) },
            Initializer =
            {
                Floats("x_scale", [], 0.5f), UInt8Scalar("x_zero_point", 128),
                // W × 2 at scale 0.5 is W exactly.
                SmallInts("w_q", TensorProto.Types.DataType.Int8, [Channels, 3, 1, 1], [.. Weights.Cast<float>().Select(w => (int)(w * 2))]),
                Floats("w_scale", [], 0.5f), SmallInts("w_zero_point", TensorProto.Types.DataType.Int8, [], 0),
                Floats("map_scale", [], MapScale), UInt8Scalar("map_zero_point", 0),
                SmallInts("fc_w_q", TensorProto.Types.DataType.Uint8, [Flattened, Classes], [.. Enumerable.Range(0, Flattened * Classes).Select(i => 120 + (i % 17))]),
                Floats("fc_w_scale", [], 0.1f), UInt8Scalar("fc_w_zero_point", 128),
                Floats("logits_scale", [], 0.5f), UInt8Scalar("logits_zero_point", 128),
            },
            Node =
            {
                Node("QuantizeLinear", ["image", "x_scale", "x_zero_point"], ["image_q"]),
                Node(
                    "QLinearConv",
                    ["image_q", "x_scale", "x_zero_point", "w_q", "w_scale", "w_zero_point", "map_scale", "map_zero_point"],
                    ["features_q"]),
                Node("Flatten", ["features_q"], ["flat_q"], Int("axis", 1)),
                Node(
                    "QLinearMatMul",
                    ["flat_q", "map_scale", "map_zero_point", "fc_w_q", "fc_w_scale", "fc_w_zero_point", "logits_scale", "logits_zero_point"],
                    ["logits_q"]),
                Node("DequantizeLinear", ["logits_q", "logits_scale", "logits_zero_point"], ["logits"]),
            },
        },
        opset: 13);

    /// <summary>
    /// Conv → Relu → QuantizeLinear (scale <see cref="SyntheticHeads.QdqScale"/>) → Flatten (uint8) → com.microsoft
    /// QGemm with float output: the map's scale is only on the QuantizeLinear and the QGemm.
    /// </summary>
    public static ModelProto QuantizedFlattenQGemm() => Model(
        new GraphProto
        {
            Name = "quantized_flatten_qgemm",
            Input = { FloatValue("image", "batch", 3, Side, Side) },
            Output = { FloatValue("logits", "batch", Classes) },
            Initializer =
            {
                ConvWeights(), Floats("conv_b", [Channels], Bias),
                Floats("map_scale", [], SyntheticHeads.QdqScale), UInt8Scalar("map_zero_point", 0),
                SmallInts("fc_w_q", TensorProto.Types.DataType.Int8, [Classes, Flattened], [.. Enumerable.Range(0, Classes * Flattened).Select(i => (i % 11) - 5)]),
                Floats("fc_w_scale", [], 0.05f), SmallInts("fc_w_zero_point", TensorProto.Types.DataType.Int8, [], 0),
            },
            Node =
            {
                Node("Conv", ["image", "conv_w", "conv_b"], ["conv"]),
                Node("Relu", ["conv"], ["relu"]),
                Node("QuantizeLinear", ["relu", "map_scale", "map_zero_point"], ["features_q"]),
                Node("Flatten", ["features_q"], ["flat_q"], Int("axis", 1)),
                MicrosoftNode(
                    "QGemm",
                    ["flat_q", "map_scale", "map_zero_point", "fc_w_q", "fc_w_scale", "fc_w_zero_point"],
                    ["logits"],
                    Int("transB", 1)),
            },
        },
        opset: 13,
        microsoftOps: true);
}
