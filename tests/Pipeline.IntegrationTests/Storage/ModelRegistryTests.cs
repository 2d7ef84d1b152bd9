using Pipeline.Common.Storage;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.Storage;

public sealed class ModelRegistryTests(StorageFixture fixture) : IClassFixture<StorageFixture>
{
    [Fact]
    public async Task Ensure_ManyModelsAtOnce_RegistersEveryOneWithoutDeadlock()
    {
        var models = Enumerable.Range(0, 12)
            .Select(i => new ModelIdentity(ServiceEndpoints.NewModelId("reg"), new string('f', 64), "tf;squash224;nhwc", "avg", 100 + i))
            .ToList();

        await Task.WhenAll(models.Select(m => Task.Run(() => ModelRegistry.EnsureAsync(fixture.DataSource, m, CancellationToken.None))));

        foreach (var model in models)
        {
            var registered = await ModelRegistry.FindAsync(fixture.DataSource, model.ModelId, CancellationToken.None);
            Assert.NotNull(registered);
            Assert.True(registered.IsCompatibleWith(model));
        }
    }
}
