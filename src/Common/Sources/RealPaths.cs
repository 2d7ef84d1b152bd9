using Microsoft.Win32.SafeHandles;

namespace Pipeline.Common.Sources;

/// <summary>Real paths (symbolic links resolved), so a link inside an allowed root cannot lead out of it.</summary>
internal static class RealPaths
{
    // Linux gives up after 40 links too (ELOOP).
    private const int MaxLinks = 40;

    /// <summary>
    /// The path of the file an open handle reads, from <c>/proc/self/fd</c>: no window between check and use.
    /// Null where there is no <c>/proc</c>.
    /// </summary>
    public static string? OfHandle(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        try
        {
            return new FileInfo($"/proc/self/fd/{handle.DangerousGetHandle()}").LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Resolves every link along <paramref name="path"/>; components that do not exist are kept as written.</summary>
    /// <exception cref="IOException">More than 40 links.</exception>
    public static string Resolve(string path) => Resolve(path, 0);

    private static string Resolve(string path, int links)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var root = Path.GetPathRoot(full) ?? string.Empty;
        var current = root;
        foreach (var segment in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, segment);
            var target = LinkTarget(next);
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks)
            {
                throw new IOException($"too many levels of symbolic links in {path}");
            }
            // 'current' is real already, so a relative target's '..' can be resolved lexically.
            current = Resolve(Path.Combine(current, target), links);
        }
        return current;
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
