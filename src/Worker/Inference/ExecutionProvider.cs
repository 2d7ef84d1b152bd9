namespace Pipeline.Worker.Inference;

/// <summary>Where the worker runs inference.</summary>
internal enum ExecutionProvider
{
    /// <summary>ONNX Runtime's default CPU provider.</summary>
    Cpu,

    /// <summary>NVIDIA GPU through CUDA; needs a build with <c>-p:UseGpu=true</c> (the GPU image).</summary>
    Cuda,

    /// <summary>NVIDIA GPU through TensorRT (engines cached on disk), CUDA for what TensorRT does not take; GPU image only.</summary>
    TensorRt,
}
