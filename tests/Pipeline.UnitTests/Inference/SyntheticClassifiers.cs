using Pipeline.Common.Inference.Onnx;
using static Pipeline.UnitTests.Inference.OnnxBuilder;

namespace Pipeline.UnitTests.Inference;

/// <summary>
/// Tiny classifiers on 2×2 RGB images whose feature map is easy to compute by hand: a 1×1 convolution
/// (or the NHWC equivalent, a MatMul over channels) with <see cref="Weights"/> and <see cref="Bias"/>, then ReLU.
/// </summary>
internal static class SyntheticClassifiers
{
    public const int Channels = 4;
    public const int Classes = 5;
    public const int Side = 2;
    public const int ImageLength = 3 * Side * Side;

    /// <summary>[out channel, in channel] of the 1×1 convolution.</summary>
    public static readonly float[,] Weights =
    {
        { 1.0f, 0.5f, 0.0f },
        { 0.0f, 1.0f, -0.5f },
        { -1.0f, 0.0f, 1.0f },
        { 0.5f, -0.5f, 0.5f },
    };

    public static readonly float[] Bias = [0.1f, -0.2f, 0.0f, 0.3f];

    /// <summary>Conv 1×1 → Relu → GlobalAveragePool → Flatten → Gemm → Softmax, NCHW.</summary>
    public static ModelProto NchwGlobalAveragePool() => Model(
        new GraphProto
        {
            Name = "nchw_gap",
            Input = { FloatValue("image", "batch", 3, Side, Side) },
            Output = { FloatValue("probs", "batch", Classes) },
            Initializer = { ConvWeights(), Floats("conv_b", [Channels], Bias), FcWeights("fc_w", transposed: true), FcBias() },
            Node =
            {
                Node("Conv", ["image", "conv_w", "conv_b"], ["conv"]),
                Node("Relu", ["conv"], ["features"]),
                Node("GlobalAveragePool", ["features"], ["pooled"]),
                Node("Flatten", ["pooled"], ["flat"], Int("axis", 1)),
                Node("Gemm", ["flat", "fc_w", "fc_b"], ["logits"], Int("transB", 1)),
                Node("Softmax", ["logits"], ["probs"], Int("axis", 1)),
            },
        },
        opset: 13);

    /// <summary>Keras-style NHWC: MatMul + Add (a 1×1 conv) → Relu → ReduceMean[1,2] → MatMul → Add → Softmax.</summary>
    public static ModelProto NhwcReduceMean() => Model(
        new GraphProto
        {
            Name = "nhwc_reduce_mean",
            Input = { FloatValue("image", "batch", Side, Side, 3) },
            Output = { FloatValue("probs", "batch", Classes) },
            Initializer = { ProjectionWeights(), Floats("proj_b", [Channels], Bias), FcWeights("fc_w", transposed: false), FcBias() },
            Node =
            {
                Node("MatMul", ["image", "proj_w"], ["proj"]),
                Node("Add", ["proj", "proj_b"], ["biased"]),
                Node("Relu", ["biased"], ["features"]),
                Node("ReduceMean", ["features"], ["pooled"], Ints("axes", 1, 2), Int("keepdims", 0)),
                Node("MatMul", ["pooled", "fc_w"], ["mm"]),
                Node("Add", ["mm", "fc_b"], ["logits"]),
                Node("Softmax", ["logits"], ["probs"], Int("axis", -1)),
            },
        },
        opset: 13);

    /// <summary>Opset 18 NHWC: ReduceMax with its (negative) axes given as an initializer input.</summary>
    public static ModelProto NhwcReduceMaxAxesInput() => Model(
        new GraphProto
        {
            Name = "nhwc_reduce_max_18",
            Input = { FloatValue("image", "batch", Side, Side, 3) },
            Output = { FloatValue("probs", "batch", Classes) },
            Initializer =
            {
                ProjectionWeights(), Floats("proj_b", [Channels], Bias), Int64s("spatial_axes", [2], -3, -2),
                FcWeights("fc_w", transposed: false), FcBias(),
            },
            Node =
            {
                Node("MatMul", ["image", "proj_w"], ["proj"]),
                Node("Add", ["proj", "proj_b"], ["biased"]),
                Node("Relu", ["biased"], ["features"]),
                Node("ReduceMax", ["features", "spatial_axes"], ["pooled"], Int("keepdims", 0)),
                Node("MatMul", ["pooled", "fc_w"], ["mm"]),
                Node("Add", ["mm", "fc_b"], ["logits"]),
                Node("Softmax", ["logits"], ["probs"], Int("axis", -1)),
            },
        },
        opset: 18);

