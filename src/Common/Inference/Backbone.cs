using System.Runtime.InteropServices;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Pipeline.Common.Decoding;
using Pipeline.Common.Inference.Onnx;

namespace Pipeline.Common.Inference;

/// <summary>
/// A pretrained CNN with its classifier cut off (Keras <c>include_top=False</c> plus global pooling):
/// preprocessed image tensors in, L2-normalised embeddings out.
/// </summary>
/// <remarks>Calls to <c>Embed</c> are serialised; ONNX Runtime spreads one batch over <see cref="BackboneOptions.IntraOpThreads"/>.</remarks>
public sealed class Backbone : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly long[] _mapShape;
    private readonly int _mapLength;
    private readonly OrtIoBinding? _binding;
    private readonly Lock _gate = new();
    private readonly bool _onCpu;
    private readonly bool _useIoBinding;
    private float[] _maps = [];

    private Backbone(ModelSpec spec, string weightsSha256, HeadCut cut, LoadedSession loaded, bool useIoBinding)
    {
        _binding = useIoBinding ? loaded.Session.CreateIoBinding() : null;
        _session = loaded.Session;
        _runOptions = loaded.RunOptions;
        _inputNames = [loaded.InputName];
        _outputNames = [loaded.OutputName];
        _mapShape = loaded.MapShape;
        _mapLength = checked((int)loaded.MapShape.Aggregate(1L, (a, b) => a * b));
        ModelId = spec.Id;
        WeightsSha256 = weightsSha256;
        Preprocess = loaded.Preprocess;
        Pooling = spec.Pooling;
        GemP = spec.GemP;
        L2Normalize = spec.L2Normalize;
        PoolingDescription = spec.DescribePooling(
            pooledByModel: cut.AlreadyPooled && cut.Normalization is null, layerNormalized: cut.Normalization is not null);
        Cut = cut;
        Width = loaded.Width;
        ExecutionProvider = loaded.Provider;
        _onCpu = loaded.Provider.StartsWith(LoadedSession.Cpu, StringComparison.Ordinal);
        _useIoBinding = useIoBinding;
    }

    /// <summary>The catalogue or configured model id (lower case), which names its queue and its <c>embeddings_&lt;model&gt;</c> table.</summary>
    public string ModelId { get; }

    /// <summary>
    /// Lower-case hex sha256 of the ONNX file as read from disk (before head removal); for a model with external data,
    /// of the file followed by each external tensor's bytes in model order (<see cref="OnnxFile.WeightsSha256"/>).
    /// </summary>
    public string WeightsSha256 { get; }

    /// <summary>The preprocessing the model is fed with (its layout as the model's input shape showed, unless set explicitly).</summary>
    public PreprocessSpec Preprocess { get; }

    /// <summary>Global pooling applied to the feature map (Keras <c>pooling='avg'</c>/<c>'max'</c>, or GeM with <see cref="GemP"/>).</summary>
    public PoolingMode Pooling { get; }

    /// <summary>The exponent p of generalised-mean pooling (Radenović et al.); 1 is average pooling. Used only by GeM.</summary>
    public float GemP { get; }

    /// <summary>Whether each pooled vector is scaled to unit L2 norm (so cosine distance is 1 − dot product).</summary>
    public bool L2Normalize { get; }

    /// <summary>Stable text stored with every vector, e.g. <c>avg</c> or <c>gem3</c> (see <see cref="ModelSpec.DescribePooling"/>).</summary>
    public string PoolingDescription { get; }

    /// <summary>Name of the model's image input (shape <c>[N, 3, H, W]</c> or <c>[N, H, W, 3]</c>, float32).</summary>
    public string InputName => _inputNames[0];

    /// <summary>Floats per embedding: the feature map's channel count.</summary>
    public int Width { get; }

    /// <summary>Where inference runs: <c>CPU</c>, the configured GPU provider, or <c>CPU (fallback from …)</c>.</summary>
    public string ExecutionProvider { get; }

    /// <summary>What head removal cut, for logs.</summary>
    public HeadCut Cut { get; }

    /// <summary>Reads, verifies and cuts the model, then opens an ONNX Runtime session on the edited graph.</summary>
    /// <exception cref="InvalidDataException">
    /// Hash, input layout/size or width disagree with <paramref name="spec"/>, or the cut gave no features (<see cref="ModelSpec.Headless"/>);
    /// or the file is no ONNX model, or holds an external data reference that leads outside its folder, to a missing file,
    /// past a file's end, or to bytes that fail their checksum.
    /// </exception>
    /// <exception cref="NotSupportedException">No classifier head or image input could be identified.</exception>
    public static Backbone Load(ModelSpec spec, BackboneOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        // Large weights stay on disk (ONNX Runtime reads them from the file itself): only the graph is parsed, edited
        // and serialised again, so loading takes about the model's size once, not three times.
        // A model file that is a link (mounted volumes) is read where it points, and its external data next to the target:
        // ONNX Runtime resolves links too and refuses data outside the folder it was given.
        var target = new FileInfo(spec.Path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? spec.Path;
        var file = OnnxFile.Read(target);
        var sha = file.WeightsSha256;
        if (spec.Sha256 is { } expected && !string.Equals(expected, sha, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"Model '{spec.Id}' at {spec.Path} has sha256 {sha}, expected {expected}.");
        }

        var model = file.Model;
        BatchAxis.MakeDynamic(model.Graph);   // a fixed batch of 1 (CNTK exports) would refuse InferenceBatchSize images
        if (spec.PreprocessingGraph is { } preprocessing)
        {
            PreprocessingGraph.MergeInFront(model, preprocessing, spec.PreprocessingGraphSha256, spec.Id);
        }

        var cut = HeadRemover.Remove(model, spec.Pooling, spec.GemP);
        options ??= BackboneOptions.Default;
        // Pooling always runs in the graph: ONNX Runtime returns [N, C], never the whole feature map.
        var pooled = cut.AlreadyPooled ? cut : PoolingRewriter.PoolOutput(model, cut, spec.Pooling, spec.GemP);
        var loaded = LoadedSession.Open(model.ToByteArray(), DeclaredInput(model, spec), spec with { Path = target }, pooled, options);
        if (spec.ExpectedWidth is { } expectedWidth && expectedWidth != loaded.Width)
        {
            loaded.Session.Dispose();
            loaded.RunOptions.Dispose();
            throw new InvalidDataException(
                $"Model '{spec.Id}' at {spec.Path} gives {loaded.Width}-wide features, but its catalogue entry promises {expectedWidth}: " +
                "pick the right Model:Backbone, or 'custom' for a model outside the catalogue.");
        }

        if (spec.Headless is { } headless && HeadCheck.Problem(cut, loaded.Width, headless, spec.Id) is { } problem)
        {
            loaded.Session.Dispose();
            loaded.RunOptions.Dispose();
            throw new InvalidDataException(problem);
        }

        return new Backbone(spec, sha, cut, loaded, options.UseIoBinding);
    }

    /// <summary>
    /// Embeds one batch without copying it (the worker's only path: ONNX Runtime reads the caller's memory, best
    /// pinned, and writes pooled vectors into a reused buffer): <paramref name="inputs"/> holds <paramref name="count"/> ×
    /// <see cref="PreprocessSpec.TensorLength"/> floats in the model's layout; <paramref name="embeddings"/>
    /// receives <paramref name="count"/> × <see cref="Width"/> unit-length vectors.
    /// </summary>
    public void Embed(ReadOnlyMemory<float> inputs, int count, Span<float> embeddings)
    {
        CheckLengths(inputs.Span, count, embeddings);
        if (count == 0)
        {
            return;
        }

        lock (_gate)
        {
            // ONNX Runtime only reads input tensors.
            Run(MemoryMarshal.AsMemory(inputs), count, embeddings);
        }
    }

    /// <summary>
    /// Runs one full batch of zero images, so ONNX Runtime sizes its memory arena and picks kernels for the batch shape
    /// before real work arrives (the first real batch otherwise pays for it, and with TensorRT builds the engine).
    /// </summary>
    public void WarmUp(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var inputs = new float[batchSize * Preprocess.TensorLength];
        Embed(inputs.AsMemory(), batchSize, new float[batchSize * Width]);
    }

    /// <summary>Whether batches run through an <see cref="OrtIoBinding"/>.</summary>
    public bool UsesIoBinding => _binding is not null;

    /// <summary>
    /// Whether batches of different <see cref="BackboneBatch"/> buffers run at the same time: on a GPU provider (the
    /// copy of one overlaps the compute of another); not on the CPU, where one run already takes every intra-op thread.
    /// </summary>
    public bool RunsBatchesConcurrently => !_onCpu;

    /// <summary>
    /// A batch buffer for <paramref name="capacity"/> images, one per batch in flight (see <see cref="BackboneBatch"/>):
    /// page-locked host memory from ONNX Runtime's <c>CudaPinned</c> allocator on a GPU provider, pinned managed memory
    /// on the CPU (or where the provider has no such allocator).
    /// </summary>
    public BackboneBatch CreateBatch(int capacity)
    {
        if (_onCpu)
        {
            return new BackboneBatch(this, _session, capacity, pageLocked: false, _useIoBinding);
        }

        try
        {
            return new BackboneBatch(this, _session, capacity, pageLocked: true, _useIoBinding);
        }
        catch (OnnxRuntimeException)
        {
            // A provider without a CudaPinned allocator: ordinary pinned memory still works, the copy is just staged.
            return new BackboneBatch(this, _session, capacity, pageLocked: false, _useIoBinding);
        }
    }

    internal void RunBatch(BackboneBatch batch, int count)
    {
        var inputShape = LoadedSession.InputShape(Preprocess, count);
        long[] outputShape = [count, .. _mapShape];
        if (!_onCpu)
        {
            batch.RunOn(_session, _inputNames[0], _outputNames[0], count, inputShape, outputShape);
            return;
        }

        lock (_gate)
        {
            batch.RunOn(_session, _inputNames[0], _outputNames[0], count, inputShape, outputShape);
        }
    }

    /// <summary>Releases the ONNX Runtime session and its native memory.</summary>
    public void Dispose()
    {
        _binding?.Dispose();
        _session.Dispose();
        _runOptions.Dispose();
    }

    private void Run(Memory<float> inputs, int count, Span<float> embeddings)
    {
        var mapsLength = count * _mapLength;
        if (_maps.Length < mapsLength)
        {
            _maps = GC.AllocateUninitializedArray<float>(mapsLength);
        }

        using var input = OrtValue.CreateTensorValueFromMemory(
            OrtMemoryInfo.DefaultInstance, inputs, LoadedSession.InputShape(Preprocess, count));
        using var output = OrtValue.CreateTensorValueFromMemory(
            OrtMemoryInfo.DefaultInstance, _maps.AsMemory(0, mapsLength), [count, .. _mapShape]);
        if (_binding is { } binding)
        {
            // Rebinding per batch: the last batch of a job is smaller, and the buffers may have grown.
            binding.ClearBoundInputs();
            binding.ClearBoundOutputs();
            binding.BindInput(_inputNames[0], input);
            binding.BindOutput(_outputNames[0], output);
            _session.RunWithBinding(_runOptions, binding);
            binding.SynchronizeBoundOutputs();
        }
        else
        {
            _session.Run(_runOptions, _inputNames, [input], _outputNames, [output]);
        }

        // [N, C] already (pooled in the graph); L2 stays here, where it is N × C multiply-adds on the host.
        _maps.AsSpan(0, mapsLength).CopyTo(embeddings);
        if (L2Normalize)
        {
            GlobalPooling.L2NormalizeRows(embeddings, Width);
        }
    }

    // The graph's own declaration (before a session exists), so providers can be set up for it.
    private static ModelInput DeclaredInput(ModelProto model, ModelSpec spec)
    {
        var declared = new GraphIndex(model.Graph).ImageInput;
        var layout = InputLayout.Detect(declared?.Type?.TensorType?.Shape) ?? spec.Preprocess.Layout;
        var size = (long)spec.Preprocess.InputSize;
        return new ModelInput(declared?.Name ?? "input", layout == TensorLayout.Nchw ? [3, size, size] : [size, size, 3]);
    }

    private void CheckLengths(ReadOnlySpan<float> inputs, int count, Span<float> embeddings)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (inputs.Length != count * Preprocess.TensorLength)
        {
            throw new ArgumentException(
                $"Expected {count} × {Preprocess.TensorLength} input floats, got {inputs.Length}.", nameof(inputs));
        }

        if (embeddings.Length != count * Width)
        {
            throw new ArgumentException(
                $"Expected room for {count} × {Width} embedding floats, got {embeddings.Length}.", nameof(embeddings));
        }
    }
}
