namespace Pipeline.Worker.Inference;

/// <summary>Where the worker runs inference.</summary>
public enum ExecutionProvider
{
    /// <summary>ONNX Runtime's default CPU provider.</summary>
    Cpu,

    /// <summary>NVIDIA GPU, device 0 (one GPU per pod); needs a build with <c>-p:UseGpu=true</c> (the GPU image).</summary>
    Cuda,
}
