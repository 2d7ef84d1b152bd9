namespace Pipeline.Scheduler.Serving;

/// <summary>A JPEG thumbnail, or why the image could not be shown (then <see cref="Jpeg"/> is empty).</summary>
internal sealed record Thumbnail(byte[] Jpeg, string? Problem);
