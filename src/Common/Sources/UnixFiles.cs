using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Pipeline.Common.Sources;

/// <summary>
/// Opens local image files without ever blocking on what is not a regular file. <c>open(2)</c> of a FIFO
/// without a writer blocks for ever, and .NET's <see cref="File.OpenHandle"/> has no way to ask for
/// <c>O_NONBLOCK</c> or to look at the file type first, so this calls libc directly: <c>statx(2)</c> on the
/// path (links followed), <c>open(2)</c> with <c>O_NONBLOCK | O_NOFOLLOW</c>-free flags, then <c>statx(2)</c>
/// on the opened descriptor, so the type that is checked is the type of what is read.
/// </summary>
/// <remarks>
/// Every <c>errno</c> that describes the path (missing, dangling link, link loop, name too long, permission
/// denied, a parent that is a file) becomes an <see cref="ImageFailureException"/>; only the worker's own
/// limits (<c>EMFILE</c>, <c>ENFILE</c>, <c>ENOMEM</c>) are an <see cref="ImageSourceUnavailableException"/>.
/// statx's layout is the same on every Linux architecture (glibc 2.28 or later).
/// </remarks>
internal static partial class UnixFiles
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int OReadOnly = 0x0;
    private const int ONoCtty = 0x100;
    private const int ONonBlock = 0x800;
    private const int OCloExec = 0x80000;
    private const int StatxBufferSize = 256;
    private const int ModeOffset = 28;
    private const ushort TypeMask = 0xF000;

    /// <summary>Opens <paramref name="path"/> for reading when it is a regular file (links followed).</summary>
    /// <exception cref="ImageFailureException">The path names no readable regular file.</exception>
    /// <exception cref="ImageSourceUnavailableException">The worker ran out of descriptors or memory.</exception>
    public static SafeFileHandle OpenRegular(string path, string shown)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            // The C string would end at the NUL and name another file.
            throw new ImageFailureException(FailureReason.InvalidUri, $"{shown} contains a NUL byte; no file has such a name");
        }
        var native = Encoding.UTF8.GetBytes(path + "\0");
        var buffer = new byte[StatxBufferSize];
        if (Statx(AtFdCwd, native, 0, StatxType, buffer) != 0)
        {
            throw Failure(Marshal.GetLastPInvokeError(), native, shown);
        }
        RequireRegular(buffer, shown);

        var fd = Open(native, OReadOnly | ONonBlock | OCloExec | ONoCtty);
        if (fd < 0)
        {
            throw Failure(Marshal.GetLastPInvokeError(), native, shown);
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            // The path may have been swapped between the two calls: check what was actually opened.
            if (FStatx(fd, [0], AtEmptyPath, StatxType, buffer) != 0)
            {
                throw Failure(Marshal.GetLastPInvokeError(), native, shown);
            }
            RequireRegular(buffer, shown);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The kind of a file type from <c>st_mode</c>, as a person would name it.</summary>
    internal static string DescribeType(int mode) => (mode & TypeMask) switch
    {
        0x1000 => "a named pipe (FIFO)",
        0x2000 => "a character device",
        0x4000 => "a directory",
        0x6000 => "a block device",
        0xA000 => "a symbolic link",
        0xC000 => "a socket",
        _ => "not a regular file",
    };

    private static void RequireRegular(byte[] statx, string shown)
    {
        var mode = BitConverter.ToUInt16(statx, ModeOffset);
        if ((mode & TypeMask) != 0x8000)
        {
            throw new ImageFailureException(FailureReason.NotAFile, $"{shown} is {DescribeType(mode)}, not a regular file; it was not opened");
        }
    }

    private static Exception Failure(int errno, byte[] native, string shown) => errno switch
    {
        2 when IsDanglingLink(native) => new ImageFailureException(FailureReason.NotFound, $"{shown} is a dangling symbolic link (its target does not exist)"),
        2 => new ImageFailureException(FailureReason.NotFound, $"{shown} does not exist"),
        20 => new ImageFailureException(FailureReason.NotFound, $"{shown} does not exist (a parent in its path is not a directory)"),
        40 => new ImageFailureException(FailureReason.NotAFile, $"{shown} cannot be opened: too many levels of symbolic links (a link loop)"),
        36 => new ImageFailureException(FailureReason.InvalidUri, $"{shown} cannot be opened: the file name or path is too long for the file system"),
        1 or 13 => new ImageFailureException(FailureReason.PermissionDenied, $"{shown} cannot be read: permission denied"),
        6 => new ImageFailureException(FailureReason.NotAFile, $"{shown} is a socket or a device without a reader; it was not opened"),
        23 or 24 or 12 => new ImageSourceUnavailableException($"the worker cannot open files now (errno {errno}: {Describe(errno)})"),
        _ => new ImageFailureException(FailureReason.FetchFailed, $"{shown} cannot be read: {Describe(errno)} (errno {errno})"),
    };

    private static bool IsDanglingLink(byte[] native)
    {
        var buffer = new byte[StatxBufferSize];
        return Statx(AtFdCwd, native, AtSymlinkNoFollow, StatxType, buffer) == 0
            && (BitConverter.ToUInt16(buffer, ModeOffset) & TypeMask) == 0xA000;
    }

    private static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Statx(int dirfd, byte[] path, int flags, uint mask, byte[] buffer);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int FStatx(int dirfd, byte[] emptyPath, int flags, uint mask, byte[] buffer);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Open(byte[] path, int flags);
}
