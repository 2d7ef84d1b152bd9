using System.ComponentModel.DataAnnotations;

namespace Pipeline.Worker.Inference;

/// <summary>How ONNX Runtime runs the backbone. Bound from the <c>Inference</c> section.</summary>
internal sealed class InferenceOptions : IValidatableObject
{
    public const string SectionName = "Inference";

    /// <summary><c>Cpu</c>; <c>Cuda</c> or <c>TensorRt</c> in the GPU image. Default <c>Cpu</c>.</summary>
    public ExecutionProvider ExecutionProvider { get; set; } = ExecutionProvider.Cpu;

    /// <summary>GPU ordinal for the GPU providers (a pod usually sees one GPU: 0). Default 0; 0 to 63.</summary>
    [Range(0, 63)]
    public int DeviceId { get; set; }

    /// <summary>Let TensorRT build float16 engines (about twice the throughput; vectors differ in the 3rd–4th digit). <c>TensorRt</c> only. Default off.</summary>
    public bool Fp16 { get; set; }

    /// <summary>Where TensorRT keeps built engines and timing caches; default none: <c>pipeline/tensorrt</c> under the temp folder.</summary>
    public string? TensorRtCacheDirectory { get; set; }

    /// <summary>Run on the CPU, with a warning, when the GPU provider cannot be loaded; off: the worker fails to start. GPU providers only. Default off.</summary>
    public bool CpuFallback { get; set; }

    /// <summary>Bind inputs and outputs with <c>OrtIoBinding</c>. Default none: on for the GPU providers, off on the CPU.</summary>
    public bool? IoBinding { get; set; }

    /// <summary>
    /// Batch buffers, each with its own pinned (under CUDA page-locked) memory and binding: with 2, batch k + 1 is
    /// staged, and on a GPU copied to the device, while batch k computes. 0 (default) = 2 with a GPU provider, 1 on the
    /// CPU, where one run already takes every core beside the decoders (a second buffer would only add its memory). 0 to 4.
    /// </summary>
    [Range(0, 4)]
    public int BatchesInFlight { get; set; }

    /// <summary>ONNX Runtime intra-op threads; 0 = one per physical core. Default 0; 0 to 256.</summary>
    [Range(0, 256)]
    public int IntraOpThreads { get; set; }

    /// <summary>Let idle ONNX Runtime threads spin; default off, because the decoders share the cores on a CPU worker.</summary>
    public bool AllowSpinning { get; set; }

    public bool IsGpu => ExecutionProvider != ExecutionProvider.Cpu;

    public bool EffectiveIoBinding => IoBinding ?? IsGpu;

    public int EffectiveBatchesInFlight => BatchesInFlight > 0 ? BatchesInFlight : IsGpu ? 2 : 1;

    public string EffectiveTensorRtCacheDirectory =>
        string.IsNullOrEmpty(TensorRtCacheDirectory) ? Path.Combine(Path.GetTempPath(), "pipeline", "tensorrt") : TensorRtCacheDirectory;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Fp16 && ExecutionProvider != ExecutionProvider.TensorRt)
        {
            yield return new ValidationResult(
                "Fp16 builds float16 TensorRT engines: it needs ExecutionProvider=TensorRt (CUDA runs the float32 model as it is).",
                [nameof(Fp16), nameof(ExecutionProvider)]);
        }

        if (CpuFallback && !IsGpu)
        {
            yield return new ValidationResult("CpuFallback only means something with a GPU ExecutionProvider.", [nameof(CpuFallback)]);
        }
    }
}
