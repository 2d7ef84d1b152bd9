using System.Collections.Concurrent;

namespace Pipeline.Worker.Decoding;

/// <summary>
/// Model-input tensors of one fixed length, reused. Sized to what the bounded stages can hold at once, so in steady
/// state no tensor is allocated: at 224² one is 600 KB, a large-object-heap allocation per image otherwise
/// (<c>ArrayPool.Shared</c> keeps only a few arrays of that size per core).
/// </summary>
/// <remarks>
/// <see cref="Prefill"/> allocates the whole cap up front: the worker then holds at its start the memory it holds after
/// hours, so a pod's memory limit that is too small fails at start-up rather than deep into a job.
/// </remarks>
internal sealed class TensorPool(int tensorLength, int retained)
{
    private readonly ConcurrentBag<float[]> _free = [];
    private int _count;

    /// <summary>Allocates tensors until the pool holds its cap (<c>retained</c> × <c>tensorLength</c> floats).</summary>
    public void Prefill()
    {
        while (Interlocked.Increment(ref _count) <= retained)
        {
            _free.Add(GC.AllocateUninitializedArray<float>(tensorLength));
        }

        Interlocked.Decrement(ref _count);
    }

    public float[] Rent()
    {
        if (_free.TryTake(out var tensor))
        {
            Interlocked.Decrement(ref _count);
            return tensor;
        }

        return GC.AllocateUninitializedArray<float>(tensorLength);
    }

    public void Return(float[] tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Length != tensorLength)
        {
            throw new ArgumentException($"tensor of {tensor.Length} floats returned to a pool of {tensorLength}", nameof(tensor));
        }

        // Past the cap (a burst after a reconfiguration, say), let the GC have it rather than grow for ever.
        if (Interlocked.Increment(ref _count) <= retained)
        {
            _free.Add(tensor);
        }
        else
        {
            Interlocked.Decrement(ref _count);
        }
    }
}
