using Microsoft.ML.OnnxRuntime;

namespace Pipeline.Common.Inference;

/// <summary>
/// Host memory for one batch's tensors that ONNX Runtime reads or writes in place. Under a CUDA provider it is
/// page-locked memory from ONNX Runtime's own <c>CudaPinned</c> allocator, which the device copies with DMA
/// (asynchronously, without a staging copy); otherwise an ordinary pinned managed array, which the GC does not move
/// but the OS may page (<see cref="GC.AllocateUninitializedArray{T}(int, bool)"/> is not page-locked).
/// </summary>
internal sealed class PinnedHostMemory : IDisposable
{
    private readonly float[]? _array;
    private readonly OrtAllocator? _allocator;
    private readonly OrtValue? _allocation;
    private readonly IntPtr _pointer;

    private PinnedHostMemory(int length, float[]? array, OrtAllocator? allocator, OrtValue? allocation, OrtMemoryInfo info)
    {
        Length = length;
        _array = array;
        _allocator = allocator;
        _allocation = allocation;
        Info = info;
        if (allocation is not null)
        {
            unsafe
            {
                // Native memory that never moves: its address is kept to view it under other shapes.
                fixed (float* start = allocation.GetTensorMutableDataAsSpan<float>())
                {
                    _pointer = (IntPtr)start;
                }
            }
        }
    }

    /// <summary>Floats held.</summary>
    public int Length { get; }

    /// <summary>Whether the memory is page-locked (ONNX Runtime's <c>CudaPinned</c> allocator).</summary>
    public bool IsPageLocked => _allocation is not null;

    /// <summary>What ONNX Runtime is told the memory is: <c>CudaPinned</c> or the CPU.</summary>
    public OrtMemoryInfo Info { get; }

    public unsafe Span<float> Span => _allocation is not null
        ? new Span<float>((void*)_pointer, Length)
        : _array.AsSpan();

    /// <summary>Page-locked through <paramref name="session"/>'s <c>CudaPinned</c> allocator when <paramref name="pageLocked"/>, else a pinned array.</summary>
    /// <exception cref="OnnxRuntimeException">The session has no <c>CudaPinned</c> allocator (no CUDA provider).</exception>
    public static PinnedHostMemory Allocate(InferenceSession session, int length, bool pageLocked)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        if (!pageLocked)
        {
            // Pinned: ONNX Runtime keeps a pointer to it for the whole run, and the GC must not move it meanwhile.
            return new PinnedHostMemory(length, GC.AllocateArray<float>(length, pinned: true), null, null, OrtMemoryInfo.DefaultInstance);
        }

        var info = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA_PINNED, OrtAllocatorType.DeviceAllocator, 0, OrtMemType.CpuOutput);
        OrtAllocator? allocator = null;
        try
        {
            allocator = new OrtAllocator(session, info);
            var allocation = OrtValue.CreateAllocatedTensorValue(allocator, Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float, [length]);
            return new PinnedHostMemory(length, null, allocator, allocation, info);
        }
        catch
        {
            allocator?.Dispose();
            info.Dispose();
            throw;
        }
    }

    /// <summary>An <see cref="OrtValue"/> over the first <paramref name="shape"/>-many floats (no copy).</summary>
    public OrtValue Tensor(long[] shape)
    {
        var floats = shape.Aggregate(1L, (a, b) => a * b);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(floats, Length);
        return _allocation is not null
            ? OrtValue.CreateTensorValueWithData(Info, Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float, shape, _pointer, floats * sizeof(float))
            : OrtValue.CreateTensorValueFromMemory(Info, _array.AsMemory(0, (int)floats), shape);
    }

    public void Dispose()
    {
        _allocation?.Dispose();
        _allocator?.Dispose();
        if (_allocation is not null)
        {
            Info.Dispose();
        }
    }
}
