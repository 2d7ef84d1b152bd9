using Pipeline.UnitTests.Inference;
using Pipeline.Worker.Inference;

namespace Pipeline.UnitTests.Worker;

public sealed class InferenceBatchTests(BundledBackboneFixture fixture) : IClassFixture<BundledBackboneFixture>
{
    [Fact]
    public void Run_StagedTensors_GivesTheVectorsOfOneDirectBatch()
    {
        var images = Enumerable.Range(0, 3).Select(seed => OrtRunner.RandomInput(seed, BundledModel.ImageLength)).ToArray();
        var expected = new float[3 * BundledModel.Width];
        fixture.Backbone.Embed(images.SelectMany(i => i).ToArray().AsMemory(), 3, expected);

        using var batch = new InferenceBatch(new BackboneEmbedder(fixture.Backbone, 1), 4);
        batch.Add(new float[BundledModel.ImageLength]);
        batch.Run(CancellationToken.None);
        batch.Clear();
        foreach (var image in images)
        {
            batch.Add(image);
        }

        batch.Run(CancellationToken.None);

        Assert.Equal(3, batch.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(expected.AsSpan(i * BundledModel.Width, BundledModel.Width).ToArray(), batch.Embedding(i).ToArray());
        }
    }

    [Fact]
    public void Add_BeyondCapacity_Throws()
    {
        using var batch = new InferenceBatch(new BackboneEmbedder(fixture.Backbone, 1), 1);
        batch.Add(new float[BundledModel.ImageLength]);

        Assert.Throws<InvalidOperationException>(() => batch.Add(new float[BundledModel.ImageLength]));
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.Embedding(1));
    }
}
