using Pipeline.Common;
using Pipeline.Common.Sources;
using Pipeline.Worker.Observability;

namespace Pipeline.Worker.Fetching;

/// <summary>Fetches image bytes concurrently (I/O bound) and skips images whose content is already stored.</summary>
internal sealed class FetchStage(
    IImageFetcher fetcher, StageChannels channels, IBatchSink sink, WorkerMetrics metrics, ILogger logger)
{
    public Task RunAsync(int concurrency, CancellationToken cancellationToken) =>
        StageWorkers.RunAsync(concurrency, FetchLoopAsync, channels.Decode.Writer, cancellationToken);

    private async Task FetchLoopAsync(CancellationToken cancellationToken)
    {
        await foreach (var item in channels.Fetch.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            using var scope = LogScopes.Message(logger, item.Message.Message);
            if (item.Message.IsAbandoned)
            {
                continue;
            }

            FetchedImage image;
            try
            {
                image = await metrics.TimeAsync(WorkerStage.Fetch, () => fetcher.FetchAsync(item.Image.Uri, cancellationToken)).ConfigureAwait(false);
            }
            catch (ImageFailureException ex)
            {
                await Outcomes.FailAsync(channels, logger, item, ex, cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (ImageSourceUnavailableException ex)
            {
                // Positively an outage of a shared dependency (blob service down, throttled past retries): another attempt may have it.
                // Abandoned once: its other images are dropped wherever they are, and it is returned once.
                if (item.Message.Abandon())
                {
                    Log.MessageReturned(logger, ex, item.Message.Message.JobId, item.Message.Message.BatchNo, ex.Message);
                    await sink.RetryLaterAsync(item.Message, ex.Message, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Nobody classified it, so it is this image's failure: one odd item never sinks its message.
                await Outcomes.FailAsync(channels, logger, item, Outcomes.Unexpected("fetching", ex), cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (item.Message.IsUpToDate(item.Image.Uri, image.ContentId))
            {
                image.Release();
                await Outcomes.CompleteAsync(channels, item, ItemOutcome.Skipped, cancellationToken).ConfigureAwait(false);
                continue;
            }

            await channels.Decode.Writer.WriteAsync(new FetchedWork(item, image), cancellationToken).ConfigureAwait(false);
        }
    }
}
