using Pipeline.Worker.Decoding;

namespace Pipeline.UnitTests.Worker;

public sealed class TensorPoolTests
{
    [Fact]
    public void Rent_AfterReturn_ReusesTheSameTensor()
    {
        var pool = new TensorPool(12, retained: 4);
        var first = pool.Rent();

        pool.Return(first);

        Assert.Same(first, pool.Rent());
    }

    [Fact]
    public void Rent_EmptyPool_GivesATensorOfTheModelsLength() =>
        Assert.Equal(12, new TensorPool(12, retained: 4).Rent().Length);

    [Fact]
    public void Return_PastTheCap_KeepsOnlyTheCap()
    {
        var pool = new TensorPool(3, retained: 2);
        var tensors = Enumerable.Range(0, 5).Select(_ => pool.Rent()).ToList();

        tensors.ForEach(pool.Return);
        var reused = Enumerable.Range(0, 5).Select(_ => pool.Rent()).Count(t => tensors.Contains(t));

        Assert.Equal(2, reused);
    }

    [Fact]
    public void Return_TensorOfAnotherLength_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new TensorPool(12, retained: 4).Return(new float[13]));

    [Fact]
    public void Rent_AfterPrefill_AllocatesNothingUpToTheCap()
    {
        var pool = new TensorPool(50_000, retained: 8);
        pool.Prefill();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var tensors = Enumerable.Range(0, 8).Select(_ => pool.Rent()).ToArray();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The array of eight references and the LINQ iterator only; one more tensor alone would be 200,000 bytes.
        Assert.True(allocated < 10_000, $"{allocated} bytes allocated");
        Assert.Equal(8, tensors.Distinct().Count());
        Assert.True(pool.Rent() is { Length: 50_000 } extra && !tensors.Contains(extra));
    }

    [Fact]
    public void Prefill_Twice_StaysAtTheCap()
    {
        var pool = new TensorPool(3, retained: 2);
        pool.Prefill();
        pool.Prefill();

        var before = GC.GetAllocatedBytesForCurrentThread();
        pool.Rent();
        pool.Rent();
        var firstTwo = GC.GetAllocatedBytesForCurrentThread() - before;
        pool.Rent();

        Assert.Equal(0, firstTwo);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before > 0);
    }
}
