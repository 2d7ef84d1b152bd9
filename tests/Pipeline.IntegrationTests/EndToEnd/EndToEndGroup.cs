namespace Pipeline.IntegrationTests.EndToEnd;

[CollectionDefinition(Name)]
public sealed class EndToEndGroup : ICollectionFixture<EndToEndFixture>
{
    public const string Name = "end-to-end";
}
