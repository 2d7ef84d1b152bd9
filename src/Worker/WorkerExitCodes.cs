namespace Pipeline.Worker;

/// <summary>The worker's exit codes: what an orchestrator (or a person reading <c>kubectl describe</c>) can tell apart.</summary>
internal static class WorkerExitCodes
{
    /// <summary>Stopped on request (SIGTERM) after draining, or <c>--check-gpu</c> found the configured provider working.</summary>
    public const int Success = 0;

    /// <summary>An outage past its tolerance or an unexpected error; restarting may help.</summary>
    public const int Failure = 1;

    /// <summary>
    /// The configured GPU execution provider (CUDA, TensorRT) cannot load or run and CPU fallback is off: the image,
    /// the node's driver or the GPU request is wrong, and a restart will not fix it.
    /// </summary>
    public const int GpuUnavailable = 10;
}