    /// <summary>
    /// Quantized like the bundled MobileNetV2: QuantizeLinear → com.microsoft QLinearGlobalAveragePool → DequantizeLinear
    /// → flatten. With <paramref name="dequantizeMapForShape"/> the quantized map is also dequantized to feed a
    /// Shape → Gather → Unsqueeze → Concat → Reshape chain, as that model does.
    /// </summary>
    /// <remarks>Scale 0.5 and zero point 128 make every multiple of 0.5 in [-64, 63.5] survive quantization exactly.</remarks>
    public static ModelProto QuantizedGlobalAveragePool(bool dequantizeMapForShape)
    {
        var graph = new GraphProto
        {
            Name = "quantized_gap",
            Input = { FloatValue("image", "batch", 3, Side, Side) },
            Output = { FloatValue("flat", "batch", 3) },
            Initializer =
            {
                Floats("x_scale", [], 0.5f), UInt8Scalar("x_zero_point", 128),
                Floats("y_scale", [], 0.25f), UInt8Scalar("y_zero_point", 128),
            },
            Node =
            {
                Node("QuantizeLinear", ["image", "x_scale", "x_zero_point"], ["image_q"]),
                MicrosoftNode(
                    "QLinearGlobalAveragePool",
                    ["image_q", "x_scale", "x_zero_point", "y_scale", "y_zero_point"],
                    ["pooled_q"],
                    Int("channels_last", 0)),
                Node("DequantizeLinear", ["pooled_q", "y_scale", "y_zero_point"], ["pooled"]),
            },
        };
        if (dequantizeMapForShape)
        {
            graph.Initializer.Add(Int64s("zero", [], 0));
            graph.Initializer.Add(Int64s("minus_one", [1], -1));
            graph.Node.Add(Node("DequantizeLinear", ["image_q", "x_scale", "x_zero_point"], ["image_dq"]));
            graph.Node.Add(Node("Shape", ["image_dq"], ["shape"]));
            graph.Node.Add(Node("Gather", ["shape", "zero"], ["batch"], Int("axis", 0)));
            graph.Node.Add(Node("Unsqueeze", ["batch"], ["batch_1"], Ints("axes", 0)));
            graph.Node.Add(Node("Concat", ["batch_1", "minus_one"], ["target"], Int("axis", 0)));
            graph.Node.Add(Node("Reshape", ["pooled", "target"], ["flat"]));
        }
        else
        {
            graph.Node.Add(Node("Flatten", ["pooled"], ["flat"], Int("axis", 1)));
        }

        return Model(graph, opset: 12, microsoftOps: true);
    }

    /// <summary>Half-precision features: Cast to float16 → GlobalAveragePool → Flatten.</summary>
    public static ModelProto HalfPrecisionGlobalAveragePool() => Model(
        new GraphProto
        {
            Name = "half_gap",
            Input = { FloatValue("image", "batch", 3, Side, Side) },
            Output = { Value("flat", TensorProto.Types.DataType.Float16, "batch", 3) },
            ValueInfo = { Value("image_half", TensorProto.Types.DataType.Float16, "batch", 3, Side, Side) },
            Node =
            {
                Node("Cast", ["image"], ["image_half"], Int("to", (int)TensorProto.Types.DataType.Float16)),
                Node("GlobalAveragePool", ["image_half"], ["pooled"]),
                Node("Flatten", ["pooled"], ["flat"], Int("axis", 1)),
            },
        },
        opset: 13);

    /// <summary>A squeeze-excite block pools too (and earlier) before the head's own GlobalAveragePool.</summary>
    public static ModelProto NchwSqueezeExcite() => Model(
        new GraphProto
        {
            Name = "nchw_se",
            Input = { FloatValue("image", "batch", 3, Side, Side) },
            Output = { FloatValue("logits", "batch", Classes) },
            Initializer = { ConvWeights(), Floats("conv_b", [Channels], Bias), FcWeights("fc_w", transposed: true), FcBias() },
            Node =
            {
                Node("Conv", ["image", "conv_w", "conv_b"], ["conv"]),
                Node("Relu", ["conv"], ["a"]),
                Node("GlobalAveragePool", ["a"], ["se_pool"]),
                Node("Sigmoid", ["se_pool"], ["gate"]),
                Node("Mul", ["a", "gate"], ["b"]),
                Node("GlobalAveragePool", ["b"], ["pooled"]),
                Node("Flatten", ["pooled"], ["flat"], Int("axis", 1)),
                Node("Gemm", ["flat", "fc_w", "fc_b"], ["logits"], Int("transB", 1)),
            },
        },
        opset: 13);

