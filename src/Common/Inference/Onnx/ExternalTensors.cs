using System.Security.Cryptography;
using Google.Protobuf;

namespace Pipeline.Common.Inference.Onnx;

/// <summary>
/// Checks every tensor of a model stored as external data, hashes the bytes of those in other files, verifies their
/// checksums, and reads the small ones in (so graph surgery can read axes and shapes, and a composed graph carries them).
/// </summary>
internal static class ExternalTensors
{
    private const int ChunkSize = 1 << 20;

    /// <summary>Returns whether any tensor keeps its bytes in a file other than the model; their bytes go into <paramref name="weights"/>.</summary>
    /// <exception cref="InvalidDataException">A bad reference, or bytes that do not match their checksum.</exception>
    public static bool Load(ModelProto model, string folder, string modelPath, long externalizeFrom, IncrementalHash weights)
    {
        var foreign = false;
        foreach (var tensor in All(model).Where(t => t.DataLocation == TensorProto.Types.DataLocation.External))
        {
            var reference = ExternalDataReference.Resolve(tensor, folder, modelPath);
            var inModelFile = string.Equals(reference.Path, modelPath, StringComparison.Ordinal);
            var readIn = reference.Length < externalizeFrom;
            if (inModelFile && !readIn && reference.Sha1 is null)
            {
                continue;   // bytes already hashed with the file; ONNX Runtime reads them
            }

            foreign |= !inModelFile;
            var bytes = ReadRegion(reference, inModelFile ? null : weights, readIn, tensor.Name, modelPath);
            if (readIn)
            {
                tensor.RawData = UnsafeByteOperations.UnsafeWrap(bytes);
                tensor.ExternalData.Clear();
                tensor.ClearDataLocation();
            }
        }

        return foreign;
    }

    /// <summary>Every tensor in the model: initializers, sparse ones, constants in attributes, subgraphs, training graphs, functions.</summary>
    public static IEnumerable<TensorProto> All(ModelProto model) =>
        Graph(model.Graph)
            .Concat(model.TrainingInfo.SelectMany(t => Graph(t.Initialization).Concat(Graph(t.Algorithm))))
            .Concat(model.Functions.SelectMany(f => f.Node.SelectMany(Node)));

    private static IEnumerable<TensorProto> Graph(GraphProto? graph) => graph is null
        ? []
        : graph.Initializer
            .Concat(graph.SparseInitializer.SelectMany(Sparse))
            .Concat(graph.Node.SelectMany(Node));

    private static IEnumerable<TensorProto> Node(NodeProto node) => node.Attribute.SelectMany(a =>
        (a.T is null ? [] : new[] { a.T })
            .Concat(a.Tensors)
            .Concat(a.SparseTensor is null ? [] : Sparse(a.SparseTensor))
            .Concat(a.SparseTensors.SelectMany(Sparse))
            .Concat(Graph(a.G))
            .Concat(a.Graphs.SelectMany(Graph)));

    private static IEnumerable<TensorProto> Sparse(SparseTensorProto sparse) =>
        new[] { sparse.Values, sparse.Indices }.Where(t => t is not null);

    // Streams the region through the hashes; returns its bytes when keep (small tensors only).
    private static byte[] ReadRegion(ExternalDataReference reference, IncrementalHash? weights, bool keep, string tensor, string model)
    {
        var kept = keep ? new byte[reference.Length] : null;
        using var sha1 = reference.Sha1 is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        using (var stream = new FileStream(reference.Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan))
        {
            stream.Position = reference.Offset;
            var buffer = kept ?? new byte[(int)Math.Min(ChunkSize, reference.Length)];
            for (var done = 0L; done < reference.Length;)
            {
                var target = kept is null ? buffer.AsSpan(0, (int)Math.Min(buffer.Length, reference.Length - done)) : kept.AsSpan((int)done);
                var n = stream.Read(target);
                if (n == 0)
                {
                    throw new InvalidDataException($"Model {model}: tensor '{tensor}' ends past the end of {reference.Path}.");
                }

                weights?.AppendData(target[..n]);
                sha1?.AppendData(target[..n]);
                done += n;
            }
        }

        // IR.md calls the checksum the SHA-1 "of the file": the tensor's bytes, or the whole file when it holds more.
        if (sha1 is not null && Convert.ToHexStringLower(sha1.GetHashAndReset()) != reference.Sha1 && WholeFileSha1(reference.Path) != reference.Sha1)
        {
            throw new InvalidDataException(
                $"Model {model}: tensor '{tensor}' in {reference.Path} does not match its SHA-1 checksum {reference.Sha1}: the weights file is not the one the model was saved with.");
        }

        return kept ?? [];
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350",
        Justification = "ONNX defines the checksum as SHA-1; it detects a wrong file, the sha256 identifies the weights.")]
    private static string WholeFileSha1(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: ChunkSize, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA1.HashData(stream));
    }
}
