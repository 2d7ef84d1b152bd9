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
}
