using Microsoft.Extensions.Options;
using Pipeline.Common.Inference;
using Pipeline.Common.Inference.ModelFiles;
using Pipeline.Common.Storage;

namespace Pipeline.Scheduler.Search;

/// <summary>Nearest stored images to a query image, refusing when the stored vectors came from other weights.</summary>
internal sealed class Searcher(
    PipelineDataSource dataSource, QueryEmbedder embedder, ModelFileCache modelFiles, IOptions<ModelOptions> modelOptions)
{
    public async Task<IReadOnlyList<Neighbour>> SearchAsync(string image, int top, CancellationToken cancellationToken)
    {
        var spec = modelOptions.Value.ToSpec();
        var registered = await ModelRegistry.FindAsync(dataSource, spec.Id, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"nothing is indexed for model '{spec.Id}' yet: run a job first");
        using var backbone = Backbone.Load(await modelFiles.ResolveAsync(spec, cancellationToken).ConfigureAwait(false));
        if (!ModelIdentity.Of(backbone, registered.Precision).IsCompatibleWith(registered))
        {
            throw new InvalidOperationException(
                $"model '{spec.Id}' was indexed with other weights, preprocessing or pooling than configured here; query vectors would not be comparable");
        }

        var query = await embedder.EmbedAsync(backbone, image, cancellationToken).ConfigureAwait(false);
        return await NeighbourSearch.SearchAsync(dataSource, registered, query, top, cancellationToken).ConfigureAwait(false);
    }
}
