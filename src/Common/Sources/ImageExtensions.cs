namespace Pipeline.Common.Sources;

/// <summary>The file-name extensions listings treat as images (case-insensitive).</summary>
public static class ImageExtensions
{
    private static readonly HashSet<string> Known = new(
        [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>Every extension counted as an image (lower case, with the dot).</summary>
    public static IReadOnlyCollection<string> All => Known;

    /// <summary>Whether a path or blob name ends in an image extension.</summary>
    public static bool IsImage(string name) => Known.Contains(Path.GetExtension(name));
}
