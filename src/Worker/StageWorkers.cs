using System.Threading.Channels;

namespace Pipeline.Worker;

/// <summary>Runs one stage's loop on several workers; when all are done, the next stage learns no more input comes.</summary>
internal static class StageWorkers
{
    public static async Task RunAsync<T>(int workers, Func<CancellationToken, Task> loop, ChannelWriter<T> next, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(() => loop(cancellationToken), cancellationToken)))
                .ConfigureAwait(false);
        }
        finally
        {
            next.TryComplete();
        }
    }
}
