using Pipeline.Common.Decoding;

namespace Pipeline.Common.Inference.Onnx;

/// <summary>Tells NCHW from NHWC by where the 3 colour channels sit in a 4-D image input.</summary>
internal static class InputLayout
{
    /// <summary>Null when the dims do not say (not 4-D, or no static 3 at axis 1 or 3).</summary>
    public static TensorLayout? Detect(IReadOnlyList<long> dims) => dims switch
    {
        { Count: 4 } when dims[1] == 3 => TensorLayout.Nchw,
        { Count: 4 } when dims[3] == 3 => TensorLayout.Nhwc,
        _ => null,
    };

    public static TensorLayout? Detect(TensorShapeProto? shape) =>
        shape is null ? null : Detect([.. shape.Dim.Select(d => d.HasDimValue ? d.DimValue : -1)]);
}
