using Pipeline.UnitTests.Inference;
using Pipeline.Worker.Inference;

namespace Pipeline.UnitTests.Worker;

/// <summary>Two batches in flight over the bundled model on the CPU provider, as the inference stage runs them.</summary>
public sealed class InFlightBatchesTests(BundledBackboneFixture fixture) : IClassFixture<BundledBackboneFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    private static float[] Image(int seed) => OrtRunner.RandomInput(seed, BundledModel.ImageLength);

    private float[] Expected(float[][] images)
    {
        var expected = new float[images.Length * BundledModel.Width];
        fixture.Backbone.Embed(images.SelectMany(i => i).ToArray().AsMemory(), images.Length, expected);
        return expected;
    }

    private static InferenceBatch Stage(InferenceBatch batch, IEnumerable<float[]> images)
    {
        foreach (var image in images)
        {
            batch.Add(image);
        }

        return batch;
    }

    private static float[] Vectors(InferenceBatch batch) =>
        [.. Enumerable.Range(0, batch.Count).SelectMany(i => batch.Embedding(i).ToArray())];

    [Fact]
    public async Task RentAsync_TwoBuffers_AlternateAndAThirdWaitsForAReturn()
    {
        await using var buffers = new InFlightBatches(new BackboneEmbedder(fixture.Backbone, 2), 2);

        var first = await buffers.RentAsync(CancellationToken.None);
        var second = await buffers.RentAsync(CancellationToken.None);
        var third = buffers.RentAsync(CancellationToken.None).AsTask();
        Assert.False(third.IsCompleted);
        buffers.Return(first);
        var afterReturn = await third.WaitAsync(Patience);
        buffers.Return(second);
        var afterSecond = await buffers.RentAsync(CancellationToken.None);

        Assert.Equal(2, buffers.Count);
        Assert.NotSame(first, second);
        Assert.Same(first, afterReturn);
        Assert.Same(second, afterSecond);
    }

    [Fact]
    public async Task RunAsync_BatchesInFlightAtOnce_GiveTheVectorsOfTheDirectRunExactly()
    {
        var ran = 0;
        await using var buffers = new InFlightBatches(new BackboneEmbedder(fixture.Backbone, 2), 3, _ => Interlocked.Increment(ref ran));
        var batches = Enumerable.Range(0, 4).Select(b => Enumerable.Range(0, 3 - (b % 2)).Select(i => Image((10 * b) + i)).ToArray()).ToArray();

        // Batch k + 1 is staged and started before batch k's vectors are read, as the inference stage does.
        var first = Stage(await buffers.RentAsync(CancellationToken.None), batches[0]);
        var firstRun = buffers.RunAsync(first, CancellationToken.None);
        var second = Stage(await buffers.RentAsync(CancellationToken.None), batches[1]);
        var secondRun = buffers.RunAsync(second, CancellationToken.None);
        await firstRun.WaitAsync(Patience);
        var firstVectors = Vectors(first);
        buffers.Return(first);
        var third = Stage(await buffers.RentAsync(CancellationToken.None), batches[2]);
        var thirdRun = buffers.RunAsync(third, CancellationToken.None);
        await secondRun.WaitAsync(Patience);
        var secondVectors = Vectors(second);
        buffers.Return(second);
        var fourth = Stage(await buffers.RentAsync(CancellationToken.None), batches[3]);
        var fourthRun = buffers.RunAsync(fourth, CancellationToken.None);
        await Task.WhenAll(thirdRun, fourthRun).WaitAsync(Patience);

        Assert.Same(first, third);
        Assert.Same(second, fourth);
        Assert.Equal(Expected(batches[0]), firstVectors);
        Assert.Equal(Expected(batches[1]), secondVectors);
        Assert.Equal(Expected(batches[2]), Vectors(third));
        Assert.Equal(Expected(batches[3]), Vectors(fourth));
        Assert.Equal(4, ran);
    }

    [Fact]
    public async Task RunAsync_OneRunCancelled_TheOtherBufferGivesItsVectorsAndBothStayUsable()
    {
        await using var buffers = new InFlightBatches(new BackboneEmbedder(fixture.Backbone, 2), 2);
        var failing = Stage(await buffers.RentAsync(CancellationToken.None), [Image(1), Image(2)]);
        var other = Stage(await buffers.RentAsync(CancellationToken.None), [Image(3), Image(4)]);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var failed = buffers.RunAsync(failing, cancelled.Token);
        var otherRun = buffers.RunAsync(other, CancellationToken.None);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => failed.WaitAsync(Patience));
        await otherRun.WaitAsync(Patience);
        var otherVectors = Vectors(other);
        buffers.Return(failing);
        buffers.Return(other);
        var reused = Stage(await buffers.RentAsync(CancellationToken.None), [Image(5)]);
        await buffers.RunAsync(reused, CancellationToken.None).WaitAsync(Patience);

        Assert.Same(failing, reused);
        Assert.Equal(Expected([Image(3), Image(4)]), otherVectors);
        Assert.Equal(Expected([Image(5)]), Vectors(reused));
    }

    [Fact]
    public async Task DisposeAsync_WhileARunIsInProgress_WaitsForItsEnd()
    {
        var buffers = new InFlightBatches(new BackboneEmbedder(fixture.Backbone, 2), 32);
        var batch = Stage(await buffers.RentAsync(CancellationToken.None), Enumerable.Range(0, 32).Select(Image));
        var run = buffers.RunAsync(batch, CancellationToken.None);

        await buffers.DisposeAsync().AsTask().WaitAsync(Patience);

        Assert.True(run.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task RentAsync_Cancelled_ThrowsWithoutTakingABuffer()
    {
        await using var buffers = new InFlightBatches(new BackboneEmbedder(fixture.Backbone, 1), 1);
        var only = await buffers.RentAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = buffers.RentAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Patience));
        buffers.Return(only);

        Assert.Same(only, await buffers.RentAsync(CancellationToken.None));
    }
}
