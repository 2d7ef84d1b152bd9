using Pipeline.Common.Inference;

namespace Pipeline.UnitTests.Inference;

/// <summary>
/// Batch buffers on the CPU provider, bound (<c>OrtIoBinding</c>) and not: pinned managed memory, the same vectors as
/// the plain zero-copy run bit for bit, cancellation through ONNX Runtime's terminate flag, and buffers that stay
/// independent of each other when one run fails.
/// </summary>
public sealed class BackboneBatchTests(BundledBackboneFixture fixture) : IClassFixture<BundledBackboneFixture>
{
    private static float[] Images(int seed, int count) => OrtRunner.RandomInput(seed, count * BundledModel.ImageLength);

    private float[] Expected(float[] images, int count)
    {
        var expected = new float[count * BundledModel.Width];
        fixture.Backbone.Embed(images.AsMemory(0, count * BundledModel.ImageLength), count, expected);
        return expected;
    }

    private static float[] Run(BackboneBatch batch, float[] images, int count)
    {
        images.AsSpan(0, count * BundledModel.ImageLength).CopyTo(batch.Inputs);
        var actual = new float[count * BundledModel.Width];
        batch.Run(count, actual, CancellationToken.None);
        return actual;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Run_BoundOrNot_EqualsThePlainRunExactly(bool ioBinding)
    {
        using var backbone = Backbone.Load(BundledModel.Spec(), new BackboneOptions { IntraOpThreads = 2, UseIoBinding = ioBinding });
        using var batch = backbone.CreateBatch(4);
        var images = Images(seed: 31, 4);

        var full = Run(batch, images, 4);
        // A job's last, smaller batch, then full ones again: the binding follows each size.
        var last = Run(batch, images, 1);
        var again = Run(batch, images, 4);

        Assert.Equal(ioBinding, batch.UsesIoBinding);
        Assert.Equal(Expected(images, 4), full);
        Assert.Equal(Expected(images, 1), last);
        Assert.Equal(full, again);
    }

    [Fact]
    public void CreateBatch_OnTheCpu_IsPinnedManagedMemoryAndRunsTakeTurns()
    {
        using var batch = fixture.Backbone.CreateBatch(2);

        Assert.False(batch.IsPageLocked);
        Assert.False(fixture.Backbone.RunsBatchesConcurrently);
        Assert.Equal(2 * BundledModel.ImageLength, batch.Inputs.Length);
    }

    [Fact]
    public void Run_CancelledDuringTheRun_ThrowsOperationCanceledAndTheBufferStaysUsable()
    {
        using var batch = fixture.Backbone.CreateBatch(64);
        var images = Images(seed: 32, 64);
        images.CopyTo(batch.Inputs);
        using var cancel = new CancellationTokenSource();
        // 64 images take far longer than a millisecond: the flag stops ONNX Runtime between two operators.
        cancel.CancelAfter(TimeSpan.FromMilliseconds(1));

        Assert.ThrowsAny<OperationCanceledException>(() => batch.Run(64, new float[64 * BundledModel.Width], cancel.Token));

        Assert.Equal(Expected(images, 2), Run(batch, images, 2));
    }

    [Fact]
    public void Run_OneBufferFails_TheOtherKeepsItsInputsAndVectors()
    {
        using var first = fixture.Backbone.CreateBatch(3);
        using var second = fixture.Backbone.CreateBatch(3);
        var firstImages = Images(seed: 33, 3);
        var secondImages = Images(seed: 34, 3);
        firstImages.CopyTo(first.Inputs);
        secondImages.CopyTo(second.Inputs);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => first.Run(3, new float[3 * BundledModel.Width], cancelled.Token));
        Assert.Throws<ArgumentException>(() => first.Run(3, new float[BundledModel.Width], CancellationToken.None));
        var secondVectors = new float[3 * BundledModel.Width];
        second.Run(3, secondVectors, CancellationToken.None);
        var firstVectors = new float[3 * BundledModel.Width];
        first.Run(3, firstVectors, CancellationToken.None);

        Assert.Equal(Expected(secondImages, 3), secondVectors);
        Assert.Equal(Expected(firstImages, 3), firstVectors);
    }
}
