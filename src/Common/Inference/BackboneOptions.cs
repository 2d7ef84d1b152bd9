using Microsoft.ML.OnnxRuntime;

namespace Pipeline.Common.Inference;

/// <summary>ONNX Runtime tuning for a <see cref="Backbone"/>.</summary>
public sealed record BackboneOptions
{
    public static BackboneOptions Default { get; } = new();

    /// <summary>Threads one inference may use; 0 lets ONNX Runtime pick (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Last say over the session options, e.g. to append the CUDA execution provider in GPU builds.</summary>
    public Action<SessionOptions>? ConfigureSession { get; init; }
}
