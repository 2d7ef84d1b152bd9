namespace Pipeline.Worker.Inference;

using Microsoft.ML.OnnxRuntime;

internal static class ExecutionProviders
{
    /// <summary>
    /// The session hook for a provider; null keeps the CPU provider. A CPU build asked for CUDA fails
    /// at start-up ("not enabled in this build"), which is what a misconfigured GPU pod should do.
    /// </summary>
    public static Action<SessionOptions>? Configure(ExecutionProvider provider) => provider switch
    {
        ExecutionProvider.Cuda => options => options.AppendExecutionProvider_CUDA(0),
        _ => null,
    };
}
