using System.Globalization;

namespace Pipeline.Common.Inference.Onnx;

/// <summary>
/// Where a tensor stored as ONNX external data keeps its bytes: the <c>location</c>, <c>offset</c>, <c>length</c> and
/// <c>checksum</c> keys of <c>TensorProto.external_data</c> (ONNX IR.md, "External tensor data"), checked.
/// </summary>
/// <param name="Path">Absolute path of the data file, inside the model's folder.</param>
/// <param name="Offset">First byte of the tensor in the file.</param>
/// <param name="Length">Bytes of the tensor.</param>
/// <param name="Sha1">The <c>checksum</c> key: lower-case hex SHA-1 of those bytes, when the exporter wrote one.</param>
internal sealed record ExternalDataReference(string Path, long Offset, long Length, string? Sha1)
{
    /// <summary>
    /// Reads and checks one tensor's reference; <paramref name="folder"/> is the model file's (absolute) folder,
    /// <paramref name="model"/> its absolute path.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// No location; an absolute location or one with a <c>..</c> segment, or one that leads out of the folder through a
    /// symbolic link; a missing file; offset or length that are not non-negative integers or that run past the file's end;
    /// a length that disagrees with the tensor's shape and element type.
    /// </exception>
    public static ExternalDataReference Resolve(TensorProto tensor, string folder, string model)
    {
        string? location = null, offset = null, length = null, checksum = null;
        foreach (var entry in tensor.ExternalData)
        {
            switch (entry.Key)
            {
                case "location":
                    location = entry.Value;
                    break;
                case "offset":
                    offset = entry.Value;
                    break;
                case "length":
                    length = entry.Value;
                    break;
                case "checksum":
                    checksum = entry.Value;
                    break;
            }
        }

        string Problem(string what) => $"Model {model}: tensor '{tensor.Name}' is stored as external data {what}.";
        if (string.IsNullOrEmpty(location))
        {
            throw new InvalidDataException(Problem("without a location"));
        }

        // ONNX locations are POSIX paths relative to the model's folder; weights never come from elsewhere.
        if (location.Contains('\0', StringComparison.Ordinal) || System.IO.Path.IsPathRooted(location) || location.StartsWith('\\')
            || location.Split('/', '\\').Contains(".."))
        {
            throw new InvalidDataException(Problem($"at '{location}', outside the model's folder (only relative paths without '..' are read)"));
        }

        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, location));
        // A link's own FileInfo has the link's size: size and existence are the final target's.
        var link = new FileInfo(path);
        var file = link.LinkTarget is null ? link : link.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? link;

        // The model file itself may be a link (mounted volumes): its own bytes are read wherever it points.
        var linkedOut = !string.Equals(path, model, StringComparison.Ordinal) && file != link && !Inside(folder, file.FullName);
        if (!Inside(folder, path) || linkedOut)
        {
            throw new InvalidDataException(Problem($"at '{location}', which leads outside the model's folder {folder}"));
        }

        if (!file.Exists)
        {
            throw new InvalidDataException(Problem($"in '{location}', but {path} does not exist (external data files must sit next to the model)"));
        }

        var start = Integer(offset, 0, "offset");
        var size = Integer(length, file.Length - start, "length");
        if (start > file.Length || size > file.Length - start)
        {
            throw new InvalidDataException(Problem($"at bytes {start}…{start + size} of '{location}', past the file's end ({file.Length} bytes)"));
        }

        if (ExpectedLength(tensor) is { } expected && expected != size)
        {
            throw new InvalidDataException(Problem(
                $"in {size} bytes of '{location}', but its shape [{string.Join(", ", tensor.Dims)}] and element type {tensor.DataType} take {expected}"));
        }

        return new ExternalDataReference(path, start, size, checksum?.ToLowerInvariant());

        long Integer(string? text, long absent, string key) => text is null
            ? absent
            : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new InvalidDataException(Problem($"with {key} '{text}', not a non-negative integer"));
    }

    private static bool Inside(string folder, string path) =>
        path.StartsWith(folder.EndsWith('/') ? folder : folder + "/", StringComparison.Ordinal);

    // Bytes of a fixed-width tensor (ONNX TensorProto.DataType); null for strings and types this file does not know.
    private static long? ExpectedLength(TensorProto tensor)
    {
        var count = tensor.Dims.Aggregate(1L, (a, b) => checked(a * b));
        return tensor.DataType switch
        {
            1 or 6 or 12 => count * 4,          // float, int32, uint32
            2 or 3 or 9 => count,               // uint8, int8, bool
            4 or 5 or 10 or 16 => count * 2,    // uint16, int16, float16, bfloat16
            7 or 11 or 13 or 14 => count * 8,   // int64, double, uint64, complex64
            15 => count * 16,                   // complex128
            >= 17 and <= 20 => count,           // float8 variants
            21 or 22 => (count + 1) / 2,        // uint4, int4: two a byte
            _ => null,
        };
    }
}
