using Pipeline.Common.Inference.Onnx;
using static Pipeline.UnitTests.Inference.OnnxBuilder;
using static Pipeline.UnitTests.Inference.SyntheticClassifiers;

namespace Pipeline.UnitTests.Inference;

/// <summary>
/// Keras ConvNeXt's ends on the <see cref="SyntheticClassifiers"/> feature map: pooling, then LayerNormalization
/// (epsilon 1e-6) with <see cref="Gamma"/> and <see cref="Beta"/>, as one op or spelled out, before a dense layer or
/// as the output.
/// </summary>
internal static class SyntheticLayerNormHeads
{
    public const float Epsilon = 1e-6f;

    public static readonly float[] Gamma = [1.5f, 0.5f, -1f, 2f];

    public static readonly float[] Beta = [0.1f, 0f, -0.2f, 0.3f];

    /// <summary>Keras ConvNeXt <c>include_top=True</c> through tf2onnx: ReduceMean[1,2] → LayerNormalization → MatMul → Add → Softmax.</summary>
    public static ModelProto NhwcHead() => NhwcModel("convnext_head", opset: 17, [LayerNorm("pooled", "normed"), .. Dense("normed")]);

    /// <summary>As <see cref="NhwcHead"/>, with the norm spelled out: ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add.</summary>
    public static ModelProto NhwcDecomposedHead() => NhwcModel("convnext_head_decomposed", opset: 13, [.. DecomposedLayerNorm("pooled", "normed"), .. Dense("normed")]);

    /// <summary>Keras ConvNeXt <c>include_top=False, pooling='avg'</c>: ReduceMean[1,2] → LayerNormalization is the output.</summary>
    public static ModelProto NhwcHeadlessPooled() => NhwcModel("convnext_pooled", opset: 17, [LayerNorm("pooled", "normed")], FloatValue("normed", "batch", Channels));

    /// <summary>Keras ConvNeXt <c>include_top=False</c> (<c>pooling=None</c>): the norm applied at every position is the output.</summary>
    public static ModelProto NhwcHeadlessUnpooled(int opset)
    {
        var model = NhwcModel("convnext_unpooled", opset, [LayerNorm("features", "normed")], FloatValue("normed", "batch", Side, Side, Channels));
        model.Graph.Node.Remove(model.Graph.Node.Single(n => n.OpType == "ReduceMean"));
        model.Graph.ValueInfo.Add(FloatValue("features", "batch", Side, Side, Channels));
        return model;
    }

    /// <summary>
    /// torchvision's ConvNeXt classifier, NCHW: GlobalAveragePool → LayerNorm2d (Transpose, LayerNormalization,
    /// Transpose back) → Flatten → Gemm.
    /// </summary>
    public static ModelProto NchwTransposedHead() => Model(
        new GraphProto
        {
            Name = "torchvision_convnext_head",
            Input = { FloatValue("image", "batch", 3, Side, Side) },
            Output = { FloatValue("logits", "batch", Classes) },
            Initializer = { ConvWeights(), Floats("conv_b", [Channels], Bias), NormWeights(), FcWeights("fc_w", transposed: true), FcBias() },
            Node =
            {
                Node("Conv", ["image", "conv_w", "conv_b"], ["conv"]),
                Node("Relu", ["conv"], ["features"]),
                Node("GlobalAveragePool", ["features"], ["pooled"]),
                Node("Transpose", ["pooled"], ["pooled_nhwc"], Ints("perm", 0, 2, 3, 1)),
                LayerNorm("pooled_nhwc", "normed_nhwc"),
                Node("Transpose", ["normed_nhwc"], ["normed"], Ints("perm", 0, 3, 1, 2)),
                Node("Flatten", ["normed"], ["flat"], Int("axis", 1)),
                Node("Gemm", ["flat", "fc_w", "fc_b"], ["logits"], Int("transB", 1)),
            },
        },
        opset: 17);

