namespace Pipeline.Common.Inference.Onnx;

/// <summary>
/// An ONNX model read from disk for graph surgery, its large weights left on disk as external data references that
/// ONNX Runtime reads itself: the process never holds the file, the parsed weights and a re-serialised copy at once.
/// </summary>
/// <param name="Model">
/// The parsed model. Main-graph initializers of at least <c>externalizeFrom</c> bytes refer to their bytes in the model
/// file (or in the external data file they came in); smaller tensors hold their data inline, whatever the file did.
/// </param>
/// <param name="Path">The model file's absolute path.</param>
/// <param name="FileSha256">Lower-case hex sha256 of the model file alone.</param>
/// <param name="WeightsSha256">
/// <paramref name="FileSha256"/> when every weight is inside the file; otherwise the sha256 of the file's bytes followed by
/// each external tensor's bytes, in the order the tensors appear in the model.
/// </param>
internal sealed record OnnxFile(ModelProto Model, string Path, string FileSha256, string WeightsSha256)
{
    /// <summary>
    /// Initializers from this size on stay on disk. Constants the graph surgery reads (axes, shapes, quantisation
    /// scales) are far smaller; ONNX's own <c>save_model</c> externalises from 1 KiB too.
    /// </summary>
    public const long ExternalizeFrom = 1024;

    /// <summary>The folder external data is read from: the model file's.</summary>
    public string Folder => System.IO.Path.GetDirectoryName(Path)!;

    /// <summary>Reads, hashes and parses a model file in one pass; checks every external data reference.</summary>
    /// <param name="externalizeFrom">Tensors of at least this many bytes stay on disk; <see cref="long.MaxValue"/> reads all in.</param>
    /// <exception cref="InvalidDataException">Not an ONNX protobuf, or a bad external data reference (see <see cref="ExternalDataReference.Resolve"/>) or checksum.</exception>
    public static OnnxFile Read(string path, long externalizeFrom = ExternalizeFrom)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        ModelProto model;
        using var reader = OpenReader(fullPath, out var stream);
        using (stream)
        {
            using var skeleton = WeightsOutOfLine.Read(reader, stream.Length, System.IO.Path.GetFileName(fullPath), externalizeFrom);
            reader.ReadToEnd();
            skeleton.Position = 0;
            model = ModelProto.Parser.ParseFrom(skeleton);
        }

        var fileSha = Convert.ToHexStringLower(reader.Sha256.GetCurrentHash());
        var external = ExternalTensors.Load(model, System.IO.Path.GetDirectoryName(fullPath)!, fullPath, externalizeFrom, reader.Sha256);
        var weightsSha = external ? Convert.ToHexStringLower(reader.Sha256.GetCurrentHash()) : fileSha;
        return new OnnxFile(model, fullPath, fileSha, weightsSha);
    }

    private static WireReader OpenReader(string path, out FileStream stream)
    {
        stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return new WireReader(stream);
    }
}
