using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Pipeline.Common.Decoding;
using Pipeline.Common.Inference.Onnx;

namespace Pipeline.Common.Inference;

/// <summary>An ONNX Runtime session on a cut graph, its input checked against the spec and its output shape learnt.</summary>
/// <param name="Preprocess">The spec's preprocessing, with the layout the model's input shape shows when the spec lets it decide.</param>
/// <param name="MapShape">One image's output shape (batch axis left out).</param>
/// <param name="Provider">Where the session runs: <c>CPU</c>, the configured <see cref="BackboneOptions.ProviderName"/>, or the CPU after a fallback.</param>
internal sealed record LoadedSession(
    InferenceSession Session, RunOptions RunOptions, string InputName, string OutputName, PreprocessSpec Preprocess, long[] MapShape, int Width, string Provider)
{
    public const string Cpu = "CPU";

    public static LoadedSession Open(byte[] model, ModelInput input, ModelSpec spec, HeadCut cut, BackboneOptions options)
    {
        if (options.ConfigureSession is not { } configure)
        {
            return OpenWith(model, spec, cut, options, null, Cpu);
        }

        try
        {
            return OpenWith(model, spec, cut, options, session => configure(session, input), options.ProviderName ?? "configured providers");
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException && options.OnProviderFailure is { } onFailure)
        {
            // Throws when the caller wants no fallback. Otherwise a clean CPU session: new options, so no provider that
            // did append before the failing one (TensorRT before CUDA) is left half-configured.
            onFailure(ex);
            return OpenWith(model, spec, cut, options, null, $"{Cpu} (fallback from {options.ProviderName ?? "configured providers"})");
        }
    }

    private static LoadedSession OpenWith(byte[] model, ModelSpec spec, HeadCut cut, BackboneOptions options, Action<SessionOptions>? configure, string provider)
    {
        using var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (options.IntraOpThreads > 0)
        {
            sessionOptions.IntraOpNumThreads = options.IntraOpThreads;
        }

        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", options.AllowSpinning ? "1" : "0");

        // Loading from bytes: external weight files are looked up next to the original file.
        var folder = Path.GetDirectoryName(Path.GetFullPath(spec.Path));
        if (!string.IsNullOrEmpty(folder))
        {
            sessionOptions.AddSessionConfigEntry("session.model_external_initializers_file_folder_path", folder);
        }

        configure?.Invoke(sessionOptions);
        var session = new InferenceSession(model, sessionOptions);
        var runOptions = new RunOptions();
        try
        {
            var (inputName, preprocess) = CheckInput(session, spec);
            var mapShape = WarmUp(session, runOptions, inputName, cut.FeatureOutput, preprocess);
            var width = ResolveWidth(mapShape, cut);
            return new LoadedSession(session, runOptions, inputName, cut.FeatureOutput, preprocess, mapShape, width, provider);
        }
        catch
        {
            runOptions.Dispose();
            session.Dispose();
            throw;
        }
    }

    public static long[] InputShape(PreprocessSpec preprocess, int count) => preprocess.Layout == TensorLayout.Nchw
        ? [count, 3, preprocess.InputSize, preprocess.InputSize]
        : [count, preprocess.InputSize, preprocess.InputSize, 3];

    private static (string Name, PreprocessSpec Preprocess) CheckInput(InferenceSession session, ModelSpec spec)
    {
        if (session.InputMetadata.Count != 1)
        {
            throw new NotSupportedException(
                $"Model '{spec.Id}' has {session.InputMetadata.Count} inputs ({string.Join(", ", session.InputMetadata.Keys)}); one image input expected.");
        }

        var (name, metadata) = session.InputMetadata.First();
        long[] dims = [.. metadata.Dimensions];
        if (!metadata.IsTensor || metadata.ElementDataType != TensorElementType.Float || dims.Length != 4)
        {
            throw new NotSupportedException(
                $"Model '{spec.Id}' input '{name}' is {metadata.ElementDataType} [{string.Join(", ", dims)}]; a 4-D float image tensor expected.");
        }

        var preprocess = spec.Preprocess;
        if (InputLayout.Detect(dims) is { } detected && spec.EntryLayout is { } entryLayout && detected != entryLayout)
        {
            throw new InvalidDataException(
                $"Model '{spec.Id}' input '{name}' [{string.Join(", ", dims)}] is {detected}, but catalogue entry '{spec.Entry}' describes a " +
                $"{entryLayout} export and its preprocessing ({spec.Preprocess.Describe()}) is that export's: set Model:Preprocess and " +
                "Model:Resize for this file (a torch.onnx export: Torch, ShortSideThenCenterCrop), or Model:Backbone=custom.");
        }

        if (InputLayout.Detect(dims) is { } layout && layout != preprocess.Layout)
        {
            preprocess = spec.LayoutFromModel
                ? preprocess with { Layout = layout }
                : throw new InvalidDataException(
                    $"Model '{spec.Id}' input '{name}' [{string.Join(", ", dims)}] is {layout}, but the spec says {preprocess.Layout}.");
        }

        var spatial = preprocess.Layout == TensorLayout.Nchw ? dims[2..] : dims[1..3];
        if (spatial.Any(d => d > 0 && d != preprocess.InputSize))
        {
            throw new InvalidDataException(
                $"Model '{spec.Id}' input '{name}' [{string.Join(", ", dims)}] does not take {preprocess.InputSize}×{preprocess.InputSize} images.");
        }

        return (name, preprocess);
    }

    // One batch of a zero image: proves the cut graph runs and gives the map shape even when it is symbolic.
    private static long[] WarmUp(InferenceSession session, RunOptions runOptions, string inputName, string outputName, PreprocessSpec preprocess)
    {
        var zeros = new float[preprocess.TensorLength];
        using var input = OrtValue.CreateTensorValueFromMemory(zeros, InputShape(preprocess, 1));
        using var results = session.Run(runOptions, [inputName], [input], [outputName]);
        var info = results[0].GetTensorTypeAndShape();
        if (info.ElementDataType != TensorElementType.Float || info.Shape.Length < 2 || info.Shape[0] != 1)
        {
            throw new NotSupportedException(
                $"Feature output '{outputName}' is {info.ElementDataType} [{string.Join(", ", info.Shape)}]; float [1, …] expected.");
        }

        return info.Shape[1..];
    }

    private static int ResolveWidth(long[] mapShape, HeadCut cut)
    {
        if (cut.AlreadyPooled)
        {
            return mapShape.Length == 1
                ? checked((int)mapShape[0])
                : throw new NotSupportedException($"Output '{cut.FeatureOutput}' is [1, {string.Join(", ", mapShape)}]; [N, C] expected.");
        }

        var channels = checked((int)(cut.Layout == TensorLayout.Nchw ? mapShape[0] : mapShape[^1]));
        if (cut.Channels is { } expected && expected != channels)
        {
            throw new InvalidOperationException(
                $"Feature map '{cut.FeatureOutput}' [N, {string.Join(", ", mapShape)}] has {channels} channels on its {cut.Layout} channel axis; the graph implied {expected}.");
        }

        return channels;
    }
}
