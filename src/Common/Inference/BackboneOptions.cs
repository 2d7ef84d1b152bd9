using Microsoft.ML.OnnxRuntime;

namespace Pipeline.Common.Inference;

/// <summary>ONNX Runtime tuning for a <see cref="Backbone"/>.</summary>
public sealed record BackboneOptions
{
    /// <summary>ONNX Runtime's defaults: threads picked by ONNX Runtime, no spinning.</summary>
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

    /// <summary>What <see cref="ConfigureSession"/> runs on, for logs and <c>--check-gpu</c> (e.g. <c>CUDA (device 0)</c>).</summary>
    public string? ProviderName { get; init; }

    /// <summary>
    /// Called when what <see cref="ConfigureSession"/> set up cannot load or run (appending a provider, opening the
    /// session or its first run throws <see cref="OnnxRuntimeException"/>, <see cref="DllNotFoundException"/> or
    /// <see cref="EntryPointNotFoundException"/>): throw to fail, return to open a clean CPU session instead — fresh
    /// session options, none of the providers that did append. Null: the failure propagates.
    /// </summary>
    public Action<Exception>? OnProviderFailure { get; init; }
}
