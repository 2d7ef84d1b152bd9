namespace Pipeline.Common.Inference.Onnx;

/// <summary>
/// Finds how a quantized (uint8/int8) feature map that a head flattens dequantizes: QOperator models (QLinearConv …
/// Flatten → QLinearMatMul or com.microsoft QGemm) never turn it back into floats before the dense layer.
/// </summary>
internal static class QuantizedMap
{
    private const int MaxSteps = 64;

    // Consumers reading a quantized first input, with its scale and zero point as inputs 1 and 2.
    private static readonly HashSet<string> QuantizedConsumers = new(StringComparer.Ordinal) { "QLinearMatMul", "QGemm", "DequantizeLinear" };

    // Producers of a quantized output: the input index of its scale (the zero point follows it).
    private static readonly Dictionary<string, int> OutputScaleInput = new(StringComparer.Ordinal)
    {
        ["QuantizeLinear"] = 1,
        ["QLinearConv"] = 6,
        ["QLinearMatMul"] = 6,
        ["QLinearAdd"] = 6,
        ["QLinearMul"] = 6,
        ["QLinearAveragePool"] = 3,
        ["QLinearGlobalAveragePool"] = 3,
        ["QLinearLeakyRelu"] = 3,
        ["QLinearSigmoid"] = 3,
        ["QLinearConcat"] = 0,
    };

    // Ops that pass quantized values through unchanged (MaxPool takes uint8/int8 since opset 12).
    private static readonly HashSet<string> PassThrough = new(StringComparer.Ordinal) { "MaxPool", "Identity", "Transpose" };

    /// <summary>The scale and zero point of <paramref name="map"/>, flattened into <paramref name="flattened"/>; null for a float map.</summary>
    public static QuantizedInput? Find(string map, string flattened, GraphIndex index) =>
        FromConsumer(flattened, index) ?? FromProducer(map, index);

    // The dense layer states the quantization of what it reads; so does a DequantizeLinear in a QDQ chain.
    private static QuantizedInput? FromConsumer(string value, GraphIndex index)
    {
        for (var step = 0; step < MaxSteps; step++)
        {
            var consumers = index.ConsumersOf(value).ToList();
            if (consumers.FirstOrDefault(c => QuantizedConsumers.Contains(c.OpType) && c.Input.Count > 1 && c.Input[0] == value) is { } reader)
            {
                return Read(reader, 1);
            }

            if (consumers is not [{ OpType: "Identity" } next])
            {
                return null;
            }

            value = next.Output[0];
        }

        return null;
    }

    // Integer-only heads (MatMulInteger) state no scale: the op that quantized the map does.
    private static QuantizedInput? FromProducer(string value, GraphIndex index)
    {
        for (var step = 0; step < MaxSteps; step++)
        {
            switch (index.ProducerOf(value))
            {
                case { } node when OutputScaleInput.TryGetValue(node.OpType, out var scale) && node.Input.Count > scale:
                    return Read(node, scale);
                case { } node when PassThrough.Contains(node.OpType) && node.Input.Count > 0:
                    value = node.Input[0];
                    break;
                default:
                    return null;
            }
        }

        return null;
    }

    private static QuantizedInput? Read(NodeProto node, int scaleInput)
    {
        var scale = node.Input[scaleInput];
        if (string.IsNullOrEmpty(scale))
        {
            return null;
        }

        var zeroPoint = node.Input.Count > scaleInput + 1 && node.Input[scaleInput + 1].Length > 0 ? node.Input[scaleInput + 1] : null;
        return new QuantizedInput(scale, zeroPoint);
    }
}
