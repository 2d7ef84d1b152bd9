using Microsoft.Extensions.Hosting;
using Pipeline.Common.Storage;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>
/// A job whose batches the test commits itself, for the <c>status</c> tests: the schema, a registered 4-dimension model and a
/// job row already marked enqueued, so <c>status --wait</c> follows it as it would follow a worker's commits.
/// </summary>
internal sealed class ManualJob(Guid jobId, ModelIdentity model, PipelineDataSource dataSource)
{
    public Guid JobId { get; } = jobId;

    public ModelIdentity Model { get; } = model;

    public PipelineDataSource DataSource { get; } = dataSource;

    /// <summary>Creates the job of <paramref name="total"/> images in <paramref name="batches"/> messages through the scheduler's services.</summary>
    public static async Task<ManualJob> CreateAsync(IHost scheduler, string modelId, int total, int batches)
    {
        var dataSource = scheduler.Get<PipelineDataSource>();
        await SchemaMigrator.EnsureAsync(dataSource, CancellationToken.None);
        var model = new ModelIdentity(modelId, new string('a', 64), "torch;short256;crop224;nchw", "avg", 4);
        await ModelRegistry.EnsureAsync(dataSource, model, CancellationToken.None);
        var jobs = scheduler.Get<JobStore>();
        var jobId = Guid.CreateVersion7();
        await jobs.CreateAsync(jobId, modelId, "test", force: false, CancellationToken.None);
        await jobs.MarkEnqueuedAsync(jobId, total, skippedAtEnqueue: 0, batches, CancellationToken.None);
        return new ManualJob(jobId, model, dataSource);
    }

    /// <summary>Message <paramref name="batchNo"/> with one vector per name, URIs <c>file:///{folder}/{name}.jpg</c>.</summary>
    public BatchOutcome Batch(int batchNo, string folder, params string[] names) =>
        new(JobId, batchNo, [.. names.Select(n => new EmbeddedImage($"file:///{folder}/{n}.jpg", "stat:1:1", [1f, 0f, 0f, 0f]))], 0, []);

    public EmbeddingWriter Writer() => new(DataSource, Model);
}
