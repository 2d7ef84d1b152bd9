using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Pipeline.Common.Decoding;
using Pipeline.Common.Inference;
using Pipeline.Common.Inference.ModelFiles;
using Pipeline.Common.Storage;

namespace Pipeline.Scheduler.Serving;

/// <summary>
/// Embeds uploaded query images with the configured model (<c>PIPELINE_Model__*</c>, as the worker does): the model is
/// loaded once, into <see cref="ServeOptions.Sessions"/> ONNX Runtime sessions rented one per request.
/// </summary>
internal sealed class UploadEmbedder(
    ModelFileCache modelFiles, ImagePreprocessor preprocessor, IOptions<ModelOptions> modelOptions, IOptions<ServeOptions> serveOptions)
    : IAsyncDisposable
{
    private readonly Channel<Backbone> _idle = Channel.CreateUnbounded<Backbone>();
    private readonly List<Backbone> _all = [];
    private readonly SemaphoreSlim _loading = new(1, 1);
    private Exception? _loadFailure;

    /// <summary>The model id uploads are embedded with.</summary>
    public string ModelId => modelOptions.Value.Id;

    /// <summary>Loads the sessions (once; later calls return at once). A model that cannot load leaves uploads refused, searches of stored images work.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_all.Count > 0 || _loadFailure is not null)
            {
                return;
            }

            try
            {
                var spec = modelOptions.Value.ToSpec();
                var file = await modelFiles.ResolveAsync(spec, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < serveOptions.Value.Sessions; i++)
                {
                    var backbone = Backbone.Load(file);
                    _all.Add(backbone);
                    _idle.Writer.TryWrite(backbone);
                }
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or NotSupportedException or UnauthorizedAccessException
                                           or Microsoft.ML.OnnxRuntime.OnnxRuntimeException or HttpRequestException)
            {
                _loadFailure = ex;
            }
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>Embeds encoded image bytes; the result is comparable with <paramref name="registered"/>'s vectors.</summary>
    /// <exception cref="InvalidOperationException">The model could not load, or differs from what is registered under its id.</exception>
    /// <exception cref="Common.ImageFailureException">The bytes are not a decodable image.</exception>
    public async Task<float[]> EmbedAsync(ReadOnlyMemory<byte> image, ModelIdentity registered, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registered);
        if (registered.ModelId != ModelId)
        {
            throw new InvalidOperationException(
                $"uploads are embedded with model '{ModelId}' (PIPELINE_Model__Id of this server); pick an indexed image to search '{registered.ModelId}'");
        }

        await LoadAsync(cancellationToken).ConfigureAwait(false);
        if (_loadFailure is { } failure)
        {
            throw new InvalidOperationException($"model '{ModelId}' could not be loaded: {failure.Message}", failure);
        }

        var backbone = await _idle.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!ModelIdentity.Of(backbone, registered.Precision).IsCompatibleWith(registered))
            {
                throw new InvalidOperationException(
                    $"model '{ModelId}' was indexed with other weights, preprocessing or pooling than this server loaded; query vectors would not be comparable");
            }

            var tensor = new float[backbone.Preprocess.TensorLength];
            preprocessor.DecodeInto(image.Span, backbone.Preprocess, tensor);
            var embedding = new float[backbone.Width];
            // Inference is CPU-bound: off the request thread's synchronisation context, on the pool.
            await Task.Run(() => backbone.Embed(tensor, 1, embedding), cancellationToken).ConfigureAwait(false);
            return embedding;
        }
        finally
        {
            _idle.Writer.TryWrite(backbone);
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var backbone in _all)
        {
            backbone.Dispose();
        }

        _loading.Dispose();
        return ValueTask.CompletedTask;
    }
}
