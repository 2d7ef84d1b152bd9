namespace Pipeline.Common.Inference.Onnx;

using System.Security.Cryptography;

/// <summary>Reads a publisher's preprocessing graph, checks it, and merges it in front of the model with a dynamic batch axis.</summary>
internal static class PreprocessingGraph
{
    /// <exception cref="InvalidDataException">The file's sha256 is not <paramref name="sha256"/>.</exception>
    public static void MergeInFront(ModelProto model, string path, string? sha256, string modelId)
    {
        var bytes = File.ReadAllBytes(path);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (sha256 is not null && !string.Equals(sha256, actual, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"Model '{modelId}': preprocessing graph {path} has sha256 {actual}, expected {sha256}.");
        }

        var preprocessing = ModelProto.Parser.ParseFrom(bytes);
        BatchAxis.MakeDynamic(preprocessing.Graph);
        GraphComposer.Prepend(model, preprocessing);
    }
}
