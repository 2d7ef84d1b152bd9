namespace Pipeline.Common.Storage;

/// <summary>One search hit: a stored URI and its cosine distance to the query (0 = same direction).</summary>
public sealed record Neighbour(string Uri, double Distance);
