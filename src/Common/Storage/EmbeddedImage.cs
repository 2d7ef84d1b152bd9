namespace Pipeline.Common.Storage;

/// <summary>One finished vector, ready to be stored.</summary>
public sealed record EmbeddedImage(string Uri, string ContentId, float[] Embedding);
