namespace Pipeline.Common.Inference.Onnx;

/// <summary>Names of the scale and zero point that dequantize a quantized feature map.</summary>
internal sealed record QuantizedInput(string Scale, string? ZeroPoint);
