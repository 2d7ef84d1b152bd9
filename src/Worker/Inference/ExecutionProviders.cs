namespace Pipeline.Worker.Inference;

using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Pipeline.Common.Inference;

/// <summary>
/// Turns <see cref="InferenceOptions"/> into ONNX Runtime provider settings. The plan is plain data (unit-tested on
/// any build); appending it needs the GPU build of ONNX Runtime, which a CPU build refuses at start-up unless
/// <see cref="InferenceOptions.CpuFallback"/> says to carry on on the CPU.
/// </summary>
internal static class ExecutionProviders
{
    public static BackboneOptions BackboneOptions(InferenceOptions options, int batchSize, ILogger logger) => new()
    {
        IntraOpThreads = options.IntraOpThreads,
        AllowSpinning = options.AllowSpinning,
        UseIoBinding = options.EffectiveIoBinding,
        ConfigureSession = options.IsGpu ? (session, input) => Append(session, Plan(options, input, batchSize), options, logger) : null,
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

    private static void Append(SessionOptions session, IReadOnlyList<ProviderSettings> plan, InferenceOptions options, ILogger logger)
    {
        try
        {
            foreach (var provider in plan)
            {
                AppendOne(session, provider);
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException or OnnxRuntimeException)
        {
            // The CPU build of ONNX Runtime has no GPU entry points; a GPU build without a usable driver fails here too.
            if (!options.CpuFallback)
            {
                throw new InvalidOperationException(
                    $"PIPELINE_Inference__ExecutionProvider={options.ExecutionProvider} could not be loaded ({ex.Message}): it needs the GPU build " +
                    "of ONNX Runtime (-p:UseGpu=true: the gpu image) and a visible NVIDIA GPU; set PIPELINE_Inference__CpuFallback=true to run on the CPU instead",
                    ex);
            }

            Log.GpuUnavailable(logger, options.ExecutionProvider.ToString(), ex.Message);
        }
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
