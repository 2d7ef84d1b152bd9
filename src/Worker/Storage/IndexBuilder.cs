using System.Diagnostics;
using Npgsql;
using Pipeline.Common.Storage;

namespace Pipeline.Worker.Storage;

/// <summary>
/// The worker's automatic HNSW index build (<see cref="EmbeddingIndex"/>), in the background so commits go on: when a
/// job of the model completes, and at start-up when the model has a completed job but no valid index (a build that a
/// SIGTERM cancelled, or that never ran). One build at a time per worker; across workers the advisory lock picks one.
/// Off with <see cref="IndexOptions.AutoBuild"/> = false (then <c>pipeline index</c> builds it).
/// </summary>
internal sealed class IndexBuilder(PipelineDataSource dataSource, string modelId, IndexOptions options, ILogger logger)
{
    private readonly Lock _gate = new();
    private Task _current = Task.CompletedTask;

    /// <summary>At start-up: builds when a job of the model has completed and the index is missing or INVALID.</summary>
    public async Task RequestIfDueAsync(CancellationToken cancellationToken)
    {
        if (!options.AutoBuild)
        {
            return;
        }

        try
        {
            await using var connection = await dataSource.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM jobs WHERE model_id = $1 AND state = 'completed')", connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = modelId });
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true
                && await EmbeddingIndex.IsValidAsync(connection, ModelIdentity.TableFor(modelId) + EmbeddingIndex.Suffix, cancellationToken).ConfigureAwait(false) != true)
            {
                Request(cancellationToken);
            }
        }
        catch (NpgsqlException ex)
        {
            // Not worth a failed start: the next completed job asks again.
            Log.IndexFailed(logger, ex);
        }
    }

    /// <summary>Starts a build unless one is running (it covers this request too).</summary>
    public void Request(CancellationToken cancellationToken)
    {
        if (!options.AutoBuild)
        {
            return;
        }

        lock (_gate)
        {
            if (_current.IsCompleted)
            {
                _current = Task.Run(() => BuildAsync(cancellationToken), CancellationToken.None);
            }
        }
    }

    /// <summary>The running build, if any; cancelled through the token it was requested with (the drain deadline).</summary>
    public Task WhenIdleAsync()
    {
        lock (_gate)
        {
            return _current;
        }
    }

    private async Task BuildAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var outcome = await EmbeddingIndex.EnsureAsync(
                dataSource, modelId, options, rebuild: false, waitForLock: false,
                new IndexProgressSteps(p => Log.IndexProgress(logger, p.Describe())), cancellationToken).ConfigureAwait(false);
            Log.IndexEnsured(logger, outcome, Stopwatch.GetElapsedTime(started));
        }
        catch (NpgsqlException ex)
        {
            Log.IndexFailed(logger, ex);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the INVALID index left behind is rebuilt by the next worker or by `pipeline index`.
            Log.IndexCancelled(logger);
        }
    }
}
