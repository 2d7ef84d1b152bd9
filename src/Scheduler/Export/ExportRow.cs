namespace Pipeline.Scheduler.Export;

/// <summary>One exported row; <see cref="Embedding"/> is the model's width long (float32 whatever the column type).</summary>
internal readonly record struct ExportRow(string Uri, string ContentId, Guid JobId, DateTime CreatedAtUtc, float[] Embedding);
