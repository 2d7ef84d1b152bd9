namespace Pipeline.Common.Inference.Onnx;

/// <summary>
/// Makes a graph exported with a fixed batch of 1 (CNTK, some tf2onnx exports) take any batch: the image input's and the
/// outputs' first dimension become the symbol <c>batch</c>, and intermediate shape annotations lose theirs (ONNX Runtime
/// re-infers them). Ops that bake the batch into a constant (a Reshape to [1, …]) still fail on a larger batch, which
/// the worker's warm-up with a full batch reports at start-up.
/// </summary>
internal static class BatchAxis
{
    public const string Symbol = "batch";

    /// <summary>True when the image input's batch dimension was a fixed number and is now <see cref="Symbol"/>.</summary>
    public static bool MakeDynamic(GraphProto graph)
    {
        var index = new GraphIndex(graph);
        if (index.ImageInput?.Type?.TensorType?.Shape is not { Dim.Count: > 0 } input || !input.Dim[0].HasDimValue)
        {
            return false;
        }

        input.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = Symbol };
        foreach (var output in graph.Output)
        {
            if (output.Type?.TensorType?.Shape is { Dim.Count: > 0 } shape)
            {
                shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = Symbol };
            }
        }

        foreach (var value in graph.ValueInfo)
        {
            if (value.Type?.TensorType?.Shape is { Dim.Count: > 0 } shape)
            {
                shape.Dim[0] = new TensorShapeProto.Types.Dimension();
            }
        }

        return true;
    }
}
