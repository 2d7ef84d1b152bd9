using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Pipeline.Common.Inference;

namespace Pipeline.Worker.Inference;

/// <summary>
/// Turns <see cref="InferenceOptions"/> into ONNX Runtime provider settings. The plan is plain data (unit-tested on
/// any build); appending it needs the GPU build of ONNX Runtime and the CUDA libraries, without which the worker
/// fails at start-up (<see cref="GpuUnavailableException"/>) unless <see cref="InferenceOptions.CpuFallback"/> says to
/// carry on with a clean CPU session.
/// </summary>
internal static class ExecutionProviders
{
    public static BackboneOptions BackboneOptions(InferenceOptions options, int batchSize, ILogger logger) => BackboneOptions(
        options, batchSize, logger, AppContext.BaseDirectory);

    /// <param name="nativeFolder">Where the provider libraries sit (the published folder), for naming what is missing.</param>
    public static BackboneOptions BackboneOptions(InferenceOptions options, int batchSize, ILogger logger, string nativeFolder) => new()
    {
        IntraOpThreads = options.IntraOpThreads,
        AllowSpinning = options.AllowSpinning,
        UseIoBinding = options.EffectiveIoBinding,
        ConfigureSession = options.IsGpu ? (session, input) => Append(session, Plan(options, input, batchSize)) : null,
        ProviderName = Describe(options),
        OnProviderFailure = options.IsGpu ? ex => FallBackOrThrow(ex, options, logger, nativeFolder) : null,
    };

    /// <summary>For logs and <c>--check-gpu</c>: <c>CUDA (device 0)</c>, <c>TensorRT (device 0, fp16), then CUDA</c>.</summary>
    public static string Describe(InferenceOptions options) => options.ExecutionProvider switch
    {
        ExecutionProvider.Cpu => "CPU",
        ExecutionProvider.Cuda => $"CUDA (device {options.DeviceId})",
        ExecutionProvider.TensorRt => $"TensorRT (device {options.DeviceId}{(options.Fp16 ? ", fp16" : "")}), then CUDA",
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.ExecutionProvider, "unknown execution provider"),
    };

    /// <summary>Providers in priority order; ONNX Runtime places each node on the first that takes it, the CPU last.</summary>
    public static IReadOnlyList<ProviderSettings> Plan(InferenceOptions options, ModelInput input, int batchSize)
    {
        var device = options.DeviceId.ToString(CultureInfo.InvariantCulture);
        var cuda = new ProviderSettings(ExecutionProvider.Cuda, new Dictionary<string, string>
        {
            ["device_id"] = device,
            // Inputs arrive from host memory on the default stream; copying there avoids a cross-stream sync per batch.
            ["do_copy_in_default_stream"] = "1",
            // Input shapes are fixed per batch size, so the exhaustive cuDNN search runs once per shape and pays off.
            ["cudnn_conv_algo_search"] = "EXHAUSTIVE",
        });
        if (options.ExecutionProvider == ExecutionProvider.Cuda)
        {
            return [cuda];
        }

        if (options.ExecutionProvider != ExecutionProvider.TensorRt)
        {
            return [];
        }

        var cache = options.EffectiveTensorRtCacheDirectory;
        var tensorRt = new ProviderSettings(ExecutionProvider.TensorRt, new Dictionary<string, string>
        {
            ["device_id"] = device,
            ["trt_fp16_enable"] = options.Fp16 ? "1" : "0",
            // Building an engine takes minutes; a restarted pod must find it on disk.
            ["trt_engine_cache_enable"] = "1",
            ["trt_engine_cache_path"] = cache,
            ["trt_timing_cache_enable"] = "1",
            ["trt_timing_cache_path"] = cache,
            // One engine for every batch from 1 (a job's last, partial batch) to the configured size; without a
            // profile TensorRT would rebuild for each new batch shape.
            ["trt_profile_min_shapes"] = input.ShapeText(1),
            ["trt_profile_opt_shapes"] = input.ShapeText(batchSize),
            ["trt_profile_max_shapes"] = input.ShapeText(batchSize),
        });
        return [tensorRt, cuda];
    }

    // Appends every provider or throws; the session options are then thrown away whole (see LoadedSession.Open).
    private static void Append(SessionOptions session, IReadOnlyList<ProviderSettings> plan)
    {
        foreach (var provider in plan)
        {
            AppendOne(session, provider);
        }
    }

    // The CPU build of ONNX Runtime has no GPU providers; a GPU build fails here without the CUDA libraries or a GPU.
    private static void FallBackOrThrow(Exception ex, InferenceOptions options, ILogger logger, string nativeFolder)
    {
        var reason = GpuLibraries.Explain(nativeFolder, options.ExecutionProvider, ex.Message);
        if (!options.CpuFallback)
        {
            throw new GpuUnavailableException(
                $"{reason}; set PIPELINE_Inference__CpuFallback=true to run on the CPU instead", ex);
        }

        Log.GpuUnavailable(logger, reason);
    }

    private static void AppendOne(SessionOptions session, ProviderSettings provider)
    {
        switch (provider.Provider)
        {
            case ExecutionProvider.Cuda:
                using (var cuda = new OrtCUDAProviderOptions())
                {
                    cuda.UpdateOptions(new Dictionary<string, string>(provider.Options));
                    session.AppendExecutionProvider_CUDA(cuda);
                }

                break;
            case ExecutionProvider.TensorRt:
                Directory.CreateDirectory(provider.Options["trt_engine_cache_path"]);
                using (var tensorRt = new OrtTensorRTProviderOptions())
                {
                    tensorRt.UpdateOptions(new Dictionary<string, string>(provider.Options));
                    session.AppendExecutionProvider_Tensorrt(tensorRt);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider.Provider, "the CPU provider is never appended");
        }
    }
}
