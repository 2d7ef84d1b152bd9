namespace Pipeline.Scheduler.Serving.Pages;

/// <summary>One stored image near a query: its row id in <c>embeddings_&lt;model&gt;</c>, URI (as stored) and cosine distance (0 to 2).</summary>
internal sealed record SearchHit(long Id, string Uri, double Distance);
