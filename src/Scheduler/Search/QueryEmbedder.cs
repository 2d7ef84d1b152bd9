using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.Common.Sources;

namespace Pipeline.Scheduler.Search;

/// <summary>Embeds one query image in-process with exactly the worker's model and preprocessing.</summary>
internal sealed class QueryEmbedder(IImageFetcher fetcher, ImagePreprocessor preprocessor)
{
    public async Task<float[]> EmbedAsync(Backbone backbone, string uri, CancellationToken cancellationToken)
    {
        var image = await fetcher.FetchAsync(uri, cancellationToken).ConfigureAwait(false);
        var tensor = new float[backbone.Preprocess.TensorLength];
        preprocessor.DecodeInto(image.Data.Span, backbone.Preprocess, tensor);
        var embedding = new float[backbone.Width];
        backbone.Embed(tensor, 1, embedding);
        return embedding;
    }
}
