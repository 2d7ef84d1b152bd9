using System.Runtime.InteropServices;

namespace Pipeline.Worker.Inference;

/// <summary>
/// The shared libraries a GPU execution provider needs, read from the provider libraries that ship with the worker
/// (their ELF <c>DT_NEEDED</c> entries, so the list follows the pinned ONNX Runtime package), and which of them this
/// machine cannot load. Turns ONNX Runtime's "failed to load" into a message naming every missing library.
/// </summary>
internal static class GpuLibraries
{
    public const string CudaProvider = "libonnxruntime_providers_cuda.so";

    public const string TensorRtProvider = "libonnxruntime_providers_tensorrt.so";

    /// <summary>
    /// cuDNN is opened by the CUDA provider at run time, so it is not among its <c>DT_NEEDED</c> entries; the TensorRT
    /// provider of the same package links it, and a test holds this major to that.
    /// </summary>
    public const string Cudnn = "libcudnn.so.9";

    /// <summary>The CUDA driver's library: it comes with the node's NVIDIA driver, never with an image.</summary>
    public const string Driver = "libcuda.so.1";

    /// <summary>The provider libraries <paramref name="provider"/> loads, in the order ONNX Runtime loads them.</summary>
    public static IReadOnlyList<string> ProviderFiles(ExecutionProvider provider) => provider switch
    {
        ExecutionProvider.Cpu => [],
        ExecutionProvider.Cuda => [CudaProvider],
        ExecutionProvider.TensorRt => [TensorRtProvider, CudaProvider],
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "unknown execution provider"),
    };

    /// <summary>
    /// The sonames the provider libraries in <paramref name="folder"/> need, plus cuDNN, in first-seen order, without
    /// ONNX Runtime's own libraries.
    /// </summary>
    /// <exception cref="FileNotFoundException">A provider library is not in <paramref name="folder"/> (a CPU build).</exception>
    public static IReadOnlyList<string> Required(string folder, ExecutionProvider provider)
    {
        var required = new List<string>();
        foreach (var file in ProviderFiles(provider))
        {
            var path = Path.Combine(folder, file);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{file} is not in {folder}", path);
            }

            required.AddRange(ElfDependencies.Needed(path).Where(name => !name.StartsWith("libonnxruntime", StringComparison.Ordinal)));
        }

        if (required.Count > 0)
        {
            required.Add(Cudnn);
        }

        return [.. required.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Of <see cref="Required"/>, those the dynamic loader cannot open here (search path as ONNX Runtime's).</summary>
    public static IReadOnlyList<string> Missing(string folder, ExecutionProvider provider) =>
        [.. Required(folder, provider).Where(name => !CanLoad(name))];

    /// <summary>
    /// One line saying why <paramref name="provider"/> did not load in <paramref name="folder"/>: the CPU build, the
    /// libraries that are missing, or (all present) ONNX Runtime's own <paramref name="error"/>, e.g. no GPU visible.
    /// </summary>
    public static string Explain(string folder, ExecutionProvider provider, string error)
    {
        IReadOnlyList<string> missing;
        try
        {
            missing = Missing(folder, provider);
        }
        catch (FileNotFoundException ex)
        {
            return $"{provider} execution provider unavailable: this is the CPU build of ONNX Runtime ({Path.GetFileName(ex.FileName)} " +
                $"is not in {folder}); GPU providers need the gpu image (publish with -p:UseGpu=true)";
        }

        if (missing.Count == 0)
        {
            return $"{provider} execution provider unavailable although its libraries load: {OneLine(error)}";
        }

        var named = missing.Select(name => name == Driver ? $"{name} (NVIDIA driver)" : name);
        return $"{provider} execution provider unavailable: missing {string.Join(", ", named)} " +
            $"(needs {Needs(Required(folder, provider))}, as the gpu image provides)";
    }

    // "CUDA 13, cuBLAS 13, cuDNN 9, TensorRT 10": the majors the package's sonames ask for.
    private static string Needs(IReadOnlyList<string> required)
    {
        var families = new (string Prefix, string Name)[]
        {
            ("libcudart.so.", "CUDA"), ("libcublas.so.", "cuBLAS"), ("libcudnn.so.", "cuDNN"), ("libnvinfer.so.", "TensorRT"),
        };
        var parts = families.SelectMany(f => required
            .Where(r => r.StartsWith(f.Prefix, StringComparison.Ordinal))
            .Take(1)
            .Select(soname => $"{f.Name} {soname[f.Prefix.Length..]}"));
        return string.Join(", ", parts.Append("an NVIDIA driver"));
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static bool CanLoad(string soname)
    {
        if (!NativeLibrary.TryLoad(soname, out var handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    }
}