    /// <summary>The bundled model's quantized pooling (QLinearGlobalAveragePool → DequantizeLinear → Flatten), then the norm and a Gemm.</summary>
    public static ModelProto QuantizedPoolingHead()
    {
        var model = QuantizedGlobalAveragePool(dequantizeMapForShape: false);
        var graph = model.Graph;
        graph.Initializer.Add(Floats("gamma", [3], Gamma[..3]));
        graph.Initializer.Add(Floats("beta", [3], Beta[..3]));
        graph.Initializer.Add(Floats("fc_w", [Classes, 3], [.. Enumerable.Range(0, 3 * Classes).Select(i => ((i % 5) - 2) * 0.25f)]));
        graph.Initializer.Add(FcBias());
        graph.Node.Add(LayerNorm("flat", "normed"));
        graph.Node.Add(Node("Gemm", ["normed", "fc_w", "fc_b"], ["logits"], Int("transB", 1)));
        graph.Output.Clear();
        graph.Output.Add(FloatValue("logits", "batch", Classes));
        model.OpsetImport[0].Version = 17;
        return model;
    }

    /// <summary>(x − mean) / √(variance + ε) · γ + β over each row, in double precision.</summary>
    public static float[] HandLayerNorm(float[] rows, int width)
    {
        var normed = new float[rows.Length];
        for (var offset = 0; offset < rows.Length; offset += width)
        {
            var row = rows.AsSpan(offset, width).ToArray().Select(v => (double)v).ToArray();
            var mean = row.Average();
            var deviation = Math.Sqrt(row.Select(v => (v - mean) * (v - mean)).Average() + Epsilon);
            for (var c = 0; c < width; c++)
            {
                normed[offset + c] = (float)((row[c] - mean) / deviation * Gamma[c] + Beta[c]);
            }
        }

        return normed;
    }

    // MatMul + Add (a 1×1 conv) → Relu gives the NHWC map "features"; ReduceMean over H, W gives "pooled".
    private static ModelProto NhwcModel(string name, int opset, NodeProto[] tail, ValueInfoProto? output = null)
    {
        var graph = new GraphProto
        {
            Name = name,
            Input = { FloatValue("image", "batch", Side, Side, 3) },
            Output = { output ?? FloatValue("probs", "batch", Classes) },
            Initializer = { ProjectionWeights(), Floats("proj_b", [Channels], Bias), NormWeights(), FcWeights("fc_w", transposed: false), FcBias() },
            Node =
            {
                Node("MatMul", ["image", "proj_w"], ["proj"]),
                Node("Add", ["proj", "proj_b"], ["biased"]),
                Node("Relu", ["biased"], ["features"]),
            },
        };
        if (opset >= 18)
        {
            graph.Initializer.Add(Int64s("spatial_axes", [2], 1, 2));
            graph.Node.Add(Node("ReduceMean", ["features", "spatial_axes"], ["pooled"], Int("keepdims", 0)));
        }
        else
        {
            graph.Node.Add(Node("ReduceMean", ["features"], ["pooled"], Ints("axes", 1, 2), Int("keepdims", 0)));
        }

        graph.Node.AddRange(tail);
        return Model(graph, opset);
    }

    private static NodeProto LayerNorm(string input, string output) =>
        Node("LayerNormalization", [input, "gamma", "beta"], [output], Int("axis", -1), Float("epsilon", Epsilon));

    private static NodeProto[] DecomposedLayerNorm(string input, string output) =>
    [
        Node("Constant", [], ["ln_two"], Tensor("value", Floats("two", [], 2f))),
        Node("Constant", [], ["ln_epsilon"], Tensor("value", Floats("epsilon", [], Epsilon))),
        Node("ReduceMean", [input], ["ln_mean"], Ints("axes", -1), Int("keepdims", 1)),
        Node("Sub", [input, "ln_mean"], ["ln_centred"]),
        Node("Pow", ["ln_centred", "ln_two"], ["ln_squared"]),
        Node("ReduceMean", ["ln_squared"], ["ln_variance"], Ints("axes", -1), Int("keepdims", 1)),
        Node("Add", ["ln_variance", "ln_epsilon"], ["ln_variance_eps"]),
        Node("Sqrt", ["ln_variance_eps"], ["ln_deviation"]),
        Node("Div", ["ln_centred", "ln_deviation"], ["ln_normalised"]),
        Node("Mul", ["ln_normalised", "gamma"], ["ln_scaled"]),
        Node("Add", ["ln_scaled", "beta"], [output]),
    ];

    private static NodeProto[] Dense(string input) =>
    [
        Node("MatMul", [input, "fc_w"], ["mm"]),
        Node("Add", ["mm", "fc_b"], ["logits"]),
        Node("Softmax", ["logits"], ["probs"], Int("axis", -1)),
    ];

    private static TensorProto[] NormWeights() => [Floats("gamma", [Channels], Gamma), Floats("beta", [Channels], Beta)];
}
