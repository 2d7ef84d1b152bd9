namespace Pipeline.Common.Sources;

/// <summary>
/// Every image file under a folder, recursively, in a stable order: a folder's files by ordinal name,
/// then its sub-folders the same way. Identity is <c>stat:size:mtime</c>; file contents are never read.
/// </summary>
/// <remarks>
/// Hidden entries (dot-files such as macOS <c>._photo.jpg</c>, dot-folders) and unreadable folders are
/// skipped; symbolic links to folders are not followed (no cycles), links to files are listed, and so is every
/// other entry with an image extension that is not a folder (FIFO, socket, broken link): the worker refuses it
/// without opening it and records why.
/// Only one folder's entries are held in memory at a time.
/// </remarks>
public sealed class FolderImageSource : IImageSource
{
    private static readonly EnumerationOptions Entries = new()
    {
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
        RecurseSubdirectories = false,
    };

    public FolderImageSource(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
    }

    /// <summary>The absolute folder path.</summary>
    public string Root { get; }

    public string Description => "folder:" + Root;

    /// <exception cref="DirectoryNotFoundException">The root folder does not exist (thrown on first iteration).</exception>
    public IAsyncEnumerable<ImageRef> EnumerateAsync(CancellationToken cancellationToken) =>
        Enumerate(cancellationToken).ToAsyncEnumerable();

    private IEnumerable<ImageRef> Enumerate(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Root))
        {
            throw new DirectoryNotFoundException($"image folder not found: {Root}");
        }
        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(Root));
        while (pending.TryPop(out var folder))
        {
            cancellationToken.ThrowIfCancellationRequested();
            List<FileInfo> files = [];
            List<DirectoryInfo> folders = [];
            foreach (var entry in folder.EnumerateFileSystemInfos("*", Entries))
            {
                switch (entry)
                {
                    case FileInfo file when ImageExtensions.IsImage(file.Name):
                        files.Add(file);
                        break;
                    case DirectoryInfo sub when !sub.Attributes.HasFlag(FileAttributes.ReparsePoint):
                        folders.Add(sub);
                        break;
                }
            }

            files.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            foreach (var file in files)
            {
                // Listed even when it cannot be stat'ed (a link loop, a dangling link): the worker records why it failed.
                yield return new ImageRef(ImageUri.FromLocalPath(file.FullName).Value, TryStat(file));
            }

            // Pushed in reverse so the stack pops them in ascending order.
            folders.Sort(static (a, b) => string.CompareOrdinal(b.Name, a.Name));
            foreach (var sub in folders)
            {
                pending.Push(sub);
            }
        }
    }

    private static string? TryStat(FileInfo file)
    {
        try
        {
            return ContentIds.ForFileStat(file.Length, file.LastWriteTimeUtc);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // gone since the folder was listed, a link loop or a dangling link: no identity to compare
        }
    }
}
