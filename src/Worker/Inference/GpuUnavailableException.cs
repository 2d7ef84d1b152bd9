namespace Pipeline.Worker.Inference;

/// <summary>
/// The configured GPU execution provider cannot load or run here and <see cref="InferenceOptions.CpuFallback"/> is off.
/// The message is one line naming what is missing; the worker exits with <see cref="WorkerExitCodes.GpuUnavailable"/>.
/// </summary>
internal sealed class GpuUnavailableException : Exception
{
    public GpuUnavailableException()
    {
    }

    public GpuUnavailableException(string message)
        : base(message)
    {
    }

    public GpuUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
