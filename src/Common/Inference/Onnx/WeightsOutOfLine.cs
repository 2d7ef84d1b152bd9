using Google.Protobuf;

namespace Pipeline.Common.Inference.Onnx;

/// <summary>
/// Reads a model file's protobuf without its large weights: the <c>raw_data</c> (or packed <c>float_data</c>,
/// <c>double_data</c>) of every main-graph initializer of at least a threshold size is skipped and replaced by an ONNX external-data reference to the same bytes in the same
/// file (<c>location</c> = the file's name, <c>offset</c>, <c>length</c>), which ONNX Runtime then reads itself.
/// Every other byte is copied as it is, so nothing else about the model changes (see ONNX IR.md, "External tensor data").
/// </summary>
internal static class WeightsOutOfLine
{
    private const int ModelGraph = 7;
    private const int GraphInitializer = 5;
    private const int TensorDataType = 2;
    private const int TensorFloatData = 4;
    private const int TensorRawData = 9;
    private const int TensorDoubleData = 10;
    private const ulong Float = 1;
    private const ulong Double = 11;
    private const ulong Complex64 = 14;
    private const ulong Complex128 = 15;
    private const int TensorExternalData = 13;
    private const int TensorDataLocation = 14;

    private delegate void Nested(WireReader reader, long end, MemoryStream output);

    /// <summary>The model's protobuf with large initializers' bytes left in the file, ready for <c>ModelProto.Parser</c>.</summary>
    /// <param name="fileName">The model file's own name, relative to its folder (where external locations start).</param>
    /// <param name="externalizeFrom">Initializers with at least this many bytes of <c>raw_data</c> stay in the file.</param>
    /// <exception cref="InvalidDataException">The file is not a well-formed protobuf.</exception>
    public static MemoryStream Read(WireReader reader, long fileLength, string fileName, long externalizeFrom)
    {
        var output = new MemoryStream();
        CopyFields(reader, fileLength, output, field => field == ModelGraph ? Graph : null);
        return output;

        void Graph(WireReader r, long end, MemoryStream o) =>
            CopyFields(r, end, o, field => field == GraphInitializer ? Tensor : null);

        void Tensor(WireReader r, long end, MemoryStream o)
        {
            (long Offset, long Length)? kept = null;
            ulong dataType = 0;
            CopyFields(r, end, o, _ => null, (field, length) =>
            {
                // Packed float_data and double_data hold exactly raw_data's bytes (fixed width, little-endian).
                var data = field == TensorRawData
                    || (field == TensorFloatData && dataType is Float or Complex64)
                    || (field == TensorDoubleData && dataType is Double or Complex128);
                if (data && kept is not null)
                {
                    throw new InvalidDataException($"A tensor's data comes in more than one piece (field {field} at byte {r.Position}); no ONNX writer does that.");
                }

                if (!data || length < externalizeFrom)
                {
                    return false;
                }

                kept = (r.Position, length);
                return true;
            }, (field, value) => dataType = field == TensorDataType ? value : dataType);
            if (kept is { } bytes)
            {
                WriteEntry(o, "location", fileName);
                WriteEntry(o, "offset", bytes.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
                WriteEntry(o, "length", bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
                WriteVarint(o, (TensorDataLocation << 3) | 0);
                WriteVarint(o, (ulong)TensorProto.Types.DataLocation.External);
            }
        }
    }

    // Copies the fields of one message (up to end) to output; nested(field) rewrites a length-delimited field's
    // contents, leaveOut(field, length) drops its payload (the reader has just read the length).
    private static void CopyFields(
        WireReader reader, long end, MemoryStream output, Func<int, Nested?> nested, Func<int, long, bool>? leaveOut = null, Action<int, ulong>? varint = null)
    {
        while (reader.Position < end)
        {
            var tag = reader.ReadVarint(null);
            var field = checked((int)(tag >> 3));
            var wireType = (int)(tag & 7);
            if (wireType == 2)
            {
                var length = checked((long)reader.ReadVarint(null));
                if (leaveOut?.Invoke(field, length) == true)
                {
                    reader.Copy(length, null);
                }
                else if (nested(field) is { } rewrite)
                {
                    using var inner = new MemoryStream();
                    rewrite(reader, reader.Position + length, inner);
                    WriteVarint(output, tag);
                    WriteVarint(output, (ulong)inner.Length);
                    inner.WriteTo(output);
                }
                else
                {
                    WriteVarint(output, tag);
                    WriteVarint(output, (ulong)length);
                    reader.Copy(length, output);
                }

                continue;
            }

            WriteVarint(output, tag);
            switch (wireType)
            {
                case 0:
                    var value = reader.ReadVarint(output);
                    varint?.Invoke(field, value);
                    break;
                case 1:
                    reader.Copy(8, output);
                    break;
                case 5:
                    reader.Copy(4, output);
                    break;
                default:
                    throw new InvalidDataException($"Protobuf wire type {wireType} (field {field}) at byte {reader.Position}: not an ONNX model.");
            }
        }

        if (reader.Position != end)
        {
            throw new InvalidDataException($"A protobuf field runs past its message's end (byte {end}): not an ONNX model, or a truncated one.");
        }
    }

    private static void WriteEntry(MemoryStream output, string key, string value)
    {
        var entry = new StringStringEntryProto { Key = key, Value = value }.ToByteArray();
        WriteVarint(output, (TensorExternalData << 3) | 2);
        WriteVarint(output, (ulong)entry.Length);
        output.Write(entry);
    }

    private static void WriteVarint(MemoryStream output, ulong value)
    {
        while (value >= 0x80)
        {
            output.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        output.WriteByte((byte)value);
    }
}
