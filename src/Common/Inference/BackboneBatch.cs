using Microsoft.ML.OnnxRuntime;

namespace Pipeline.Common.Inference;

/// <summary>
/// One batch buffer of a <see cref="Backbone"/>, for running several batches in flight: its own pinned host memory for
/// <see cref="Capacity"/> input tensors (page-locked under CUDA, see <see cref="PinnedHostMemory"/>), its own output,
/// its own <see cref="RunOptions"/> (so cancelling one run leaves the others alone) and, with
/// <see cref="BackboneOptions.UseIoBinding"/>, its own <see cref="OrtIoBinding"/>, bound once per batch size rather than
/// per run. Buffers of one backbone run concurrently on a GPU provider (each run gets its own device stream, so the
/// host → device copy of one batch overlaps the compute of another) and one at a time on the CPU, where one run
/// already uses every intra-op thread.
/// </summary>
/// <remarks>One caller at a time per buffer: fill <see cref="Inputs"/>, <see cref="Run"/>, read the vectors.</remarks>
public sealed class BackboneBatch : IDisposable
{
    private readonly Backbone _backbone;
    private readonly PinnedHostMemory _inputs;
    private readonly PinnedHostMemory _outputs;
    private readonly RunOptions _runOptions = new();
    private readonly OrtIoBinding? _binding;
    private int _boundCount;
    private OrtValue? _boundInput;
    private OrtValue? _boundOutput;
    private int _running;

    internal BackboneBatch(Backbone backbone, InferenceSession session, int capacity, bool pageLocked, bool useIoBinding)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _backbone = backbone;
        Capacity = capacity;
        try
        {
            _inputs = PinnedHostMemory.Allocate(session, checked(capacity * backbone.Preprocess.TensorLength), pageLocked);
            _outputs = PinnedHostMemory.Allocate(session, checked(capacity * backbone.Width), pageLocked);
            _binding = useIoBinding ? session.CreateIoBinding() : null;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Images the buffer holds.</summary>
    public int Capacity { get; }

    /// <summary>Whether the input memory is page-locked (ONNX Runtime's <c>CudaPinned</c> allocator, GPU providers only).</summary>
    public bool IsPageLocked => _inputs.IsPageLocked;

    /// <summary>Whether runs go through an <see cref="OrtIoBinding"/>.</summary>
    public bool UsesIoBinding => _binding is not null;

    /// <summary>
    /// <see cref="Capacity"/> × <see cref="Decoding.PreprocessSpec.TensorLength"/> floats in the model's layout: the caller
    /// writes tensor i at i × TensorLength, then calls <see cref="Run"/>.
    /// </summary>
    public Span<float> Inputs => _inputs.Span;

    /// <summary>
    /// Runs the first <paramref name="count"/> tensors of <see cref="Inputs"/> and writes their pooled, L2-normalised
    /// vectors (<paramref name="count"/> × <see cref="Backbone.Width"/> floats) into <paramref name="embeddings"/>.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired; ONNX Runtime stopped the run.</exception>
    /// <exception cref="InvalidOperationException">The buffer is already running (one caller at a time).</exception>
    public void Run(int count, Span<float> embeddings, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Capacity);
        if (embeddings.Length != count * _backbone.Width)
        {
            throw new ArgumentException($"Expected room for {count} × {_backbone.Width} embedding floats, got {embeddings.Length}.", nameof(embeddings));
        }

        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException("This batch buffer is running already.");
        }

        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            _runOptions.Terminate = false;
            // ONNX Runtime polls the flag between operators; the run then throws, and the buffer stays usable.
            using (cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, _runOptions))
            {
                try
                {
                    _backbone.RunBatch(this, count);
                }
                catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException("The inference run was cancelled.", cancellationToken);
                }
            }

            _outputs.Span[..(count * _backbone.Width)].CopyTo(embeddings);
            if (_backbone.L2Normalize)
            {
                GlobalPooling.L2NormalizeRows(embeddings, _backbone.Width);
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    // Called by the backbone, under its gate on the CPU.
    internal void RunOn(InferenceSession session, string inputName, string outputName, int count, long[] inputShape, long[] outputShape)
    {
        if (_binding is null)
        {
            using var input = _inputs.Tensor(inputShape);
            using var output = _outputs.Tensor(outputShape);
            session.Run(_runOptions, [inputName], [input], [outputName], [output]);
            return;
        }

        if (_boundCount != count)
        {
            // Bound once per batch size: a job's last batch is smaller, then full batches follow again.
            _binding.ClearBoundInputs();
            _binding.ClearBoundOutputs();
            _boundInput?.Dispose();
            _boundOutput?.Dispose();
            _boundInput = _inputs.Tensor(inputShape);
            _boundOutput = _outputs.Tensor(outputShape);
            _binding.BindInput(inputName, _boundInput);
            _binding.BindOutput(outputName, _boundOutput);
            _boundCount = count;
        }

        // The caller wrote the inputs on the host just now: make them visible to the device before the run reads them.
        _binding.SynchronizeBoundInputs();
        session.RunWithBinding(_runOptions, _binding);
        _binding.SynchronizeBoundOutputs();
    }

    /// <summary>Frees the buffers; never while <see cref="Run"/> is in progress (the owner waits for its runs first).</summary>
    public void Dispose()
    {
        _binding?.Dispose();
        _boundInput?.Dispose();
        _boundOutput?.Dispose();
        _inputs?.Dispose();
        _outputs?.Dispose();
        _runOptions.Dispose();
    }
}
