using Pipeline.Common.Decoding;

namespace Pipeline.Worker.Inference;

/// <summary>The stage pipeline's inference seam: preprocessed tensors in, one pooled vector per image out.</summary>
internal interface IEmbedder
{
    /// <summary>How images are turned into tensors of <see cref="PreprocessSpec.TensorLength"/> floats each.</summary>
    PreprocessSpec Preprocess { get; }

    /// <summary>Floats per vector.</summary>
    int Width { get; }

    /// <summary>Batch buffers to keep: batch k + 1 is staged (on a GPU, copied) while batch k runs (<see cref="InFlightBatches"/>).</summary>
    int BatchesInFlight { get; }

    /// <summary>
    /// One batch buffer for <paramref name="capacity"/> images (one per batch in flight): pinned input memory the
    /// decoded tensors are copied into once, read in place by the run (zero copy).
    /// </summary>
    IBatchBuffer CreateBuffer(int capacity);
}
