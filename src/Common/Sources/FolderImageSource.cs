using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

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
/// Only one folder's entries are held in memory at a time. URIs are <see cref="FileUris.Format"/>'s canonical form.
/// Names that are not valid UTF-8 (e.g. Latin-1 from an old archive) cannot be named by .NET, which decodes them
/// with U+FFFD: such entries would be unreadable, or alias another file, so they are skipped with a warning that
/// counts them (rename them to UTF-8, e.g. with <c>convmv</c>, to index them).
/// </remarks>
public sealed class FolderImageSource : IImageSource
{
    private const string Replacement = "\uFFFD";

    private static readonly EnumerationOptions Entries = new()
    {
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
        RecurseSubdirectories = false,
    };

    private readonly ILogger _logger;

    /// <param name="logger">Warns about skipped names; none by default.</param>
    public FolderImageSource(string root, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The absolute folder path.</summary>
    public string Root { get; }

    /// <inheritdoc/>
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
            foreach (var entry in Representable(folder))
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

    // .NET decodes a name that is not UTF-8 with U+FFFD, so it names no file, or the file whose UTF-8 name is that
    // decoded text (then every such sibling would get that file's URI): keep a name only for the one entry that
    // really has it.
    private List<FileSystemInfo> Representable(DirectoryInfo folder)
    {
        var entries = folder.EnumerateFileSystemInfos("*", Entries).ToList();
        if (!entries.Any(e => e.Name.Contains(Replacement, StringComparison.Ordinal)))
        {
            return entries;
        }
        List<FileSystemInfo> kept = [];
        var skipped = 0;
        foreach (var group in entries.GroupBy(e => e.Name, StringComparer.Ordinal))
        {
            if (!group.Key.Contains(Replacement, StringComparison.Ordinal))
            {
                kept.AddRange(group);
                continue;
            }
            var path = Path.Join(folder.FullName, group.Key);
            if (Directory.Exists(path))
            {
                kept.Add(new DirectoryInfo(path));
                skipped += group.Count() - 1;
            }
            else if (File.Exists(path))
            {
                kept.Add(new FileInfo(path));
                skipped += group.Count() - 1;
            }
            else
            {
                skipped += group.Count();
            }
        }
        if (skipped > 0)
        {
            SourcesLog.NonUtf8NamesSkipped(_logger, skipped, folder.FullName);
        }
        return kept;
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
