namespace Pipeline.Worker.Inference;

using Microsoft.ML.OnnxRuntime;

internal static class ExecutionProviders
{
    /// <summary>
    /// The session hook for a provider; null keeps the CPU provider. A CPU build asked for CUDA fails
    /// at start-up, which is what a GPU pod running the wrong image should do.
    /// </summary>
    public static Action<SessionOptions>? Configure(ExecutionProvider provider) => provider switch
    {
        ExecutionProvider.Cuda => AppendCuda,
        _ => null,
    };

    private static void AppendCuda(SessionOptions options)
    {
        try
        {
            options.AppendExecutionProvider_CUDA(0);
        }
        catch (EntryPointNotFoundException ex)
        {
            // The CPU build of ONNX Runtime has no CUDA entry point at all.
            throw new InvalidOperationException(
                "PIPELINE_Worker__ExecutionProvider=Cuda needs the GPU build of ONNX Runtime (-p:UseGpu=true: the gpu image)", ex);
        }
    }
}
