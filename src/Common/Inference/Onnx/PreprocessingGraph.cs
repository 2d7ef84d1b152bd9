namespace Pipeline.Common.Inference.Onnx;

/// <summary>Reads a publisher's preprocessing graph, checks it, and merges it in front of the model with a dynamic batch axis.</summary>
internal static class PreprocessingGraph
{
    /// <exception cref="InvalidDataException">The file's sha256 is not <paramref name="sha256"/>.</exception>
    public static void MergeInFront(ModelProto model, string path, string? sha256, string modelId)
    {
        // All read in: its tensors join the model's graph, whose external data is looked up in the model's folder.
        var file = OnnxFile.Read(path, long.MaxValue);
        if (sha256 is not null && !string.Equals(sha256, file.WeightsSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"Model '{modelId}': preprocessing graph {path} has sha256 {file.WeightsSha256}, expected {sha256}.");
        }

        var preprocessing = file.Model;
        BatchAxis.MakeDynamic(preprocessing.Graph);
        GraphComposer.Prepend(model, preprocessing);
    }
}
