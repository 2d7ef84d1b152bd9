using Pipeline.Common.Inference;

namespace Pipeline.UnitTests.Inference;

/// <summary>One session on the bundled model shared by a test class: loading it costs a few hundred ms.</summary>
public sealed class BundledBackboneFixture : IDisposable
{
    public Backbone Backbone { get; } = Backbone.Load(BundledModel.Spec(), new BackboneOptions { IntraOpThreads = 2 });

    public void Dispose() => Backbone.Dispose();
}
