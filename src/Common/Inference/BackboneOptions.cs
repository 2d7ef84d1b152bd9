using Microsoft.ML.OnnxRuntime;

namespace Pipeline.Common.Inference;

/// <summary>ONNX Runtime tuning for a <see cref="Backbone"/>.</summary>
public sealed record BackboneOptions
{
    public static BackboneOptions Default { get; } = new();

    /// <summary>Threads one inference may use; 0 lets ONNX Runtime pick (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// Let ONNX Runtime's idle threads spin between operators. Off by default: the worker's decoders share the cores,
    /// and spinning threads take cycles from them (see README "Performance").
    /// </summary>
    public bool AllowSpinning { get; init; }

    /// <summary>Run through an <see cref="OrtIoBinding"/> (inputs and outputs bound once per batch; what GPU providers want).</summary>
    public bool UseIoBinding { get; init; }

    /// <summary>Last say over the session options, e.g. to append the CUDA or TensorRT execution provider in GPU builds.</summary>
    public Action<SessionOptions, ModelInput>? ConfigureSession { get; init; }
}
