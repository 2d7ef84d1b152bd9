using Pipeline.Common.Storage;

namespace Pipeline.Scheduler.Serving.Pages;

/// <summary>A row of the <c>models</c> table with what the pages show about its vectors.</summary>
/// <param name="Rows">Stored vectors (exact below a million, else the planner's estimate); <see cref="NotReadable"/> when this role may not read the table.</param>
/// <param name="HasIndex">Whether the HNSW index exists (built when the model's first job completes).</param>
internal sealed record RegisteredModel(ModelIdentity Identity, long Rows, bool HasIndex, DateTimeOffset CreatedAt)
{
    public const long NotReadable = -1;

    public bool IsReadable => Rows != NotReadable;
}