    /// <summary>Flatten → MatMul: the output is already an [N, C] vector.</summary>
    public static ModelProto AlreadyPooled() => Model(
        new GraphProto
        {
            Name = "pooled",
            Input = { FloatValue("image", "batch", 3, Side, Side) },
            Output = { FloatValue("embedding", "batch", Classes) },
            Initializer = { Floats("w", [ImageLength, Classes], [.. Enumerable.Range(0, ImageLength * Classes).Select(i => (i % 7) - 3f)]) },
            Node =
            {
                Node("Flatten", ["image"], ["flat"], Int("axis", 1)),
                Node("MatMul", ["flat", "w"], ["embedding"]),
            },
        },
        opset: 13);

    /// <summary>Conv → Relu: the output is already the 4-D feature map.</summary>
    public static ModelProto FeatureMapOutput() => Model(
        new GraphProto
        {
            Name = "feature_map",
            Input = { FloatValue("image", "batch", 3, Side, Side) },
            Output = { FloatValue("features", "batch", Channels, Side, Side) },
            Initializer = { ConvWeights(), Floats("conv_b", [Channels], Bias) },
            Node =
            {
                Node("Conv", ["image", "conv_w", "conv_b"], ["conv"]),
                Node("Relu", ["conv"], ["features"]),
            },
        },
        opset: 13);

    /// <summary>Reshape to [N, 3, 4]: neither pooled nor a 2-D feature map.</summary>
    public static ModelProto Rank3Output() => Model(
        new GraphProto
        {
            Name = "rank3",
            Input = { FloatValue("image", "batch", 3, Side, Side) },
            Output = { FloatValue("out", "batch", 3, Side * Side) },
            Initializer = { Int64s("target", [3], 0, 3, Side * Side) },
            Node = { Node("Reshape", ["image", "target"], ["out"]) },
        },
        opset: 13);

    /// <summary>relu(W·x + b) at every pixel of NCHW images (b = 0 without <paramref name="bias"/>): the expected NCHW feature maps.</summary>
    public static float[] ConvReluNchw(float[] images, int count, bool bias = true)
    {
        const int positions = Side * Side;
        var maps = new float[count * Channels * positions];
        for (var n = 0; n < count; n++)
        {
            for (var c = 0; c < Channels; c++)
            {
                for (var s = 0; s < positions; s++)
                {
                    var sum = bias ? Bias[c] : 0f;
                    for (var k = 0; k < 3; k++)
                    {
                        sum += Weights[c, k] * images[(n * 3 * positions) + (k * positions) + s];
                    }

                    maps[(n * Channels * positions) + (c * positions) + s] = Math.Max(0f, sum);
                }
            }
        }

        return maps;
    }

    /// <summary>relu(W·x + b) at every pixel of NHWC images: the expected NHWC feature maps.</summary>
    public static float[] ConvReluNhwc(float[] images, int count)
    {
        const int positions = Side * Side;
        var maps = new float[count * positions * Channels];
        for (var p = 0; p < count * positions; p++)
        {
            for (var c = 0; c < Channels; c++)
            {
                var sum = Bias[c];
                for (var k = 0; k < 3; k++)
                {
                    sum += Weights[c, k] * images[(p * 3) + k];
                }

                maps[(p * Channels) + c] = Math.Max(0f, sum);
            }
        }

        return maps;
    }

    internal static TensorProto ConvWeights() =>
        Floats("conv_w", [Channels, 3, 1, 1], [.. Weights.Cast<float>()]);

    internal static TensorProto ProjectionWeights()
    {
        var values = new float[3 * Channels];
        for (var k = 0; k < 3; k++)
        {
            for (var c = 0; c < Channels; c++)
            {
                values[(k * Channels) + c] = Weights[c, k];
            }
        }

        return Floats("proj_w", [3, Channels], values);
    }

    internal static TensorProto FcWeights(string name, bool transposed)
    {
        var values = Enumerable.Range(0, Channels * Classes).Select(i => ((i % 5) - 2) * 0.25f).ToArray();
        return Floats(name, transposed ? [Classes, Channels] : [Channels, Classes], values);
    }

    internal static TensorProto FcBias() => Floats("fc_b", [Classes], 0.1f, 0.2f, 0.3f, 0.4f, 0.5f);
}
