namespace Pipeline.Common.Sources;

/// <summary>Which store an <see cref="ImageUri"/> names, hence which fetcher reads it.</summary>
public enum ImageUriKind
{
    /// <summary>A local file: <c>file:///abs/path</c>.</summary>
    File,
    /// <summary>An Azure Blob (public cloud account host or a configured endpoint such as Azurite).</summary>
    Blob,
    /// <summary>Any other <c>http(s)://</c> resource.</summary>
    Http,
}
