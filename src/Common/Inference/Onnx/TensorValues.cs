using System.Buffers.Binary;

namespace Pipeline.Common.Inference.Onnx;

/// <summary>Reads the integer contents of small constant tensors (axes, shapes).</summary>
internal static class TensorValues
{
    /// <exception cref="NotSupportedException">Not an integer tensor, or one whose data stayed on disk (over <see cref="OnnxFile.ExternalizeFrom"/>).</exception>
    public static long[] ReadInt64s(TensorProto tensor) => tensor.DataType switch
    {
        _ when tensor.DataLocation == TensorProto.Types.DataLocation.External => throw new NotSupportedException(
            $"Tensor '{tensor.Name}' [{string.Join(", ", tensor.Dims)}] keeps its values in external data; a small constant (axes, a shape) was expected."),
        (int)TensorProto.Types.DataType.Int64 when tensor.HasRawData => ReadRaw(tensor.RawData.Span, sizeof(long)),
        (int)TensorProto.Types.DataType.Int64 => [.. tensor.Int64Data],
        (int)TensorProto.Types.DataType.Int32 when tensor.HasRawData => ReadRaw(tensor.RawData.Span, sizeof(int)),
        (int)TensorProto.Types.DataType.Int32 => [.. tensor.Int32Data.Select(v => (long)v)],
        _ => throw new NotSupportedException(
            $"Tensor '{tensor.Name}' has element type {tensor.DataType}; an integer tensor was expected."),
    };

    // raw_data is little-endian by the ONNX spec, whatever the host.
    private static long[] ReadRaw(ReadOnlySpan<byte> raw, int width)
    {
        var values = new long[raw.Length / width];
        for (var i = 0; i < values.Length; i++)
        {
            var slice = raw.Slice(i * width, width);
            values[i] = width == sizeof(long)
                ? BinaryPrimitives.ReadInt64LittleEndian(slice)
                : BinaryPrimitives.ReadInt32LittleEndian(slice);
        }

        return values;
    }
}
