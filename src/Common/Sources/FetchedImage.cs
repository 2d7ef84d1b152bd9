namespace Pipeline.Common.Sources;

/// <summary>The bytes of one image and the content identity observed while fetching them.</summary>
public sealed record FetchedImage(string Uri, string ContentId, ReadOnlyMemory<byte> Data);
